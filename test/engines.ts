/**
 * The engines end-to-end suites run on: the embedded default and Postgres. Postgres tests
 * get a database of their own on the local server and fail loudly when it is not there.
 */
import postgres from "postgres";
import { TOPICS } from "../actors/contracts/index.ts";
import type { Config } from "../actors/system/system.ts";
import { startKafkaMock } from "../deploy/kafka-mock/index.ts";
import { startUpstashBridge } from "../deploy/upstash-bridge.ts";
import { openPglite, openPostgres, type Database } from "../db/client.ts";

/** embedded: PGlite + in-database log; postgres: Postgres + in-database log; distributed: Postgres + Kafka + NATS + Redis. */
export type Engine = "embedded" | "postgres" | "distributed";
/** The engines the database-level suites run on. */
export const ENGINES: Engine[] = ["embedded", "postgres"];
/** Every engine, for the saga suites. */
export const ALL_ENGINES: Engine[] = ["embedded", "postgres", "distributed"];
export const NATS_URL = process.env.TEST_NATS_URL ?? "nats://127.0.0.1:4222";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** The configuration and the teardown of one engine's servers for one test shop. */
export async function engineConfig(engine: Engine, partitions: number): Promise<{ config: Partial<Config>; stop(): Promise<void> }> {
  if (engine === "embedded") return { config: {}, stop: async () => {} };
  const pg = await freshPostgres({ migrated: true });
  if (engine === "postgres") return { config: { databaseUrl: pg.url }, stop: () => pg.drop() };
  const mock = await startKafkaMock({ brokers: 3, topics: TOPICS.map((name) => ({ name, partitions })) });
  const token = crypto.randomUUID();
  const redis = startUpstashBridge({ port: 0, redisUrl: REDIS_URL, token });
  return {
    config: {
      databaseUrl: pg.url, kafkaBrokers: mock.bootstrap, kafkaSessionTimeoutMs: 3_000, natsUrl: NATS_URL,
      upstash: { url: redis.url, token, prefix: `test:${token}:` },
    },
    async stop() {
      await redis.stop();
      await mock.stop();
      await pg.drop();
    },
  };
}

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * A fresh name for a test database: saga_test_<run>_<random> under `npm test` (test/run.ts
 * sets SAGA_TEST_RUN, then fails the run if any database of its run is left), saga_test_<random> otherwise.
 */
export function testDatabaseName(): string {
  const run = process.env.SAGA_TEST_RUN;
  if (run !== undefined && !/^[a-z0-9]{1,24}$/.test(run)) throw new Error(`SAGA_TEST_RUN must be 1-24 lowercase letters or digits, got ${JSON.stringify(run)}`);
  return `saga_test_${run ? `${run}_` : ""}${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

/**
 * The migrated database `npm test` makes once for its run (SAGA_TEST_TEMPLATE, see
 * test/run.ts): `freshPostgres({ migrated: true })` copies it instead of migrating anew.
 */
function migratedTemplate(): string | undefined {
  const name = process.env.SAGA_TEST_TEMPLATE;
  if (name !== undefined && !/^saga_test_[a-z0-9_]{1,40}$/.test(name)) throw new Error(`SAGA_TEST_TEMPLATE must name a saga_test_ database, got ${JSON.stringify(name)}`);
  return name;
}

/**
 * Create a database; `drop` removes it. Empty, or with `migrated` a copy of the run's
 * migrated template when there is one (the opening's migrate then finds nothing to do).
 */
export async function freshPostgres(opts: { migrated?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  const name = testDatabaseName();
  const template = opts.migrated ? migratedTemplate() : undefined;
  try {
    await admin.unsafe(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
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

/**
 * A database on each of `ENGINES` for a suite: `open(engine)` opens one (migrated), and
 * every database opened is closed, and a Postgres one dropped, by `closeAll` (for afterAll).
 */
export function databases() {
  const opened: { database: Database; drop(): Promise<void> }[] = [];
  return {
    async open(engine: Engine): Promise<Database> {
      const o = engine === "embedded"
        ? { database: await openPglite(), drop: async () => {} }
        : await freshPostgres({ migrated: true }).then(async (pg) => ({ database: await openPostgres(pg.url), drop: pg.drop }));
      opened.push(o);
      return o.database;
    },
    async closeAll() {
      for (const o of opened.splice(0)) {
        await o.database.close();
        await o.drop();
      }
    },
  };
}
