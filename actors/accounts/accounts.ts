/**
 * Customer accounts: registration, sign-in by password, refresh-token sessions
 * (actors/accounts/refresh-tokens.ts), the session versions that end access tokens
 * (actors/accounts/session-versions.ts), disabling, and the first administrator. No HTTP
 * here: the edge turns the results into cookies and tokens.
 */
import { and, eq, isNotNull, isNull, sql, TransactionRollbackError } from "drizzle-orm";
import type { Db, Q } from "../../db/client.ts";
import { users } from "../../db/schema.ts";
import {
  emailProblem, fullName, normalEmail, PASSWORD_MAX, passwordProblem, profileOf, registrationErrors, type Profile,
} from "./account-rules.ts";
import { publishAccountEvents } from "./account-events.ts";
import { endLinks, issueLink, linkIsLive, spendLink, type LinkPurpose } from "./link-tokens.ts";
import { AccountConflict, InputError } from "../contracts/errors.ts";
import { RefreshTokens, type RefreshTokenOptions } from "./refresh-tokens.ts";
import { log } from "../runtime/log.ts";
import { memoryCache, type Cache } from "../runtime/cache.ts";
import { bumpSessionVersion, SESSION_CHECK_TTL_SECONDS, SessionVersions } from "./session-versions.ts";
import { argon2Passwords, type Passwords } from "./passwords.ts";

export type Role = "customer" | "admin";
/**
 * An account as the rest of the shop sees it: never the password hash. `sessionVersion` is
 * what an access token issued now carries (see session-versions.ts).
 */
export type Account = {
  id: string; email: string; name: string; role: Role; createdAt: Date; sessionVersion: number;
  firstName: string | null; lastName: string | null; phone: string | null; emailVerifiedAt: Date | null;
};
/** What a password-reset link did: the account it reset, or why not. */
export type ResetOutcome = { kind: "reset"; account: Account } | { kind: "invalid" } | { kind: "weak"; message: string };
/** What a verification link did. */
export type VerifyOutcome = { kind: "verified"; account: Account } | { kind: "invalid" } | { kind: "taken" };
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
  /** told after a commit that wrote to the outbox, to wake the relay */
  onOutbox?: () => void;
};

const columns = {
  id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt, sessionVersion: users.sessionVersion,
  firstName: users.firstName, lastName: users.lastName, phone: users.phone, emailVerifiedAt: users.emailVerifiedAt,
};
const enabled = isNull(users.disabledAt);
const byEmail = (email: string) => sql`lower(${users.email}) = ${normalEmail(email).toLowerCase()}`;

/** Accounts and their sessions on the database; passwords through the `Passwords` port. */
export class Accounts {
  private readonly tokens: RefreshTokens;
  private readonly sessions: SessionVersions;
  private readonly cache: Cache;
  private readonly checkSeconds: number;
  private readonly passwords: Passwords;
  /** Compared against when the email is unknown, so both failures take as long. */
  private dummyHash: Promise<string> | undefined;
  private readonly onOutbox: () => void;
  private readonly now: () => number;

  constructor(private db: Db, opts: AccountsOptions = {}) {
    this.tokens = new RefreshTokens(db, opts);
    this.onOutbox = opts.onOutbox ?? (() => {});
    this.now = opts.now ?? Date.now;
    this.cache = opts.cache ?? memoryCache();
    this.checkSeconds = opts.sessionCheckSeconds ?? SESSION_CHECK_TTL_SECONDS;
    this.sessions = new SessionVersions(db, this.cache, opts.sessionCheckSeconds);
    this.passwords = opts.passwords ?? argon2Passwords();
  }

  /** Creates a customer; InputError naming the first broken rule, AccountConflict when the email is taken. */
  async register(email: string, password: string, who: string | Profile): Promise<Account> {
    const given = typeof who === "string" ? { name: who } : who;
    const broken = registrationErrors({ email, password, ...given })[0];
    if (broken) throw new InputError(broken.field, broken.message);
    // checked before hashing so a duplicate costs no argon2 round; the insert still decides races
    if (await this.findByEmail(email)) throw emailTaken();
    const profile = profileOf(given);
    const passwordHash = await this.passwords.hash(password);
    const at = new Date(this.now());
    const account = await this.db.transaction(async (tx) => {
      const [row] = await tx.insert(users).values({
        id: crypto.randomUUID(), email: normalEmail(email), name: fullName(profile), ...profile,
        passwordHash, role: "customer", createdAt: at,
      }).onConflictDoNothing().returning(columns);
      if (!row) throw emailTaken();
      const link = await issueLink(tx, row.id, "verify", row.email, at);
      await publishAccountEvents(tx, row.id, [
        { type: "user.Registered.v1", payload: { userId: row.id, email: row.email, ...profile } },
        { type: "user.EmailVerificationRequested.v1", payload: { userId: row.id, email: row.email, firstName: profile.firstName, token: link.token, expiresAt: link.expiresAt.toISOString() } },
      ], at);
      return row;
    });
    this.onOutbox();
    return account;
  }

