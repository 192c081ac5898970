/**
 * The drizzle schema (db/schema.ts) and the SQL migrations describe the same tables twice:
 * migrate a fresh database on each engine and hold every declared table's columns against
 * what the database says it has, and every table the migrations create against the
 * declarations plus the few reached only by raw SQL (their statements are tested by the
 * suites of the code that runs them, on the same engines).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { is } from "drizzle-orm";
import { getTableConfig, PgTable, type PgColumn } from "drizzle-orm/pg-core";
import { databases, ENGINES } from "../test/engines.ts";
import type { Database } from "./client.ts";
import * as schema from "./schema.ts";
import type { Sql } from "./sql.ts";

/** Tables the migrations create that drizzle does not declare, each with what reaches it. */
const RAW_SQL_ONLY: Record<string, string> = {
  "catalog.search_terms": "typo correction's words, refreshed and matched in actors/catalog/search-terms.ts",
  "runtime.log_partitions": "the in-database log's partition count, fixed by actors/runtime/adapters/embedded-bus.ts",
  "runtime.actor_state": "per-key actor states, loaded and saved by actors/runtime/stores.ts",
  "runtime.timers": "durable timers, armed by actors/runtime/writes.ts and fired by actors/runtime/timers.ts",
  "sim.answers": "the simulated providers' books, kept by actors/providers/books.ts",
  "sim.journal": "the simulated providers' books, kept by actors/providers/books.ts",
  "sim.records": "the simulated providers' books, kept by actors/providers/books.ts",
};

/** The schemas the migrations create the shop's tables in (one per bounded context, and the runtime's). */
const SHOP_SCHEMAS = ["catalog", "inventory", "ordering", "accounts", "shopping", "runtime", "sim", "admin", "notify"];

const DECLARED = Object.values(schema).flatMap((t) => (is(t, PgTable) ? [getTableConfig(t)] : []));
const nameOf = (t: { schema?: string; name: string }) => `${t.schema ?? "public"}.${t.name}`;

type Column = { name: string; type: string; nullable: boolean; generated: boolean };
const byName = (a: Column, b: Column) => a.name.localeCompare(b.name);

const declaredColumns = (columns: PgColumn[]): Column[] => columns.map((c) => ({
  name: c.name, type: c.getSQLType(), nullable: !c.notNull, generated: c.generated !== undefined,
})).sort(byName);

type InfoColumn = {
  column_name: string; data_type: string; is_nullable: string; is_generated: string;
  column_default: string | null; numeric_precision: number | null; numeric_scale: number | null;
};

/** The type as drizzle spells it: a sequence-backed bigint is a bigserial, a bounded numeric shows its bounds. */
function typeOf(c: InfoColumn): string {
  const serial = c.column_default?.startsWith("nextval(") ?? false;
  if (serial && c.data_type === "bigint") return "bigserial";
  if (serial && c.data_type === "integer") return "serial";
  if (c.data_type === "numeric" && c.numeric_precision !== null) return `numeric(${c.numeric_precision}, ${c.numeric_scale})`;
  return c.data_type;
}

async function columnsIn(sql: Sql, table: string): Promise<Column[]> {
  const [schemaName, tableName] = table.split(".");
  const rows = await sql.query<InfoColumn>(`SELECT column_name, data_type, is_nullable, is_generated, column_default,
      numeric_precision::int AS numeric_precision, numeric_scale::int AS numeric_scale
    FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`, [schemaName, tableName]);
  return rows.map((c) => ({
    name: c.column_name, type: typeOf(c), nullable: c.is_nullable === "YES", generated: c.is_generated === "ALWAYS",
  })).sort(byName);
}

async function tablesIn(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ name: string }>(`SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema = ANY($1::text[]) ORDER BY 1`, [SHOP_SCHEMAS]);
  return rows.map((r) => r.name);
}

describe.each(ENGINES)("the drizzle schema agrees with the migrations on %s", (engine) => {
  const dbs = databases();
  let database: Database;
  beforeAll(async () => {
    database = await dbs.open(engine);
  });
  afterAll(() => dbs.closeAll());

  test.each(DECLARED.map((t) => ({ table: nameOf(t), columns: t.columns })))("$table has the declared columns", async ({ table, columns }) => {
    expect(await columnsIn(database.sql, table)).toEqual(declaredColumns(columns));
  });

  test("every table the migrations create is declared, or listed as reached only by raw SQL", async () => {
    const created = await tablesIn(database.sql);
    const declared = DECLARED.map(nameOf);
    expect(created.filter((t) => !declared.includes(t) && !(t in RAW_SQL_ONLY))).toEqual([]);
    // and the list says no more than is true
    expect(Object.keys(RAW_SQL_ONLY).filter((t) => !created.includes(t) || declared.includes(t))).toEqual([]);
  });
});
