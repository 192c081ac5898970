/** The driver switch: PGlite on disk (embedded default) or in memory for tests. */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema.ts";
import { migrate } from "./migrate.ts";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Anything that runs queries: the database or an open transaction. */
export type Q = Db | Tx;

export type Database = { db: Db; close(): Promise<void>; kind: "pglite" };

export type DbHooks = { onQuery?(sql: string): void };

/** Open PGlite at `dataDir` (or in memory when undefined) and apply migrations. */
export async function openPglite(dataDir?: string, hooks: DbHooks = {}): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const onQuery = hooks.onQuery;
  const db: Db = drizzle({ client, schema, logger: onQuery ? { logQuery: (q) => onQuery(q) } : false });
  await migrate(db);
  return { db, kind: "pglite", close: () => client.close() };
}