  /**
   * Sends the account a new link to verify `email` (its own address, or a new one it asked
   * to change to: that applies when the link is followed). False when there is nothing to verify.
   */
  async requestVerification(userId: string, email?: string): Promise<boolean> {
    const account = await this.find(userId);
    if (!account) return false;
    const address = email === undefined ? account.email : normalEmail(email);
    if (email === undefined && account.emailVerifiedAt) return false;
    const at = new Date(this.now());
    await this.db.transaction(async (tx) => {
      const link = await issueLink(tx, userId, "verify", address, at);
      await publishAccountEvents(tx, userId, [{
        type: "user.EmailVerificationRequested.v1",
        payload: { userId, email: address, firstName: firstNameOf(account), token: link.token, expiresAt: link.expiresAt.toISOString() },
      }], at);
    });
    this.onOutbox();
    return true;
  }

  /** Follows a verification link: the address it was sent to becomes the account's, verified. */
  async verifyEmail(token: string): Promise<VerifyOutcome> {
    const at = new Date(this.now());
    try {
      const account = await this.db.transaction(async (tx) => {
        const spent = await spendLink(tx, token, "verify", at);
        if (!spent) return null;
        const [row] = await tx.update(users).set({ email: spent.email, emailVerifiedAt: at })
          .where(and(eq(users.id, spent.userId), enabled)).returning(columns);
        return row ?? null;
      });
      if (!account) return { kind: "invalid" };
      await this.cache.del(unverifiedKey(account.id)); // the banner goes on the next page, on every edge sharing the cache
      return { kind: "verified", account };
    } catch (err) {
      if (isUniqueViolation(err)) return { kind: "taken" }; // another account took the new address meanwhile
      throw err;
    }
  }

  /**
   * Asks for a password-reset link for `email`. The same work whether or not there is such
   * an account (a lookup, a token, a transaction), and nothing said about which it was.
   */
  async requestPasswordReset(email: string, send = true): Promise<void> {
    const at = new Date(this.now());
    const [found] = await this.db.select(columns).from(users).where(and(byEmail(email), enabled));
    const row = send ? found : undefined; // a mailbox over its budget: the same work, no mail
    // for no account the same statements run for a stand-in and are rolled back: the answer takes as long
    const to = row ?? { id: crypto.randomUUID(), email: normalEmail(email) || "nobody@example.com", firstName: "", name: "" };
    await this.db.transaction(async (tx) => {
      const link = await issueLink(tx, to.id, "reset", to.email, at);
      await publishAccountEvents(tx, to.id, [{
        type: "user.PasswordResetRequested.v1",
        payload: { userId: to.id, email: to.email, firstName: firstNameOf(to), token: link.token, expiresAt: link.expiresAt.toISOString() },
      }], at);
      if (!row) tx.rollback();
    }).catch((err) => {
      if (!(err instanceof TransactionRollbackError)) throw err;
    });
    // the relay starts after the answer has gone: in one process (the embedded default) its
    // work would otherwise delay this answer, and only when the account exists
    if (row) setTimeout(this.onOutbox, 0);
  }

  /** Whether a reset link still works (the form is shown only for one that does). */
  resetLinkIsLive(token: string): Promise<boolean> {
    return linkIsLive(this.db, token, "reset", new Date(this.now()));
  }

  /**
   * Sets a new password through a reset link: every session of the account ends (refresh
   * tokens revoked, access tokens within seconds) and user.PasswordChanged.v1 goes out.
   */
  async resetPassword(token: string, password: string): Promise<ResetOutcome> {
    const weak = passwordProblem(password);
    if (weak) return { kind: "weak", message: weak };
    const passwordHash = await this.passwords.hash(password);
    const account = await this.db.transaction(async (tx) => {
      const at = new Date(this.now());
      const spent = await spendLink(tx, token, "reset", at);
      return spent ? this.setPassword(tx, spent.userId, passwordHash, at) : null;
    });
    if (!account) return { kind: "invalid" };
    await this.sessions.forget(account.id);
    this.onOutbox();
    return { kind: "reset", account };
  }

