/**
 * The embedded log keeps a record only while someone may read it. A consumer group reads a
 * partition from its committed offset on, and never below it (a crash or a rebalance
 * redelivers from there), so the records below the lowest offset every group committed on
 * a partition go. A partition no group has committed on (a topic nobody consumes, such as
 * the dead letters' announcements) keeps its records `retentionMs`, as Kafka's retention
 * would. The newest record of every partition stays: the log resumes its offsets from it.
 */
import type { Sql } from "../../../db/sql.ts";

/** Offsets deleted per statement: a range of the primary key, so each is short. */
const RANGE = 10_000;

/** A partition of the log and the offset its next record will get. */
export type LogPosition = { topic: string; partition: number; next: number };

type Bounds = { topic: string; partition: number; first: string | null; end: string | null };

/** Delete what no group will read again from the partitions in `positions`; returns how many records went. */
export async function trimLog(db: Sql, positions: LogPosition[], retentionMs: number): Promise<number> {
  const written = positions.filter((p) => p.next > 1);
  if (written.length === 0) return 0;
  const bounds = await db.query<Bounds>(`SELECT t.topic, t.partition,
      (SELECT min(l."offset") FROM runtime.log l WHERE l.topic = t.topic AND l.partition = t.partition)::text AS first,
      least(t.last, coalesce(
        (SELECT min(o."offset") FROM runtime.consumer_offsets o WHERE o.topic = t.topic AND o.partition = t.partition),
        (SELECT l."offset" FROM runtime.log l WHERE l.topic = t.topic AND l.partition = t.partition
           AND l.at >= now() - $4::text::float8 * interval '1 millisecond' ORDER BY l."offset" LIMIT 1),
        t.last))::text AS end
    FROM unnest($1::text[], $2::int[], $3::bigint[]) AS t(topic, partition, last)`,
    [written.map((p) => p.topic), written.map((p) => p.partition), written.map((p) => String(p.next - 1)), String(retentionMs)]);
  let gone = 0;
  for (const b of bounds) {
    if (b.first === null || b.end === null) continue;
    for (let from = Number(b.first), end = Number(b.end); from < end; from += RANGE) {
      const rows = await db.query<{ n: number }>(`WITH gone AS (DELETE FROM runtime.log WHERE topic = $1 AND partition = $2
          AND "offset" >= $3::text::bigint AND "offset" < least($4::text::bigint, $5::text::bigint) RETURNING 1)
        SELECT count(*)::int AS n FROM gone`, [b.topic, b.partition, String(from), String(from + RANGE), String(end)]);
      gone += Number(rows[0]?.n ?? 0);
    }
  }
  if (gone > 0) await db.query("VACUUM (SKIP_LOCKED) runtime.log");
  return gone;
}
