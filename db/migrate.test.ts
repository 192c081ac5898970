import { afterAll, describe, expect, test } from "bun:test";
import { openPglite, openPostgres, type Database } from "./client.ts";
import { migrate } from "./migrate.ts";
import { freshPostgres } from "../test/engines.ts";

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

/** A migrated database whose statements from now on land in the returned list. */
async function migrated(engine: "pglite" | "postgres"): Promise<{ database: Database; seen: string[] }> {
  const seen: string[] = [];
  const onQuery = (q: string) => void seen.push(q);
  let database: Database;
  if (engine === "pglite") {
    database = await openPglite(undefined, { onQuery });
  } else {
    const pg = await freshPostgres();
    closers.push(pg.drop);
    database = await openPostgres(pg.url, { onQuery }, 2);
  }
  closers.push(() => database.close());
  seen.length = 0;
  return { database, seen };
}

describe("migrate on a database that has been migrated", () => {
  test.each(["pglite", "postgres"] as const)("%s: two reads, no lock, no transaction", async (engine) => {
    const { database, seen } = await migrated(engine);
    await migrate(database.db);
    expect(seen).toHaveLength(2);
    expect(seen.join("\n")).not.toMatch(/advisory|begin|insert|create/i);
  });

  test("a migration not yet recorded goes down the full path, under the lock, and is recorded again", async () => {
    const { database, seen } = await migrated("pglite");
    // 0008 only drops a table if it exists: safe to apply twice
    await database.db.execute("DELETE FROM public.schema_migrations WHERE name = '0008_drop_settings.sql'");
    seen.length = 0;
    await migrate(database.db);
    expect(seen.join("\n")).toMatch(/pg_advisory_xact_lock/);
    expect(seen.join("\n")).toMatch(/DROP TABLE IF EXISTS runtime.settings/);
    seen.length = 0;
    await migrate(database.db);
    expect(seen).toHaveLength(2);
  });
});