  /**
   * Changes the password of a signed-in account that proves the current one: every session
   * ends (the caller starts a new one for the browser that asked). Null when `current` is wrong.
   */
  async changePassword(userId: string, current: string, password: string): Promise<Account | null> {
    const weak = passwordProblem(password);
    if (weak) throw new InputError("password", weak);
    const [row] = await this.db.select({ passwordHash: users.passwordHash }).from(users).where(and(eq(users.id, userId), enabled));
    if (!row || current.length > PASSWORD_MAX || !(await this.passwords.verify(current, row.passwordHash))) return null;
    const passwordHash = await this.passwords.hash(password);
    const account = await this.db.transaction((tx) => this.setPassword(tx, userId, passwordHash, new Date(this.now())));
    if (!account) return null;
    await this.sessions.forget(userId);
    this.onOutbox();
    return account;
  }

  /**
   * Starts a change of address: the new one gets a verification link and becomes the
   * account's when it is followed. InputError for a bad address, AccountConflict when taken,
   * null when the password is wrong.
   */
  async requestEmailChange(userId: string, password: string, email: string): Promise<boolean | null> {
    const broken = emailProblem(email);
    if (broken) throw new InputError("email", broken);
    const [row] = await this.db.select({ passwordHash: users.passwordHash }).from(users).where(and(eq(users.id, userId), enabled));
    if (!row || password.length > PASSWORD_MAX || !(await this.passwords.verify(password, row.passwordHash))) return null;
    const other = await this.findByEmail(email);
    if (other && other.id !== userId) throw emailTaken();
    return this.requestVerification(userId, email);
  }

  /** The new hash, every refresh token revoked, the session version bumped, the other reset links ended, the event out. */
  private async setPassword(tx: Q, userId: string, passwordHash: string, at: Date): Promise<Account | null> {
    const [account] = await tx.update(users).set({ passwordHash }).where(and(eq(users.id, userId), enabled)).returning(columns);
    if (!account) return null;
    await this.tokens.revokeAll(tx, userId);
    await bumpSessionVersion(tx, userId);
    await endLinks(tx, userId, "reset", at);
    await publishAccountEvents(tx, userId, [{
      type: "user.PasswordChanged.v1", payload: { userId, email: account.email, firstName: firstNameOf(account) },
    }], at);
    return { ...account, sessionVersion: account.sessionVersion + 1 };
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
    if (!(await this.passwords.verify(password, passwordHash))) return null;
    await this.db.update(users).set({ lastLoginAt: new Date(this.now()) }).where(eq(users.id, account.id));
    return account;
  }

  /**
   * Whether `email` is a disabled account and `password` its password: only then may a
   * refused sign-in say the account is disabled (otherwise anyone could learn the email has one).
   */
  async isDisabledWith(email: string, password: string): Promise<boolean> {
    if (password.length > PASSWORD_MAX) return false;
    const [row] = await this.db.select({ passwordHash: users.passwordHash }).from(users).where(and(byEmail(email), isNotNull(users.disabledAt)));
    return row !== undefined && await this.passwords.verify(password, row.passwordHash);
  }

  /** The account with this id, or null (also when it is disabled). */
  async find(id: string): Promise<Account | null> {
    const [account] = await this.db.select(columns).from(users).where(and(eq(users.id, id), enabled));
    return account ?? null;
  }

  /**
   * Whether the account has yet to verify its address (false for an unknown or disabled
   * one): the pages' banner. Read through the cache like the session check; following a
   * verification link forgets it.
   */
  async emailUnverified(id: string): Promise<boolean> {
    const cached = await this.cache.get<unknown>(unverifiedKey(id));
    if (typeof cached === "boolean") return cached;
    const [row] = await this.db.select({ at: users.emailVerifiedAt }).from(users).where(and(eq(users.id, id), enabled));
    const unverified = row !== undefined && row.at === null;
    await this.cache.set(unverifiedKey(id), unverified, this.checkSeconds);
    return unverified;
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

const firstNameOf = (a: Pick<Account, "firstName" | "name">) => a.firstName || a.name;
const isUniqueViolation = (err: unknown): boolean =>
  typeof err === "object" && err !== null && ("code" in err && err.code === "23505" || "cause" in err && isUniqueViolation(err.cause));

const unverifiedKey = (userId: string) => `unverified:${userId}`;
const emailTaken = () => new AccountConflict("EMAIL_TAKEN", "An account with this email already exists");

/** 24 random characters that pass the password policy (retries the rare draw without a digit). */
function generatedPassword(): string {
  for (;;) {
    const candidate = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
    if (!passwordProblem(candidate)) return candidate;
  }
}
