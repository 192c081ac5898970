/**
 * Refresh tokens: opaque random strings, stored only as their SHA-256, 30 days each. A
 * sign-in starts a family; each refresh uses up one token and issues the next:
 *
 *   sign in ─► T1 ──rotate──► T2 ──rotate──► T3
 *              │ used          │ used
 *   T1 again within the grace window: authenticates, issues nothing, revokes nothing
 *   T1 again later: a copy is in someone else's hands; the family is revoked, T3 too
 *
 * Revoking a family also bumps the account's session version in the same transaction
 * (./session-versions.ts), so the access tokens already out stop working too.
 * The grace window exists because two tabs, or a page and its parallel requests, may
 * present the same token before the browser has stored its successor.
 * Rotations and revocations of one family take a lock on the family (one writer per key),
 * so a revocation cannot miss a successor that a concurrent rotation is inserting.
 */
import { createHash } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db, Q } from "../../db/client.ts";
import { refreshTokens } from "../../db/schema.ts";
import { agoSql, purgeTask } from "../runtime/retention.ts";
import { bumpSessionVersion } from "./session-versions.ts";

export const REFRESH_TTL_MS = 30 * 24 * 3600_000;
export const DEFAULT_GRACE_MS = 5_000;
/** Namespace of the family locks (the migration lock uses the one-key form). */
const FAMILY_LOCK = 7_262_002;

export type Rotation =
  | { kind: "rotated"; userId: string; token: string }
  | { kind: "grace"; userId: string }
  | { kind: "refused"; reason: "unknown" | "expired" | "revoked" }
  /** a used token came back after its grace: its family is revoked, and `userId`'s session version bumped */
  | { kind: "reused"; userId: string };

export type RefreshTokenOptions = {
  /** how long a just-used token still authenticates (without a successor) */
  graceMs?: number;
  /** milliseconds since the epoch; injectable so tests can move time */
  now?: () => number;
};

/** The SHA-256 of a token, as stored. */
export const tokenHash = (token: string): string => createHash("sha256").update(token).digest("hex");

/** 32 random bytes, base64url. */
const newToken = (): string => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");

/** Token families in accounts.refresh_tokens, on an injectable clock. */
export class RefreshTokens {
  private readonly graceMs: number;
  private readonly now: () => number;

  constructor(private db: Db, opts: RefreshTokenOptions = {}) {
    this.graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
    this.now = opts.now ?? Date.now;
  }

  /** Starts a new family for `userId` (a sign-in) and returns its first token. */
  start(userId: string): Promise<string> {
    return this.insert(this.db, userId, crypto.randomUUID());
  }

  /** Uses up `token` and issues its successor; see the diagram above for reuse. */
  async rotate(token: string): Promise<Rotation> {
    const family = (await this.ownerOf(token))?.family;
    if (!family) return { kind: "refused", reason: "unknown" };
    return this.db.transaction(async (tx): Promise<Rotation> => {
      await lock(tx, family);
      // read again under the lock: a parallel rotation may have used it meanwhile
      const [row] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash(token)));
      const now = this.now();
      if (!row || row.revokedAt) return { kind: "refused", reason: "revoked" };
      if (row.expiresAt.getTime() <= now) return { kind: "refused", reason: "expired" };
      if (!row.usedAt) {
        await tx.update(refreshTokens).set({ usedAt: new Date(now) }).where(eq(refreshTokens.tokenHash, row.tokenHash));
        return { kind: "rotated", userId: row.userId, token: await this.insert(tx, row.userId, family) };
      }
      if (now - row.usedAt.getTime() <= this.graceMs) return { kind: "grace", userId: row.userId };
      await revokeFamily(tx, row, now);
      return { kind: "reused", userId: row.userId };
    });
  }

  /**
   * Revokes the family of `token` (sign-out); returns whose session ended, null when the
   * token is unknown or its family was revoked already.
   */
  async revoke(token: string): Promise<string | null> {
    const owner = await this.ownerOf(token);
    if (!owner) return null;
    const ended = await this.db.transaction(async (tx) => {
      await lock(tx, owner.family);
      return revokeFamily(tx, owner, this.now());
    });
    return ended ? owner.userId : null;
  }

  /** Revokes every family of `userId` inside the caller's transaction (the account is being disabled). */
  async revokeAll(q: Q, userId: string): Promise<void> {
    await q.update(refreshTokens).set({ revokedAt: new Date(this.now()) })
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
  }

  private async ownerOf(token: string): Promise<Family | null> {
    const [row] = await this.db.select({ family: refreshTokens.family, userId: refreshTokens.userId }).from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, tokenHash(token)));
    return row ?? null;
  }

  private async insert(q: Q, userId: string, family: string): Promise<string> {
    const token = newToken();
    const now = this.now();
    await q.insert(refreshTokens).values({
      tokenHash: tokenHash(token), family, userId, createdAt: new Date(now), expiresAt: new Date(now + REFRESH_TTL_MS),
    });
    return token;
  }
}

/**
 * Refresh tokens that ended (expired, or revoked) longer ago than `keepMs` go. Presented
 * again, a purged token is refused as unknown, as it was refused as expired or revoked
 * before: reuse detection needs only the used tokens that have not expired, and those stay.
 */
export const endedTokensUpkeep = (keepMs: number) =>
  purgeTask("accounts.refresh_tokens", `least(expires_at, coalesce(revoked_at, 'infinity')) < ${agoSql(1)}`, keepMs);

/** Serializes writers of one family until the transaction ends. */
async function lock(q: Q, family: string): Promise<void> {
  await q.execute(sql`SELECT pg_advisory_xact_lock(${sql.raw(String(FAMILY_LOCK))}, hashtext(${family}))`);
}

type Family = { family: string; userId: string };

/** Revokes every token of the family and ends the access tokens of its account; false when it was revoked already. */
async function revokeFamily(q: Q, { family, userId }: Family, now: number): Promise<boolean> {
  const revoked = await q.update(refreshTokens).set({ revokedAt: new Date(now) })
    .where(and(eq(refreshTokens.family, family), isNull(refreshTokens.revokedAt))).returning({ tokenHash: refreshTokens.tokenHash });
  if (revoked.length === 0) return false;
  await bumpSessionVersion(q, userId);
  return true;
}
