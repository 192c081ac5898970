/**
 * Retention: what the runtime keeps only for a while. A processed mark makes a redelivered
 * message a no-op, and redelivery only ever comes soon after the first delivery (see the
 * README's "Tables that stay bounded"), so marks older than the dedupe window go; a dead
 * letter an admin replayed or discarded goes after its retention, a waiting one stays.
 *
 * Every purge deletes a batch at a time (`purgeInBatches`), each batch its own short
 * statement, so it never holds many row locks nor one long transaction.
 */
import type { Sql } from "../../db/sql.ts";

/** Rows one purge statement deletes at most. */
export const PURGE_BATCH = 5_000;

/** `$n` milliseconds before the database's clock, as SQL (the rows' times come from that clock). */
export const agoSql = (n: number) => `now() - $${n}::text::float8 * interval '1 millisecond'`;

/**
 * Delete the rows of `table` that `where` selects (its parameters in `params`), `batch` at
 * a time, until a batch comes back short; returns how many went. `where` is repeated in
 * the DELETE itself, so a row changed since it was picked is judged again.
 */
export async function purgeInBatches(db: Sql, table: string, where: string, params: unknown[], batch = PURGE_BATCH): Promise<number> {
  const text = `WITH gone AS (DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${where} LIMIT ${batch}))
    AND ${where} RETURNING 1) SELECT count(*)::int AS n FROM gone`;
  let total = 0;
  for (;;) {
    const [row] = await db.query<{ n: number }>(text, params);
    const n = Number(row?.n ?? 0);
    total += n;
    if (n < batch) return total;
  }
}

/**
 * A task that purges `table` of the rows `where` selects, given one parameter (`keepMs`,
 * read by `agoSql(1)`), and then vacuums it when anything went: deleted rows' room is
 * reused only once a vacuum has passed, and PGlite runs no autovacuum at all.
 */
export function purgeTask(table: string, where: string, keepMs: number): (db: Sql) => Promise<number> {
  if (!/^[a-z_]+\.[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  return async (db) => {
    const n = await purgeInBatches(db, table, where, [String(keepMs)]);
    if (n > 0) await db.query(`VACUUM (SKIP_LOCKED) ${table}`);
    return n;
  };
}

/** Processed marks older than `windowMs` go: a redelivery that late is not expected (README). */
export const processedUpkeep = (windowMs: number) => purgeTask("runtime.processed_events", `at < ${agoSql(1)}`, windowMs);

/** Dead letters an admin settled (replayed or discarded) longer ago than `keepMs` go; waiting ones stay. */
export const deadLettersUpkeep = (keepMs: number) =>
  purgeTask("runtime.dead_letters", `coalesce(replayed_at, discarded_at) < ${agoSql(1)}`, keepMs);
