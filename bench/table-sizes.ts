/**
 * Rows and on-disk size (heap, indexes, TOAST: pg_total_relation_size) of every table of
 * the shop, and of the whole database, sorted by what keeps each table's size: retention,
 * the business, or nothing (a fixed set). The soak bench watches them over time; the saga
 * bench prints them at its end.
 */
import type { Sql } from "../db/sql.ts";

/** Tables whose size the upkeep holds: each keeps its rows only for its retention (README). */
export const BOUNDED = [
  "runtime.processed_events", "runtime.outbox", "runtime.log", "runtime.timers", "runtime.dead_letters",
  "sim.answers", "sim.journal", "accounts.refresh_tokens", "accounts.sign_ins", "shopping.carts", "shopping.cart_items", "admin.alerts", "notify.messages",
] as const;

/** Tables that grow with the business: the shop's records of its orders, payments and stock. */
export const BUSINESS = [
  "ordering.orders", "ordering.order_views", "runtime.actor_state", "inventory.movements", "sim.records", "accounts.users", "admin.audit_log",
  "ordering.figures_by_day", "ordering.figures_by_hour", "ordering.figures_by_status", "ordering.figures_by_product",
] as const;

export type TableSize = { table: string; rows: number; bytes: number };
export type Sizes = { at: number; tables: TableSize[]; databaseBytes: number };

const SCHEMAS = ["runtime", "sim", "accounts", "shopping", "ordering", "inventory", "catalog", "admin"];

/** Every table of the shop's schemas: exact row counts and total relation sizes. */
export async function tableSizes(sql: Sql): Promise<Sizes> {
  const names = await sql.query<{ name: string }>(
    `SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname = ANY($1::text[]) ORDER BY 1`, [SCHEMAS]);
  const tables: TableSize[] = [];
  for (const { name } of names) {
    const [row] = await sql.query<{ rows: string; bytes: string }>(
      `SELECT (SELECT count(*) FROM ${name})::text AS rows, pg_total_relation_size('${name}')::text AS bytes`);
    tables.push({ table: name, rows: Number(row?.rows), bytes: Number(row?.bytes) });
  }
  const [db] = await sql.query<{ bytes: string }>("SELECT pg_database_size(current_database())::text AS bytes");
  return { at: Date.now(), tables, databaseBytes: Number(db?.bytes) };
}

export const mib = (bytes: number) => `${(bytes / 1048576).toFixed(2)} MiB`;

/** Which of BOUNDED, BUSINESS or neither (a fixed set, such as the catalog) `table` is. */
export const classOf = (table: string) =>
  (BOUNDED as readonly string[]).includes(table) ? "bounded" : (BUSINESS as readonly string[]).includes(table) ? "business" : "fixed";

/** Total bytes of the tables of one class. */
export const bytesOf = (s: Sizes, cls: string) => s.tables.filter((t) => classOf(t.table) === cls).reduce((n, t) => n + t.bytes, 0);

/** The sizes as lines: one per table that holds anything, then the classes' totals and the database. */
export function sizeLines(s: Sizes): string[] {
  return [
    ...s.tables.filter((t) => t.rows > 0 || t.bytes > 65536).map((t) =>
      `    ${t.table.padEnd(28)} ${classOf(t.table).padEnd(9)} ${String(t.rows).padStart(9)} rows ${mib(t.bytes).padStart(12)}`),
    `    bounded tables ${mib(bytesOf(s, "bounded"))}, business tables ${mib(bytesOf(s, "business"))}, database ${mib(s.databaseBytes)}`,
  ];
}
