/**
 * Session versions: how a revocation reaches access tokens already out. An access token
 * lives 15 minutes and is checked by signature alone, so each account has a version that
 * every revocation bumps (a sign-out, a refresh family revoked on reuse, disabling the
 * account), in the same transaction as the revocation, and a token carries the version it
 * was issued under. A token whose version is not the account's current one is refused.
 *
 *   revoke ─► bump (one transaction) ─► forget (cache del) ─► next check reads the database
 *
 * One version per account rather than one per refresh family: a check is one cache read,
 * and a sign-out also costs the account's other sessions their access token, which they
 * renew from their own refresh token (a browser in passing, an API client after one 401).
 *
 * Checks read through the cache for `ttlSeconds`, so a request costs no database read in
 * the common case. `forget` deletes the entry after a bump: at once on every edge that
 * shares the cache (Redis); the TTL bounds the rest (an edge with a cache of its own, or a
 * check that read the old version just before the bump and stored it just after).
 */
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Q } from "../../db/client.ts";
import { users } from "../../db/schema.ts";
import type { Cache } from "../runtime/cache.ts";

/** How long a checked version may be reused: the most a revocation takes to reach an edge with a cache of its own. */
export const SESSION_CHECK_TTL_SECONDS = 5;

/** What the cache holds per account: its version, or null when it has no session (gone or disabled). */
const Entry = z.object({ version: z.number().int().nullable() });
const keyOf = (userId: string) => `session:${userId}`;

/** Ends every access token of `userId` issued so far; call inside the revocation's transaction. */
export async function bumpSessionVersion(q: Q, userId: string): Promise<void> {
  await q.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, userId));
}

/** The accounts' current session versions, read through the cache. */
export class SessionVersions {
  constructor(private db: Db, private cache: Cache, private ttlSeconds = SESSION_CHECK_TTL_SECONDS) {}

  /** Whether a token of `userId` issued under `version` is still good. */
  async isCurrent(userId: string, version: number): Promise<boolean> {
    return (await this.current(userId)) === version;
  }

  /** The account's version; null when there is no such account or it is disabled. */
  async current(userId: string): Promise<number | null> {
    const cached = Entry.safeParse(await this.cache.get(keyOf(userId)));
    if (cached.success) return cached.data.version;
    const [row] = await this.db.select({ version: users.sessionVersion, disabledAt: users.disabledAt })
      .from(users).where(eq(users.id, userId));
    const version = row && !row.disabledAt ? row.version : null;
    await this.cache.set(keyOf(userId), { version }, this.ttlSeconds);
    return version;
  }

  /** After a bump has committed: the next check of `userId`, on any edge sharing the cache, reads the database. */
  async forget(userId: string): Promise<void> {
    await this.cache.del(keyOf(userId));
  }
}
