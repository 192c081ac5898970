/**
 * `bun run bench:restart`: how fast a restarted actors process takes its partitions back.
 * The distributed shop on this machine (a Kafka mock cluster, a fresh Postgres database,
 * NATS; one relay, two actors, one edge as separate processes) takes a steady order rate
 * while every few seconds one actors process is killed with SIGKILL and started again at
 * once. It prints each restart's time to ready (spawn to "saga-shop started", which an
 * actors process logs once it holds its partitions), created -> final p50/p99 over the run
 * (POST sent to the final status seen on NATS) and the machine's load average.
 *
 *   --rate N (60)  --duration S (30)  --every S (5)  --actors N (2)  --partitions N (8)
 *   --no-member-file   restart without KAFKA_MEMBER_FILE: the group waits out the session timeout
 *   --session-ms N     KAFKA_SESSION_TIMEOUT_MS (the shop's default, 6000, when unset)
 *   --keep-logs
 *
 * Everything it starts is stopped, and the database dropped, on success, failure or Ctrl-C.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { connect } from "@nats-io/transport-node";
import postgres from "postgres";
import { TOPICS } from "../actors/contracts/index.ts";
import { subjects } from "../actors/contracts/subjects.ts";
import { startKafkaMock } from "../deploy/kafka-mock/index.ts";
import { issueToken } from "../edge/auth/auth.ts";
import { freshPostgres } from "../test/engines.ts";
import { freePorts, healthy, spawnRole, stopChild, type Child } from "./children.ts";
import { createLoad, pct } from "./load.ts";

const { values: args } = parseArgs({
  options: {
    rate: { type: "string", default: "60" },
    duration: { type: "string", default: "30" },
    every: { type: "string", default: "5" },
    actors: { type: "string", default: "2" },
    partitions: { type: "string", default: "8" },
    "no-member-file": { type: "boolean", default: false },
    "session-ms": { type: "string" },
    "keep-logs": { type: "boolean", default: false },
  },
});
const opts = {
  rate: Number(args.rate), durationS: Number(args.duration), everyS: Number(args.every),
  actors: Number(args.actors), partitions: Number(args.partitions), memberFile: !args["no-member-file"],
};
const NATS_URL = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const say = (s: string) => console.error(`[restart] ${s}`);
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

const cleanups: (() => Promise<unknown>)[] = [];
const children: Child[] = [];
const logDir = mkdtempSync(join(tmpdir(), "saga-bench-restart-"));
let keepLogs = args["keep-logs"];
const cleanup = async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch((err) => console.error(`cleanup: ${err}`));
  if (keepLogs) console.error(`process logs kept in ${logDir}`);
  else rmSync(logDir, { recursive: true, force: true });
};
process.on("SIGINT", () => void cleanup().finally(() => process.exit(130)));
process.on("exit", () => children.forEach((c) => c.proc.exitCode === null && c.proc.kill("SIGKILL")));

try {
  process.exitCode = await run();
} catch (err) {
  keepLogs = true;
  console.error(`restart bench failed: ${err instanceof Error ? err.stack : err}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

async function run(): Promise<number> {
  const loadBefore = loadavg();
  const mock = await startKafkaMock({ brokers: 3, topics: TOPICS.map((name) => ({ name, partitions: opts.partitions })) });
  cleanups.push(() => mock.stop());
  const db = await freshPostgres();
  cleanups.push(() => db.drop());
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  cleanups.push(() => sql.end({ timeout: 2 }));
  const nc = await connect({ servers: NATS_URL, name: "saga-bench-restart" });
  cleanups.push(() => nc.close());

  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString("base64url");
  const env: Record<string, string> = {
    DATABASE_URL: db.url, KAFKA_BROKERS: mock.bootstrap.join(","), NATS_URL, JWT_SECRET: secret,
    HANDLING_TIME_MS: "0", PARTITIONS: String(opts.partitions), KAFKAJS_NO_PARTITIONER_WARNING: "1",
    ...(args["session-ms"] ? { KAFKA_SESSION_TIMEOUT_MS: args["session-ms"] } : {}),
  };
  const spawn = (role: Child["role"], name: string, extra: Record<string, string> = {}) => {
    const c = spawnRole(role, name, { ...env, ...extra }, logDir, false);
    children.push(c);
    cleanups.push(() => stopChild(c));
    return c;
  };
  // each actors slot keeps its member id in a file of its own, as a container would
  const slotEnv = (i: number): Record<string, string> => (opts.memberFile ? { KAFKA_MEMBER_FILE: join(logDir, `actors-${i}.member`) } : {});
  await spawn("relay", "relay").started;
  const slots = Array.from({ length: opts.actors }, (_, i) => spawn("actors", `actors-${i + 1}`, slotEnv(i + 1)));
  const [port] = await freePorts(1);
  const edge = spawn("edge", "edge", { PORT: String(port) });
  await Promise.all([...slots, edge].map((c) => c.started));
  const base = `http://127.0.0.1:${port}`;
  await healthy(base);

  await sql`UPDATE inventory.stock SET on_hand = 1000000`;
  const skus = (await sql<{ sku: string }[]>`SELECT sku FROM catalog.products ORDER BY sku LIMIT 50`).map((r) => r.sku);
  const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => issueToken(secret, { sub: `restart-${i}`, role: "customer" })));
  let onView: (v: unknown) => void = () => {};
  nc.subscribe(subjects.allOrders, {
    callback: (err, msg) => {
      if (!err) onView(JSON.parse(msg.string()));
    },
  });

  const warm = createLoad({ bases: [base], tokens, skus, rate: 0, durationS: 0, orders: 20, concurrency: 4, keyPrefix: "warm-", drainMs: 60_000 });
  onView = warm.onView;
  const w = await warm.run();
  if (w.finished < w.placed) throw new Error(`warm-up: ${w.finished}/${w.placed} finished`);
  say(`shop up; warm-up done. Load: ${opts.rate} orders/s for ${opts.durationS} s, an actors process killed -9 every ${opts.everyS} s` +
    ` and restarted at once (${opts.memberFile ? "with" : "without"} KAFKA_MEMBER_FILE)`);

  const load = createLoad({ bases: [base], tokens, skus, rate: opts.rate, durationS: opts.durationS, orders: 0, concurrency: 0, keyPrefix: "load-", drainMs: 60_000 });
  onView = load.onView;
  const result = load.run();
  // Kills on a fixed schedule, one slot after the other; a slot whose last restart is not
  // ready yet is killed once it is (killing a process that never started measures nothing).
  const restarts: { name: string; readyMs: number }[] = [];
  const restarting: Promise<void>[] = [];
  const started = performance.now();
  for (let n = 0; (n + 1) * opts.everyS < opts.durationS; n++) {
    await Bun.sleep(Math.max(0, started + (n + 1) * opts.everyS * 1000 - performance.now()));
    const slot = n % opts.actors;
    const victim = slots[slot]!;
    await victim.started;
    victim.proc.kill("SIGKILL");
    await victim.proc.exited;
    const t = performance.now();
    const next = spawn("actors", `actors-${slot + 1}-r${n + 1}`, slotEnv(slot + 1));
    slots[slot] = next;
    restarting.push(next.started.then(() => {
      restarts.push({ name: next.name, readyMs: performance.now() - t });
      say(`${victim.name} killed at ${((t - started) / 1000).toFixed(1)} s; ${next.name} ready in ${((performance.now() - t) / 1000).toFixed(2)} s`);
    }));
  }
  await Promise.all(restarting);
  const r = await result;
  const ready = restarts.map((x) => x.readyMs).sort((a, b) => a - b);
  console.log(`
restarts                 ${restarts.length} (kill -9 every ${opts.everyS} s, ${opts.memberFile ? "with" : "without"} KAFKA_MEMBER_FILE, session timeout ${args["session-ms"] ?? 6000} ms)
time to ready            ${restarts.map((x) => (x.readyMs / 1000).toFixed(2)).join(", ")} s  (median ${(pct(ready, 50) / 1000).toFixed(2)} s, max ${((ready.at(-1) ?? NaN) / 1000).toFixed(2)} s)
orders                   ${r.finished} finished of ${r.placed} placed, ${r.errors} errors${r.errors ? ` ${JSON.stringify([...r.errorSamples])}` : ""}
created -> final         p50 ${pct(r.latencies, 50).toFixed(0)} ms, p99 ${pct(r.latencies, 99).toFixed(0)} ms, max ${(r.latencies.at(-1) ?? NaN).toFixed(0)} ms
load average             ${loadBefore} before, ${loadavg()} after (1, 5, 15 min)`);
  return r.finished === r.accepted && r.gaveUp === 0 && r.errors === 0 ? 0 : 1;
}
