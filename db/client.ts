/**
 * The driver switch: PGlite (on disk, or in memory for tests) by default, Postgres through
 * postgres.js when a URL is given. One drizzle schema and the same queries serve both.
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Db } from "./handles.ts";
import * as schema from "./schema.ts";
import { migrate } from "./migrate.ts";
import { pgliteSql, postgresSql, type Sql } from "./sql.ts";

export type { Db, Q, Tx } from "./handles.ts";

export type Database = {
  db: Db;
  /** the same connections, for the actor runtime's fixed statements (db/sql.ts) */
  sql: Sql;
  kind: "pglite" | "postgres";
  /** LISTEN on `channel`; resolves to an unlisten function */
  listen(channel: string, fn: () => void): Promise<() => Promise<void>>;
  /** NOTIFY `channel`, outside any transaction */
  notify(channel: string): Promise<void>;
  close(): Promise<void>;
};
export type DbHooks = { onQuery?(sql: string): void };

const logger = (hooks: DbHooks) => {
  const onQuery = hooks.onQuery;
  return onQuery ? { logQuery: (q: string) => onQuery(q) } : false;
};

/**
 * Open PGlite at `dataDir` (or in memory when undefined) and apply migrations. An in-memory
 * database starts from the process's migrated image (see `migratedImage`), so only the
 * first one pays for initdb and the migrations.
 */
export async function openPglite(dataDir?: string, hooks: DbHooks = {}): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // pg_trgm gives search its typo tolerance, as on Postgres
  const client = await PGlite.create({ dataDir, extensions: { pg_trgm }, loadDataDir: dataDir ? undefined : await migratedImage() });
  const db: Db = drizzle({ client, schema, logger: logger(hooks) });
  await migrate(db);
  return {
    db, sql: pgliteSql(client, hooks.onQuery), kind: "pglite", close: () => client.close(),
    listen: async (channel, fn) => client.listen(channel, () => fn()),
    notify: async (channel) => void (await client.query("SELECT pg_notify($1, '')", [channel])),
  };
}

let image: Promise<Blob> | undefined;

/**
 * A data directory with every migration applied, made once per process: initdb and the
 * migrations cost seconds of CPU on PGlite, loading the image a fraction of that. Databases
 * on disk are not made from it, so a new one still migrates from nothing.
 */
function migratedImage(): Promise<Blob> {
  image ??= (async () => {
    const client = await PGlite.create({ extensions: { pg_trgm } });
    try {
      await migrate(drizzle({ client, schema }));
      return await client.dumpDataDir("none");
    } finally {
      await client.close();
    }
  })().catch((err) => {
    image = undefined;
    throw err;
  });
  return image;
}

/** Connect a pool to Postgres at `url` and apply migrations (once, even when processes race). */
export async function openPostgres(url: string, hooks: DbHooks = {}, poolSize = 10): Promise<Database> {
  const client = postgres(url, { max: poolSize, onnotice: () => {}, connect_timeout: 5 });
  const db: Db = drizzlePostgres({ client, schema, logger: logger(hooks) });
  try {
    await migrate(db);
  } catch (err) {
    await client.end({ timeout: 1 });
    throw err;
  }
  return {
    db, sql: postgresSql(client, hooks.onQuery), kind: "postgres", close: () => client.end({ timeout: 5 }),
    async listen(channel, fn) {
      const { unlisten } = await client.listen(channel, () => fn());
      return unlisten;
    },
    notify: async (channel) => void (await client.notify(channel, "")),
  };
}

/** Postgres when `databaseUrl` is set, PGlite otherwise. */
export function openDatabase(opts: { databaseUrl?: string; dataDir?: string; poolSize?: number }, hooks: DbHooks = {}): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, hooks, opts.poolSize) : openPglite(opts.dataDir, hooks);
}
