/**
 * `npm test` after the typecheck: runs `bun test` with a run id that names every Postgres
 * database the suites create (SAGA_TEST_RUN, see testDatabaseName in engines.ts), then fails
 * if any database of this run is still there. Databases of other runs - earlier ones, or
 * another checkout testing against the same server - are never counted. Arguments go to
 * `bun test` (a file filter, for instance).
 */
import postgres from "postgres";
import { openPostgres } from "../db/client.ts";
import { ADMIN_URL } from "./engines.ts";

const run = `r${Date.now().toString(36)}${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
const template = await migratedTemplate(`saga_test_${run}_template`);
const tests = Bun.spawn([process.execPath, "test", "--timeout", "60000", ...process.argv.slice(2)], {
  stdio: ["inherit", "inherit", "inherit"],
  env: { ...process.env, SAGA_TEST_RUN: run, ...(template ? { SAGA_TEST_TEMPLATE: template.name } : {}) },
});
const testsExit = await tests.exited;
await template?.drop();
const left = await leftDatabases(run);
if (left.length > 0) {
  console.error(`\nTests left ${left.length} database(s) behind on ${new URL(ADMIN_URL).host}: ${left.join(", ")}`);
  console.error("Each suite must drop what it creates (afterAll / finally); they are dropped now.");
}
process.exit(testsExit !== 0 ? testsExit : left.length > 0 ? 1 : 0);

/**
 * One migrated database the suites copy (CREATE DATABASE ... TEMPLATE) rather than each
 * migrating its own; dropped before the check. Without a server the suites fail loudly anyway.
 */
async function migratedTemplate(name: string): Promise<{ name: string; drop(): Promise<void> } | null> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const database = await openPostgres(url.toString(), {}, 1);
    await database.close();
  } catch (err) {
    console.error(`No migrated template database (${ADMIN_URL}); each suite migrates its own: ${err}`);
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end({ timeout: 1 });
    return null;
  }
  return {
    name,
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end({ timeout: 1 });
    },
  };
}

/** This run's databases still on the server; those found are dropped, so the next run starts clean. */
async function leftDatabases(id: string): Promise<string[]> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const rows = await admin<{ datname: string }[]>`
      SELECT datname FROM pg_database WHERE datname LIKE ${`saga_test\\_${id}\\_%`} ORDER BY datname`;
    const names = rows.map((r) => r.datname);
    for (const name of names) await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return names;
  } catch (err) {
    console.error(`Could not check for databases left behind (${ADMIN_URL}): ${err}`);
    return ["(unchecked)"];
  } finally {
    await admin.end({ timeout: 1 });
  }
}
