/**
 * Whether the shop can take commands: the database answers and the log is keeping up
 * (the oldest unpublished outbox row is recent). Checked at most once a second.
 */
import { eq, min } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { outbox } from "../db/schema.ts";

export type Health = { ok: true } | { ok: false; reason: string };

export function commandHealth(db: Db, opts: { maxOutboxAgeMs: number; everyMs?: number }) {
  let last: { at: number; health: Health } | null = null;
  let pending: Promise<Health> | null = null;

  async function probe(): Promise<Health> {
    try {
      const [row] = await db.select({ oldest: min(outbox.createdAt) }).from(outbox).where(eq(outbox.status, "PENDING"));
      const age = row?.oldest ? Date.now() - row.oldest.getTime() : 0;
      return age > opts.maxOutboxAgeMs
        ? { ok: false, reason: `the event log is not taking messages (oldest unpublished is ${Math.round(age / 1000)} s old)` }
        : { ok: true };
    } catch (err) {
      return { ok: false, reason: `the database is unavailable: ${err instanceof Error ? err.message : err}` };
    }
  }

  return {
    /** The last known health, refreshed when older than `everyMs`. */
    async check(): Promise<Health> {
      if (last && Date.now() - last.at < (opts.everyMs ?? 1000)) return last.health;
      pending ??= probe().then((health) => {
        last = { at: Date.now(), health };
        pending = null;
        return health;
      });
      return pending;
    },
  };
}
