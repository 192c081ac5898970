/**
 * Whether the shop can take commands: the database answers and the log is keeping up
 * (the oldest outbox row - every row there is unpublished: waiting, or in the hands of a
 * relay that cannot publish - is recent). Checked at most once a second.
 */
import type { Sql } from "../../db/sql.ts";

export type Health = { ok: true } | { ok: false; reason: string };

// The oldest row by id (ids follow time): one short probe of the primary key.
const OLDEST_UNPUBLISHED = `SELECT (extract(epoch FROM now() - min(created_at)) * 1000)::float8 AS age_ms FROM (
  SELECT created_at FROM runtime.outbox ORDER BY id LIMIT 1
) AS unpublished`;

export function commandHealth(db: Sql, opts: { maxOutboxAgeMs: number; everyMs?: number }) {
  let last: { at: number; health: Health } | null = null;
  let pending: Promise<Health> | null = null;

  async function probe(): Promise<Health> {
    try {
      const [row] = await db.query<{ age_ms: number | null }>(OLDEST_UNPUBLISHED);
      const age = row?.age_ms ?? 0;
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
