/** Applies db/migrations/*.sql in order, once each, recorded in public.schema_migrations. */
import { sql } from "drizzle-orm";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "./handles.ts";
import { rowsOf } from "./rows.ts";

const DIR = join(import.meta.dir, "migrations");

/** Serializes migrations of processes that start together (any fixed number will do). */
const MIGRATION_LOCK = 7_262_001;

/** Apply every migration not yet recorded, each in its own transaction. */
export async function migrate(db: Db): Promise<void> {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".sql")).sort();
  if (await allApplied(db, files)) return;
  for (const name of files) {
    await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      await tx.execute(sql`CREATE TABLE IF NOT EXISTS public.schema_migrations (name text PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`);
      const done = await tx.execute(sql`SELECT 1 FROM public.schema_migrations WHERE name = ${name}`);
      if (rowsOf(done).length > 0) return;
      // Statements end with a semicolon at the end of a line; drivers take one per call.
      const statements = readFileSync(join(DIR, name), "utf8").split(/;\s*$/m).map((s) => s.trim());
      for (const text of statements.filter((s) => s.replace(/--.*$/gm, "").trim() !== "")) {
        await tx.execute(sql.raw(text));
      }
      await tx.execute(sql`INSERT INTO public.schema_migrations (name) VALUES (${name})`);
    });
  }
}

/**
 * True when every migration is recorded already: two reads, no lock and no transaction, so
 * a process restarting on a migrated database (the usual case) does not queue behind the
 * others' advisory lock.
 */
async function allApplied(db: Db, files: string[]): Promise<boolean> {
  const [table] = rowsOf(await db.execute(sql`SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present`));
  if (table?.present !== true) return false;
  const done = new Set(rowsOf(await db.execute(sql`SELECT name FROM public.schema_migrations`)).map((r) => r.name));
  return files.every((f) => done.has(f));
}
