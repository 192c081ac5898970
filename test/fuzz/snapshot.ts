/** Row counts and checksums of every table in every schema: what a run of bad requests must leave as it was. */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { rowsOf } from "../../db/rows.ts";

export type Snapshot = Map<string, { rows: number; sum: string }>;
export type Change = { table: string; before: string; after: string };

/**
 * Tables left out of the comparison, each for a reason: none today. The login limiter and
 * the session-version cache live in the cache port (memory on the embedded default), the
 * log's offsets move only when there are messages, and no read writes a row.
 */
export const EXCLUDED: Record<string, string> = {};

/** Every base table outside the system catalogs, as `schema.table`. */
async function tables(db: Db): Promise<string[]> {
  const rows = rowsOf(await db.execute(sql`
    SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1`));
  return rows.map((r) => String(r.name)).filter((name) => !(name in EXCLUDED));
}

/** The count and an md5 of the sorted rows of each table. */
export async function snapshot(db: Db): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const name of await tables(db)) {
    const [schema, table] = name.split(".") as [string, string];
    const ident = `"${schema.replaceAll('"', '""')}"."${table.replaceAll('"', '""')}"`;
    const [row] = rowsOf(await db.execute(sql.raw(
      `SELECT count(*)::int AS rows, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS sum FROM ${ident} t`)));
    out.set(name, { rows: Number(row?.rows ?? 0), sum: String(row?.sum ?? "") });
  }
  return out;
}

/** The tables whose rows differ between two snapshots (or that appeared or went). */
export function changes(before: Snapshot, after: Snapshot): Change[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const text = (s?: { rows: number; sum: string }) => (s ? `${s.rows} rows ${s.sum.slice(0, 8)}` : "absent");
  return names.flatMap((table) => {
    const [b, a] = [before.get(table), after.get(table)];
    return b?.rows === a?.rows && b?.sum === a?.sum ? [] : [{ table, before: text(b), after: text(a) }];
  });
}
