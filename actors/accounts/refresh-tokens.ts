/**
 * Refresh tokens: opaque random strings, stored only as their SHA-256, 30 days each. A
 * sign-in starts a family; each refresh uses up one token and issues the next:
 *
 *   sign in ─► T1 ──rotate──► T2 ──rotate──► T3
 *              │ used          │ used
 *   T1 again within the grace window: authenticates, issues nothing, revokes nothing
 *   T1 again later: a copy is in someone else's hands; the family is revoked, T3 too
 *
 * The grace window exists because two tabs, or a page and its parallel requests, may
 * present the same token before the browser has stored its successor.
 * Rotations and revocations of one family take a lock on the family (one writer per key),
 * so a revocation cannot miss a successor that a concurrent rotation is inserting.
 */
import { createHash } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db, Q } from "../../db/client.ts";
import { refreshTokens } from "../../db/schema.ts";

export const REFRESH_TTL_MS = 30 * 24 * 3600_000;
export const DEFAULT_GRACE_MS = 5_000;
/** Namespace of the family locks (the migration lock uses the one-key form). */
const FAMILY_LOCK = 7_262_002;

export type Rotation =
  | { kind: "rotated"; userId: string; token: string }
  | { kind: "grace"; userId: string }
  | { kind: "refused"; reason: "unknown" | "expired" | "revoked" | "reused" };

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
    const family = await this.familyOf(token);
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
      await revokeFamily(tx, family, now);
      return { kind: "refused", reason: "reused" };
    });
  }

  /** Revokes the family of `token` (sign-out); false when the token is unknown. */
  async revoke(token: string): Promise<boolean> {
    const family = await this.familyOf(token);
    if (!family) return false;
    await this.db.transaction(async (tx) => {
      await lock(tx, family);
      await revokeFamily(tx, family, this.now());
    });
    return true;
  }

  private async familyOf(token: string): Promise<string | null> {
    const [row] = await this.db.select({ family: refreshTokens.family }).from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, tokenHash(token)));
    return row?.family ?? null;
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

/** Serializes writers of one family until the transaction ends. */
async function lock(q: Q, family: string): Promise<void> {
  await q.execute(sql`SELECT pg_advisory_xact_lock(${sql.raw(String(FAMILY_LOCK))}, hashtext(${family}))`);
}

async function revokeFamily(q: Q, family: string, now: number): Promise<void> {
  await q.update(refreshTokens).set({ revokedAt: new Date(now) })
    .where(and(eq(refreshTokens.family, family), isNull(refreshTokens.revokedAt)));
}
