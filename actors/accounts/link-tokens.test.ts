import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { openPglite, type Database } from "../../db/client.ts";
import { linkTokens } from "../../db/schema.ts";
import { issueLink, LINK_TTL_MS, linkHash, linkIsLive, spendLink } from "./link-tokens.ts";

let database: Database;
beforeAll(async () => void (database = await openPglite()), 60_000);
afterAll(() => database.close());

describe("link tokens", () => {
  const t0 = new Date("2026-12-01T10:00:00Z");

  test("32 random bytes in base64url; only the SHA-256 hash is stored", async () => {
    const { token, expiresAt } = await issueLink(database.db, "u1", "verify", "ada@example.com", t0);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.getTime() - t0.getTime()).toBe(LINK_TTL_MS.verify);
    const rows = await database.db.select().from(linkTokens).where(eq(linkTokens.userId, "u1"));
    expect(rows.map((r) => r.tokenHash)).toEqual([linkHash(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  test("a token works once", async () => {
    const { token } = await issueLink(database.db, "u2", "reset", "bo@example.com", t0);
    expect(await linkIsLive(database.db, token, "reset", t0)).toBe(true);
    const [first, second] = await Promise.all([spendLink(database.db, token, "reset", t0), spendLink(database.db, token, "reset", t0)]);
    expect([first, second].filter((s) => s !== null)).toEqual([{ userId: "u2", email: "bo@example.com" }]);
    expect(await spendLink(database.db, token, "reset", t0)).toBeNull();
    expect(await linkIsLive(database.db, token, "reset", t0)).toBe(false);
  });

  test("a reset token expires after 30 minutes, a verification token after 24 hours", async () => {
    const reset = await issueLink(database.db, "u3", "reset", "cy@example.com", t0);
    expect(await spendLink(database.db, reset.token, "reset", new Date(t0.getTime() + 30 * 60_000))).toBeNull();
    const verify = await issueLink(database.db, "u3", "verify", "cy@example.com", t0);
    expect(await spendLink(database.db, verify.token, "verify", new Date(t0.getTime() + 24 * 3600_000 + 1))).toBeNull();
    const fresh = await issueLink(database.db, "u3", "reset", "cy@example.com", t0);
    expect(await spendLink(database.db, fresh.token, "reset", new Date(t0.getTime() + 29 * 60_000))).not.toBeNull();
  });

  test("a wrong token, a token for another purpose, an empty or oversized one: nothing", async () => {
    const { token } = await issueLink(database.db, "u4", "verify", "di@example.com", t0);
    expect(await spendLink(database.db, token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"), "verify", t0)).toBeNull();
    expect(await spendLink(database.db, token, "reset", t0)).toBeNull();
    expect(await spendLink(database.db, "", "verify", t0)).toBeNull();
    expect(await spendLink(database.db, "x".repeat(10_000), "verify", t0)).toBeNull();
    expect(await spendLink(database.db, token, "verify", t0)).toEqual({ userId: "u4", email: "di@example.com" });
  });
});
