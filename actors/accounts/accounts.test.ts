/** The accounts service on real databases: PGlite in memory and a database of its own on the local Postgres. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { refreshTokens, users } from "../../db/schema.ts";
import { ENGINES } from "../../test/engines.ts";
import { openEngine, quickPasswords } from "../../test/accounts-kit.ts";
import { memoryCache } from "../runtime/cache.ts";
import { Accounts, DEFAULT_ADMIN_EMAIL } from "./accounts.ts";
import { AccountConflict, InputError } from "../contracts/errors.ts";
import { REFRESH_TTL_MS, tokenHash } from "./refresh-tokens.ts";

const GRACE_MS = 3_000;

describe.each(ENGINES)("accounts on %s", (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  let now = Date.parse("2030-05-01T12:00:00Z");
  let accounts: Accounts;
  beforeAll(async () => {
    ({ db, close } = await openEngine(engine));
    accounts = new Accounts(db, { passwords: quickPasswords, graceMs: GRACE_MS, now: () => now });
  }, 30_000); // a fresh database migrates in seconds on a busy machine
  afterAll(() => close());
  const later = (ms: number) => void (now += ms);
  let n = 0;
  const email = () => `user${++n}-${engine}@example.com`;

  test("register stores an argon2id hash, never the password, and returns the account without it", async () => {
    const account = await accounts.register("  Ada@Example.com ", "analytical1", " Ada Lovelace ");
    expect(account).toEqual({ id: expect.any(String), email: "Ada@Example.com", name: "Ada Lovelace", role: "customer", createdAt: expect.any(Date), sessionVersion: 0,
      firstName: "Ada Lovelace", lastName: "", phone: null, emailVerifiedAt: null });
    const [row] = await db.select().from(users).where(eq(users.id, account.id));
    expect(row!.passwordHash).toStartWith("$argon2id$");
    expect(row!.passwordHash).not.toContain("analytical1");
  });

  test("a second account with the same email in any case is an AccountConflict", async () => {
    const error = await accounts.register("ADA@example.COM", "analytical2", "Impostor").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountConflict);
    expect(error).toMatchObject({ code: "EMAIL_TAKEN", message: "An account with this email already exists" });
  });

  test("broken rules are InputErrors naming the field and the rule", async () => {
    const cases: [string, string, string, string, string][] = [
      ["not-an-email", "analytical1", "Ada", "email", "Email must be an address like name@example.com"],
      [email(), "short1", "Ada", "password", "Password must be at least 10 characters"],
      [email(), "onlyletters", "Ada", "password", "Password must contain at least one letter and one digit"],
      [email(), "analytical1", "", "name", "Name is required"],
    ];
    for (const [e, password, name, field, message] of cases) {
      const error = await accounts.register(e, password, name).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(InputError);
      expect(error).toMatchObject({ field, message });
    }
  });

  test("login: the right password in any email case; a wrong password and an unknown email both give null", async () => {
    const address = email();
    const account = await accounts.register(address, "correct horse 1", "Grace");
    expect(await accounts.login(address.toUpperCase(), "correct horse 1")).toEqual(account);
    expect(await accounts.login(address, "correct horse 2")).toBeNull();
    expect(await accounts.login(`nobody-${address}`, "correct horse 1")).toBeNull();
  });

  test("refresh tokens are random, stored only as SHA-256, and expire after 30 days", async () => {
    const account = await accounts.register(email(), "analytical1", "Tok");
    const token = await accounts.startSession(account);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    expect(await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, token))).toEqual([]);
    const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash(token)));
    expect(row!.expiresAt.getTime() - now).toBe(REFRESH_TTL_MS);
    later(REFRESH_TTL_MS);
    expect(await accounts.refresh(token)).toBeNull();
  });

  test("rotation uses up a token and issues its successor; reuse after the grace window revokes the family", async () => {
    const account = await accounts.register(email(), "analytical1", "Rot");
    const t1 = await accounts.startSession(account);
    const r1 = await accounts.refresh(t1);
    expect(r1).toEqual({ account, refreshToken: expect.any(String) });
    const t2 = r1!.refreshToken!;
    const t3 = (await accounts.refresh(t2))!.refreshToken!;
    const [used] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash(t1)));
    expect(used!.usedAt).toEqual(new Date(now));
    later(GRACE_MS + 1);
    expect(await accounts.refresh(t1)).toBeNull(); // someone replayed a stolen token
    expect(await accounts.refresh(t3)).toBeNull(); // so the newest one dies too
    const family = await db.select().from(refreshTokens).where(eq(refreshTokens.family, used!.family));
    expect(family.map((r) => r.revokedAt !== null)).toEqual([true, true, true]);
  });

  test("within the grace window a just-rotated token authenticates, issues nothing and revokes nothing", async () => {
    const account = await accounts.register(email(), "analytical1", "Tabs");
    const t1 = await accounts.startSession(account);
    const t2 = (await accounts.refresh(t1))!.refreshToken!;
    later(GRACE_MS - 1);
    expect(await accounts.refresh(t1)).toEqual({ account, refreshToken: null });
    const t3 = (await accounts.refresh(t2))!.refreshToken!;
    expect(t3).not.toBe(t2);
    later(2);
    expect(await accounts.refresh(t1)).toBeNull(); // past the window: a replay
    expect(await accounts.refresh(t3)).toBeNull();
  });

  test("two parallel refreshes with one token: one successor, one grace, the family stays alive", async () => {
    const account = await accounts.register(email(), "analytical1", "Race");
    const t1 = await accounts.startSession(account);
    const both = await Promise.all([accounts.refresh(t1), accounts.refresh(t1)]);
    const fresh = both.map((r) => r?.refreshToken).filter((t) => typeof t === "string");
    expect(both.every((r) => r?.account.id === account.id)).toBe(true);
    expect(fresh).toHaveLength(1);
    expect((await accounts.refresh(fresh[0]!))?.refreshToken).toEqual(expect.any(String));
  });

  test("logout revokes the whole family; other sessions of the same account go on", async () => {
    const account = await accounts.register(email(), "analytical1", "Bye");
    const phone = await accounts.startSession(account);
    const laptop1 = await accounts.startSession(account);
    const laptop2 = (await accounts.refresh(laptop1))!.refreshToken!;
    await accounts.logout(laptop1);
    expect(await accounts.refresh(laptop2)).toBeNull();
    expect(await accounts.refresh(phone)).not.toBeNull();
    await accounts.logout("never-issued"); // nothing to do, no error
    expect(await accounts.refresh("never-issued")).toBeNull();
  });

  describe("session versions", () => {
    const customer = () => accounts.register(email(), "analytical1", "Version");
    const versionOf = async (id: string) => (await accounts.find(id))?.sessionVersion;

    test("a sign-out bumps the version: the session's access tokens stop, a new sign-in carries the new one", async () => {
      const account = await customer();
      const refresh = await accounts.startSession(account);
      expect(await accounts.sessionIsCurrent(account.id, 0)).toBe(true); // now cached
      await accounts.logout(refresh);
      expect(await accounts.sessionIsCurrent(account.id, 0)).toBe(false);
      expect(await versionOf(account.id)).toBe(1);
      expect(await accounts.sessionIsCurrent(account.id, 1)).toBe(true);
      await accounts.logout(refresh); // revoked already: nothing ends, the other sessions keep their tokens
      await accounts.logout("never-issued");
      expect(await versionOf(account.id)).toBe(1);
    });

    test("a refresh token replayed after its grace bumps it, and the renewal after the bump carries it", async () => {
      const account = await customer();
      const t1 = await accounts.startSession(account);
      const stolen = await accounts.refresh(t1); // the thief rotates first
      expect(stolen!.account.sessionVersion).toBe(0);
      later(GRACE_MS + 1);
      expect(await accounts.refresh(t1)).toBeNull(); // the owner comes back with the used token
      expect(await accounts.sessionIsCurrent(account.id, 0)).toBe(false);
      const other = await accounts.startSession(account);
      expect((await accounts.refresh(other))!.account.sessionVersion).toBe(1);
    });

    test("disable: no sign-in, no refresh, no session of any version; the email stays taken", async () => {
      const account = await customer();
      const refresh = await accounts.startSession(account);
      expect(await accounts.disable(account.id)).toBe(true);
      expect(await accounts.disable(account.id)).toBe(false);
      expect(await accounts.disable("no-such-account")).toBe(false);
      for (const version of [0, 1, 2]) expect(await accounts.sessionIsCurrent(account.id, version)).toBe(false);
      expect(await accounts.refresh(refresh)).toBeNull();
      expect(await accounts.login(account.email, "analytical1")).toBeNull();
      expect(await accounts.find(account.id)).toBeNull();
      await expect(accounts.register(account.email, "analytical1", "Again")).rejects.toMatchObject({ code: "EMAIL_TAKEN" });
    });

    test("an account that does not exist has no session", async () => {
      expect(await accounts.sessionIsCurrent("no-such-account", 0)).toBe(false);
    });

    test("a check is answered from the cache until it expires: an edge that missed the revocation learns it within the TTL", async () => {
      const cache = memoryCache();
      const edge = new Accounts(db, { passwords: quickPasswords, cache, sessionCheckSeconds: 0.3 });
      const account = await customer();
      expect(await edge.sessionIsCurrent(account.id, 0)).toBe(true);
      // another edge with a cache of its own revokes: this one hears nothing
      await db.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, account.id));
      expect(await edge.sessionIsCurrent(account.id, 0)).toBe(true);
      await Bun.sleep(350);
      expect(await edge.sessionIsCurrent(account.id, 0)).toBe(false);
      expect(await cache.get(`session:${account.id}`)).toEqual({ version: 1 });
    });
  });

  test("ensureAdmin creates one administrator, once, even when several processes start together", async () => {
    const starts = await Promise.all([accounts.ensureAdmin(), accounts.ensureAdmin(), accounts.ensureAdmin()]);
    const created = starts.filter((s) => s !== null);
    expect(created).toHaveLength(1);
    const { email: adminEmail, password } = created[0]!;
    expect(adminEmail).toBe(DEFAULT_ADMIN_EMAIL);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await accounts.login(adminEmail, password!)).toMatchObject({ role: "admin" });
    expect(await accounts.ensureAdmin()).toBeNull(); // the next start prints nothing
    expect(await accounts.ensureAdmin({ email: "other@example.com", password: "another-pass-1" })).toBeNull();
    const admins = await db.select().from(users).where(eq(users.role, "admin"));
    expect(admins).toHaveLength(1);
  });
});

describe("ensureAdmin from the environment", () => {
  test("uses ADMIN_EMAIL and ADMIN_PASSWORD, and returns no password to print", async () => {
    const { db, close } = await openEngine("embedded");
    try {
      const accounts = new Accounts(db, { passwords: quickPasswords });
      expect(await accounts.ensureAdmin({ email: "Root@Shop.test", password: "chosen-by-ops-7" })).toEqual({ email: "Root@Shop.test", password: null });
      expect(await accounts.login("root@shop.test", "chosen-by-ops-7")).toMatchObject({ role: "admin", name: "Administrator" });
    } finally {
      await close();
    }
  }, 30_000);

  test("refuses a weak ADMIN_PASSWORD, a malformed ADMIN_EMAIL, and an email a customer already has", async () => {
    const { db, close } = await openEngine("embedded");
    try {
      const accounts = new Accounts(db, { passwords: quickPasswords });
      await expect(accounts.ensureAdmin({ password: "admin" })).rejects.toThrow("ADMIN_PASSWORD: Password must be at least 10 characters");
      await expect(accounts.ensureAdmin({ email: "admin" })).rejects.toThrow("ADMIN_EMAIL: Email must be an address");
      await accounts.register("taken@example.com", "analytical1", "Customer");
      await expect(accounts.ensureAdmin({ email: "TAKEN@example.com" })).rejects.toThrow("belongs to a customer account");
    } finally {
      await close();
    }
  }, 30_000);
});
