/**
 * A shop process starts through transient faults, as separate OS processes: every broker
 * down, a database not created yet, nothing listening on the Postgres port. It says what it
 * waits for, starts once the dependency is there, and serves. An actors process killed -9
 * and restarted leaves the group for its previous run. A role that may not connect or a
 * DATABASE_URL that is not one stops it at once: exit 1, one clear line.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { TOPICS } from "../actors/contracts/index.ts";
import { startKafkaMock, type KafkaMock } from "../deploy/kafka-mock/index.ts";
import { issueToken } from "../edge/auth/auth.ts";
import { freshPostgres, testDatabaseName } from "./engines.ts";
import { ADDRESS, waitUntil } from "./kit.ts";
import { freePort, launchRole, tcpProxy, type LaunchedProcess } from "./processes.ts";

const SECRET = crypto.randomUUID() + crypto.randomUUID();
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const ENV = { JWT_SECRET: SECRET, HANDLING_TIME_MS: "50", TIMER_TICK_MS: "50", STEP_TIMEOUT_MS: "3000", PARTITIONS: "4" };
const ALL = "edge,actors,relay";

const running: LaunchedProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const p of running) p.kill(9);
  await Promise.all(running.map((p) => p.exited));
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}, 30_000);

/** A database of its own on the local Postgres, dropped after the suite. */
async function database() {
  const pg = await freshPostgres();
  cleanups.push(pg.drop);
  return pg.url;
}

/** `ADMIN_URL` with another database name, user or port. */
function urlWith(change: { db?: string; user?: string; port?: number }) {
  const u = new URL(ADMIN_URL);
  if (change.db) u.pathname = `/${change.db}`;
  if (change.user) u.username = change.user;
  if (change.port) u.port = String(change.port);
  return u.toString();
}

async function launch(name: string, env: Record<string, string>) {
  const port = await freePort();
  const p = launchRole(name, ALL, { ...ENV, ...env }, port);
  running.push(p);
  return { p, base: `http://127.0.0.1:${port}` };
}

/** Place an order and wait until the saga has shipped it. */
async function orderShips(base: string) {
  const token = await issueToken(SECRET, { sub: "starter", role: "customer" });
  const res = await fetch(`${base}/api/orders`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
    body: JSON.stringify({ items: [{ sku: "BOK-002", qty: 1 }], shippingAddress: ADDRESS, paymentToken: "tok_visa" }),
  });
  expect(res.status).toBe(202);
  const { orderId } = (await res.json()) as { orderId: string };
  await waitUntil(async () => {
    const o = await fetch(`${base}/api/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } });
    return ((await o.json()) as { status: string }).status === "SHIPPED";
  }, 30_000, "the order to ship");
}

const ready = async (base: string) => (await fetch(`${base}/readyz`)).status;

let mock: Promise<KafkaMock> | undefined;
/** One Kafka mock cluster for the suite, started when a test first needs it. */
function kafka(): Promise<KafkaMock> {
  mock ??= startKafkaMock({ brokers: 3, topics: TOPICS.map((name) => ({ name, partitions: 4 })) }).then((m) => {
    cleanups.push(() => m.stop());
    return m;
  });
  return mock;
}

describe("starting through faults", () => {
  test("every Kafka broker down: it waits for kafka, starts when they come up, and orders flow", async () => {
    const mock = await kafka();
    const url = await database();
    for (const id of [1, 2, 3]) await mock.brokerDown(id);
    const { p, base } = await launch("startup-broker", { DATABASE_URL: url, KAFKA_BROKERS: mock.bootstrap.join(",") });
    await p.logged("waiting for kafka: ");
    expect(p.proc.exitCode).toBeNull();
    for (const id of [1, 2, 3]) await mock.brokerUp(id);
    await p.logged("saga-shop started");
    await orderShips(base);
  }, 60_000);

  test("the database not created yet: it waits for postgres, starts once it is created", async () => {
    const name = testDatabaseName();
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    cleanups.push(async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 1 });
    });
    const { p, base } = await launch("startup-no-database", { DATABASE_URL: urlWith({ db: name }) });
    await p.logged("waiting for postgres: the database does not exist yet (3D000)");
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await p.logged("saga-shop started");
    expect(await ready(base)).toBe(200);
  }, 60_000);

  test("nothing listening on the Postgres port: it waits, and starts once something is", async () => {
    const db = new URL(await database()).pathname.slice(1);
    const port = await freePort();
    const { p, base } = await launch("startup-no-listener", { DATABASE_URL: urlWith({ db, port }) });
    await p.logged("waiting for postgres: connection refused (ECONNREFUSED)");
    const upstream = new URL(ADMIN_URL);
    const proxy = await tcpProxy(port, { host: upstream.hostname, port: Number(upstream.port || 5432) });
    cleanups.push(proxy.stop);
    await p.logged("saga-shop started");
    expect(await ready(base)).toBe(200);
  }, 60_000);

  test("an actors process killed -9 and restarted sends LeaveGroup for its previous run, then joins", async () => {
    const mock = await kafka();
    const dir = mkdtempSync(join(tmpdir(), "saga-member-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const memberFile = join(dir, "kafka-member");
    const env = { ...ENV, DATABASE_URL: await database(), KAFKA_BROKERS: mock.bootstrap.join(","), KAFKA_MEMBER_FILE: memberFile, KAFKA_SESSION_TIMEOUT_MS: "3000" };
    const first = launchRole("startup-member-1", "actors", env);
    running.push(first);
    await first.logged("saga-shop started");
    const before = readFileSync(memberFile, "utf8");
    expect(before).not.toBe("");
    first.kill(9);
    await first.exited;
    const second = launchRole("startup-member-2", "actors", env);
    running.push(second);
    await second.logged("saga-shop started");
    const out = await second.output();
    expect(out).toContain(`"msg":"the previous run of this process left the consumer group","groupId":"actors","memberId":"${before}"`);
    expect(readFileSync(memberFile, "utf8")).not.toBe(before);
  }, 60_000);

  test.each([
    ["a role that may not connect", urlWith({ user: "saga_no_such_role" }),
      'saga-shop cannot start: opening the database: role "saga_no_such_role" does not exist (28000)'],
    ["a DATABASE_URL that is not one", "mysql://shop@127.0.0.1/shop", "saga-shop cannot start: DATABASE_URL is not a postgres:// URL"],
  ])("%s: exit 1 at once with one clear line", async (_, url, line) => {
    const { p } = await launch("startup-refused", { DATABASE_URL: url });
    expect(await p.exited).toBe(1);
    const out = await p.output();
    expect(out).toContain(line);
    expect(out).not.toContain("waiting for");
  }, 30_000);
});
