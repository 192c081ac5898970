/**
 * Customer accounts: registration, sign-in by password, refresh-token sessions
 * (actors/accounts/refresh-tokens.ts), the session versions that end access tokens
 * (actors/accounts/session-versions.ts), disabling, and the first administrator. No HTTP
 * here: the edge turns the results into cookies and tokens.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db, Q } from "../../db/client.ts";
import { users } from "../../db/schema.ts";
import { emailProblem, normalEmail, PASSWORD_MAX, passwordProblem, registrationErrors } from "./account-rules.ts";
import { AccountConflict, InputError } from "../contracts/errors.ts";
import { RefreshTokens, type RefreshTokenOptions } from "./refresh-tokens.ts";
import { log } from "../runtime/log.ts";
import { memoryCache, type Cache } from "../runtime/cache.ts";
import { bumpSessionVersion, SessionVersions } from "./session-versions.ts";
import { argon2Passwords, type Passwords } from "./passwords.ts";

export type Role = "customer" | "admin";
/**
 * An account as the rest of the shop sees it: never the password hash. `sessionVersion` is
 * what an access token issued now carries (see session-versions.ts).
 */
export type Account = { id: string; email: string; name: string; role: Role; createdAt: Date; sessionVersion: number };
/** A refreshed session: `refreshToken` is null inside the grace window (its successor is already out). */
export type Renewal = { account: Account; refreshToken: string | null };
/** Created by `ensureAdmin`; `password` only when it was generated, to be shown once. */
export type FirstAdmin = { email: string; password: string | null };

export const DEFAULT_ADMIN_EMAIL = "admin@saga.shop";
/** Serializes first starts of several processes (the migration lock uses the one-key form). */
const ADMIN_LOCK = 7_262_003;

export type AccountsOptions = RefreshTokenOptions & {
  passwords?: Passwords;
  /** where checked session versions are kept for a few seconds: the shared cache in distributed mode */
  cache?: Cache;
  /** how long a checked session version may be reused (default SESSION_CHECK_TTL_SECONDS) */
  sessionCheckSeconds?: number;
};

const columns = {
  id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt, sessionVersion: users.sessionVersion,
};
const enabled = isNull(users.disabledAt);
const byEmail = (email: string) => sql`lower(${users.email}) = ${normalEmail(email).toLowerCase()}`;

/** Accounts and their sessions on the database; passwords through the `Passwords` port. */
export class Accounts {
  private readonly tokens: RefreshTokens;
  private readonly sessions: SessionVersions;
  private readonly passwords: Passwords;
  /** Compared against when the email is unknown, so both failures take as long. */
  private dummyHash: Promise<string> | undefined;

  constructor(private db: Db, opts: AccountsOptions = {}) {
    this.tokens = new RefreshTokens(db, opts);
    this.sessions = new SessionVersions(db, opts.cache ?? memoryCache(), opts.sessionCheckSeconds);
    this.passwords = opts.passwords ?? argon2Passwords();
  }

  /** Creates a customer; InputError naming the first broken rule, AccountConflict when the email is taken. */
  async register(email: string, password: string, name: string): Promise<Account> {
    const broken = registrationErrors({ email, password, name })[0];
    if (broken) throw new InputError(broken.field, broken.message);
    // checked before hashing so a duplicate costs no argon2 round; the insert still decides races
    if (await this.findByEmail(email)) throw emailTaken();
    const [account] = await this.db.insert(users).values({
      id: crypto.randomUUID(), email: normalEmail(email), name: name.trim(),
      passwordHash: await this.passwords.hash(password), role: "customer",
    }).onConflictDoNothing().returning(columns);
    if (!account) throw emailTaken();
    return account;
  }

  /**
   * The account when `password` matches, else null; an unknown email, a wrong password and a
   * disabled account look alike.
   */
  async login(email: string, password: string): Promise<Account | null> {
    if (password.length > PASSWORD_MAX) return null; // no account has one: not worth a hash of megabytes
    const [row] = await this.db.select({ ...columns, passwordHash: users.passwordHash }).from(users).where(and(byEmail(email), enabled));
    if (!row) {
      this.dummyHash ??= this.passwords.hash(crypto.randomUUID());
      await this.passwords.verify(password, await this.dummyHash);
      return null;
    }
    const { passwordHash, ...account } = row;
    return (await this.passwords.verify(password, passwordHash)) ? account : null;
  }

