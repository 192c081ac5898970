/** Ended refresh tokens are purged after their retention, and what reuse detection needs stays. */
import { afterAll, describe, expect, test } from "bun:test";
import { databases, ENGINES } from "../../test/engines.ts";
import { endedTokensUpkeep, RefreshTokens, REFRESH_TTL_MS, tokenHash } from "./refresh-tokens.ts";

const DAY = 24 * 3600_000;

describe.each(ENGINES)("ended refresh tokens on %s", (engine) => {
  const dbs = databases();
  afterAll(() => dbs.closeAll());

  test("expired and long-revoked tokens go; recently revoked ones, and used tokens of a live family, stay", async () => {
    const { db, sql } = await dbs.open(engine);
    await sql.query("INSERT INTO accounts.users (id, email, name, password_hash, role) VALUES ('u-1', 'a@example.com', 'A', 'x', 'customer')");
    let now = Date.now();
    const tokens = new RefreshTokens(db, { graceMs: 1_000, now: () => now });
    const at = async <T>(ms: number, f: () => Promise<T>) => { now = ms; return f(); };
    const real = Date.now();
    const expired = await at(real - REFRESH_TTL_MS - 2 * DAY, () => tokens.start("u-1"));
    const revokedLongAgo = await at(real - 5 * DAY, () => tokens.start("u-1"));
    await at(real - 2 * DAY, () => tokens.revoke(revokedLongAgo));
    const revokedLately = await at(real - 3600_000, () => tokens.start("u-1"));
    await at(real - 60_000, () => tokens.revoke(revokedLately));
    const used = await at(real - 10 * DAY, () => tokens.start("u-1"));
    const rotated = await at(real - 10 * DAY, () => tokens.rotate(used));
    now = real;
    const purged = await endedTokensUpkeep(DAY)(sql);
    const left = new Set((await sql.query<{ token_hash: string }>("SELECT token_hash FROM accounts.refresh_tokens")).map((r) => r.token_hash));
    expect(purged).toBe(2);
    expect([expired, revokedLongAgo, revokedLately, used].map((t) => left.has(tokenHash(t)))).toEqual([false, false, true, true]);
    // A purged token is refused, as it was before; the used token of the live family still
    // gives its replay away and ends the family.
    expect(await tokens.rotate(revokedLongAgo)).toEqual({ kind: "refused", reason: "unknown" });
    expect(await tokens.rotate(used)).toEqual({ kind: "reused", userId: "u-1" });
    expect(rotated.kind === "rotated" && (await tokens.rotate(rotated.token))).toEqual({ kind: "refused", reason: "revoked" });
  });
});
