/**
 * The engines end-to-end suites run on: the embedded default and Postgres. Postgres tests
 * get a database of their own on the local server and fail loudly when it is not there.
 */
import postgres from "postgres";

export type Engine = "embedded" | "postgres";
export const ENGINES: Engine[] = ["embedded", "postgres"];

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Create an empty database; `drop` removes it. */
export async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  const name = `saga_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } catch (err) {
    await admin.end({ timeout: 1 });
    throw new Error(`Postgres is needed at ${ADMIN_URL} (set TEST_DATABASE_URL; start it with pg_ctlcluster): ${err}`);
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end({ timeout: 1 });
    },
  };
}