  /** The account with this id, or null (also when it is disabled). */
  async find(id: string): Promise<Account | null> {
    const [account] = await this.db.select(columns).from(users).where(and(eq(users.id, id), enabled));
    return account ?? null;
  }

  /** Starts a session (a new refresh-token family) for a signed-in account. */
  startSession(account: Account): Promise<string> {
    return this.tokens.start(account.id);
  }

  /** Trades a refresh token for its successor; null when it is unknown, expired, revoked or reused. */
  async refresh(token: string): Promise<Renewal | null> {
    const rotation = await this.tokens.rotate(token);
    if (rotation.kind === "refused") return null;
    if (rotation.kind === "reused") {
      log.warn("a used refresh token came back; its family is revoked");
      await this.sessions.forget(rotation.userId);
      return null;
    }
    const account = await this.find(rotation.userId);
    if (!account) return null;
    return { account, refreshToken: rotation.kind === "rotated" ? rotation.token : null };
  }

  /**
   * Ends the session `token` belongs to: every token of its family stops working, and the
   * account's access tokens within seconds (its other sessions renew theirs).
   */
  async logout(token: string): Promise<void> {
    const userId = await this.tokens.revoke(token);
    if (userId) await this.sessions.forget(userId);
  }

  /** Whether an access token of `userId` issued under session `version` still stands (read through the cache). */
  sessionIsCurrent(userId: string, version: number): Promise<boolean> {
    return this.sessions.isCurrent(userId, version);
  }

  /**
   * Disables the account: it cannot sign in again, every refresh family is revoked and its
   * access tokens stop within seconds. False when there is no such account or it was disabled already.
   */
  async disable(id: string): Promise<boolean> {
    const disabled = await this.db.transaction(async (tx) => {
      const rows = await tx.update(users).set({ disabledAt: new Date() }).where(and(eq(users.id, id), enabled)).returning({ id: users.id });
      if (rows.length === 0) return false;
      // a rotation racing this one may still insert a successor: refresh refuses it, the account being disabled
      await this.tokens.revokeAll(tx, id);
      await bumpSessionVersion(tx, id);
      return true;
    });
    if (disabled) await this.sessions.forget(id);
    return disabled;
  }

  /**
   * Creates the first administrator when there is none: `email` (default admin@saga.shop)
   * with `password`, or a generated password returned so the caller can show it once.
   * Several processes may start together: a lock makes one of them create it.
   */
  async ensureAdmin(given: { email?: string; password?: string } = {}): Promise<FirstAdmin | null> {
    const email = normalEmail(given.email || DEFAULT_ADMIN_EMAIL);
    const emailBroken = emailProblem(email);
    if (emailBroken) throw new InputError("ADMIN_EMAIL", `ADMIN_EMAIL: ${emailBroken}`);
    const passwordBroken = given.password ? passwordProblem(given.password) : null;
    if (passwordBroken) throw new InputError("ADMIN_PASSWORD", `ADMIN_PASSWORD: ${passwordBroken}`);
    if (await this.adminExists(this.db)) return null; // every later start: no hashing, no lock
    const password = given.password || generatedPassword();
    const passwordHash = await this.passwords.hash(password);
    return this.db.transaction(async (tx): Promise<FirstAdmin | null> => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${sql.raw(String(ADMIN_LOCK))}, 0)`);
      if (await this.adminExists(tx)) return null;
      const created = await tx.insert(users).values({ id: crypto.randomUUID(), email, name: "Administrator", passwordHash, role: "admin" })
        .onConflictDoNothing().returning({ id: users.id });
      if (created.length === 0) throw new AccountConflict("EMAIL_TAKEN", `${email} belongs to a customer account; set ADMIN_EMAIL to another address`);
      return { email, password: given.password ? null : password };
    });
  }

  private async findByEmail(email: string): Promise<Account | null> {
    const [account] = await this.db.select(columns).from(users).where(byEmail(email));
    return account ?? null;
  }

  private async adminExists(q: Q): Promise<boolean> {
    const rows = await q.select({ id: users.id }).from(users).where(eq(users.role, "admin")).limit(1);
    return rows.length > 0;
  }
}

const emailTaken = () => new AccountConflict("EMAIL_TAKEN", "An account with this email already exists");

/** 24 random characters that pass the password policy (retries the rare draw without a digit). */
function generatedPassword(): string {
  for (;;) {
    const candidate = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
    if (!passwordProblem(candidate)) return candidate;
  }
}
