/**
 * `bun run bench:saga -- --distributed`: the saga bench on the distributed shop, on this
 * machine. Measures `pgbench -N` first (the yardstick), then starts a Kafka mock cluster
 * (3 brokers), a fresh Postgres database and the shop as separate processes (one relay,
 * N actors, N edges; `bun edge/main.ts --role ...`), warms it up, offers orders over HTTP
 * at a fixed rate spread over the edges, and sees each final status on NATS `orders.all`.
 *
 * Besides orders/s and latency it reports where the time goes: per-process CPU, commits and
 * row writes per order, the saga's steps (from each order's timeline), and the outbox relay
 * and consumer hops (from the relay's /metrics and runtime.processed_events).
 *
 * Everything it starts is stopped, and the database dropped, on success, failure or Ctrl-C.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import postgres from "postgres";
import { TOPICS } from "../actors/contracts/index.ts";
import { subjects } from "../actors/contracts/subjects.ts";
import { startKafkaMock, type KafkaMock } from "../deploy/kafka-mock/index.ts";
import { issueToken } from "../edge/auth/auth.ts";
import { freshPostgres } from "../test/engines.ts";
import { createLoad, pct, type LoadOptions, type LoadResult } from "./load.ts";
import { runScenarios, wantsScenario } from "./scenario-run.ts";
import { runPgbench, type PgbenchResult } from "./pgbench.ts";
import { allPids, cpuBetween, describe, pidsNamed, rssMiB, snapshot, topPids, type CpuUse, type Snapshot } from "./procs.ts";
import { freePorts, healthy, spawnRole, stopChild, type Child } from "./children.ts";

export type DistributedOptions = {
  rate: number;
  durationS: number;
  orders: number;
  concurrency: number;
  edges: number;
  actors: number;
  partitions: number;
  warmup: number;
  pgbenchS: number;
  drainS: number;
  keepLogs: boolean;
  /** write a CPU profile of every shop process (markdown, Bun's --cpu-prof-md) next to its log */
  profile: boolean;
  /** scenarios instead of one steady rate (bench/scenarios.ts) */
  findCapacity: boolean;
  overload: boolean;
  hot: boolean;
};

const NATS_URL = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const TARGET = { rate: 250, durationS: 60, p99Ms: 1000 };
const SAMPLE_MS = 5_000;


/** Runs the bench; resolves to the exit code. */
export async function runDistributed(opts: DistributedOptions): Promise<number> {
  const cleanups: { what: string; fn: () => Promise<unknown> }[] = [];
  const children: Child[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = () => (cleaning ??= (async () => {
    for (const { what, fn } of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error(`cleanup: ${what} failed: ${err}`);
      }
    }
  })());
  const killAll = () => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill("SIGKILL");
  };
  const logDir = mkdtempSync(join(tmpdir(), "saga-bench-distributed-"));
  let keepLogs = opts.keepLogs || opts.profile;
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the shop processes, the Kafka mock and the database...`);
    void cleanup().finally(() => {
      if (keepLogs) console.error(`process logs kept in ${logDir}`);
      else rmSync(logDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", killAll);

  try {
    return await bench(opts, children, (what, fn) => cleanups.push({ what, fn }), logDir);
  } catch (err) {
    keepLogs = true;
    console.error(`\ndistributed bench failed: ${err instanceof Error ? err.stack ?? err.message : err}`);
    for (const c of children) {
      if (c.tail.length === 0) continue;
      console.error(`\n--- last lines of ${c.name} (${c.log}) ---\n${c.tail.slice(-15).join("\n")}`);
    }
    return 1;
  } finally {
    await cleanup();
    if (keepLogs) console.error(`process logs kept in ${logDir}`);
    else rmSync(logDir, { recursive: true, force: true });
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", killAll);
  }
}

async function bench(
  opts: DistributedOptions, children: Child[], onCleanup: (what: string, fn: () => Promise<unknown>) => void, logDir: string,
): Promise<number> {
  const say = (s: string) => console.error(`[bench] ${s}`);

  // 0. Is anything else using this machine? (It competes with the shop for the same 2 cores.)
  const others = new Map<string, () => number[]>([["other", () => allPids().filter((p) => p !== process.pid)]]);
  const quiet0 = snapshot(others);
  await Bun.sleep(1_000);
  const quiet1 = snapshot(others);
  const quiet = cpuBetween(quiet0, quiet1);
  const busyBefore = quiet.machineBusy;
  const topBefore = topPids(quiet0, quiet1, "other", 3).filter(([, v]) => v >= 5);
  say(`before the bench: machine ${busyBefore.toFixed(0)}% busy${topBefore.length ? `; ${topBefore.map(([pid, v]) => `${describe(pid)} ${v.toFixed(0)}%`).join("; ")}` : ""}`);

  // 1. The yardstick, on a quiet machine.
  let pg: PgbenchResult | null = null;
  if (opts.pgbenchS > 0) {
    say(`pgbench -i -s 1, then pgbench -N -c 8 -j 2 -T ${opts.pgbenchS} on a scratch database...`);
    pg = await runPgbench({ seconds: opts.pgbenchS, onScratch: (drop) => onCleanup("drop the pgbench database", drop) });
    say(`pgbench -N: ${pg.tps.toFixed(0)} TPS`);
  }

  // 2. Engines: Kafka mock, an empty database, NATS (already running).
  const mock: KafkaMock = await startKafkaMock({ brokers: 3, topics: TOPICS.map((name) => ({ name, partitions: opts.partitions })) });
  onCleanup("stop the Kafka mock", () => mock.stop());
  const mockPid = pidsNamed("mock-cluster", process.pid)[0];
  const db = await freshPostgres();
  onCleanup("drop the bench database", () => db.drop());
  const sql = postgres(db.url, { max: 2, onnotice: () => {}, connect_timeout: 5 });
  onCleanup("close the bench's Postgres connection", () => sql.end({ timeout: 2 }));
  const dbName = new URL(db.url).pathname.slice(1);
  const nc: NatsConnection = await connect({ servers: NATS_URL, name: "saga-bench" }).catch((err) => {
    throw new Error(`NATS is not reachable at ${NATS_URL}: ${err instanceof Error ? err.message : err}`);
  });
  onCleanup("close NATS", () => nc.close());
  say(`Kafka mock ${mock.bootstrap.join(",")} (${TOPICS.length} topics x ${opts.partitions} partitions), database ${dbName}, NATS ${NATS_URL}`);

  // 3. The shop: the relay first (it migrates and seeds), then actors and edges.
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString("base64url");
  const env: Record<string, string> = {
    DATABASE_URL: db.url, KAFKA_BROKERS: mock.bootstrap.join(","), NATS_URL, JWT_SECRET: secret,
    HANDLING_TIME_MS: "0", KAFKA_SESSION_TIMEOUT_MS: "3000", SEED_CATALOG: "true", PARTITIONS: String(opts.partitions),
    KAFKAJS_NO_PARTITIONER_WARNING: "1", // the shop partitions itself (murmur2); the warning is noise here
  };
  const spawn = (role: Child["role"], name: string, extra: Record<string, string> = {}) => {
    const c = spawnRole(role, name, { ...env, ...extra }, logDir, opts.profile);
    children.push(c);
    onCleanup(`stop ${name}`, () => stopChild(c));
    return c;
  };
  const t = performance.now();
  const [relayOps] = await freePorts(1);
  const relayBase = `http://127.0.0.1:${relayOps}`;
  const relay = spawn("relay", "relay", { METRICS_PORT: String(relayOps) });
  await relay.started;
  say(`relay started (${((performance.now() - t) / 1000).toFixed(1)} s: migrations, catalog seed, topics)`);
  const actors = Array.from({ length: opts.actors }, (_, i) => spawn("actors", `actors-${i + 1}`));
  const ports = await freePorts(opts.edges);
  const edges = ports.map((port, i) => spawn("edge", `edge-${i + 1}`, { PORT: String(port) }));
  for (const [i, e] of edges.entries()) e.port = ports[i];
  await Promise.all([...actors, ...edges].map((c) => c.started));
  const bases = edges.map((e) => `http://127.0.0.1:${e.port}`);
  await Promise.all(bases.map((b) => healthy(b)));
  say(`${opts.actors} actors and ${opts.edges} edges started (${((performance.now() - t) / 1000).toFixed(1)} s)`);

  await sql`UPDATE inventory.stock SET on_hand = 1000000`;
  const skus = (await sql<{ sku: string }[]>`SELECT sku FROM catalog.products ORDER BY category, name LIMIT 100`).map((r) => r.sku);
  const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => issueToken(secret, { sub: `bench-${i}`, role: "customer" })));

  // Completion is seen on NATS, as any edge's SSE stream would see it.
  let onView: (data: unknown) => void = () => {};
  nc.subscribe(subjects.allOrders, {
    callback: (err, msg) => {
      if (err) return;
      try {
        onView(JSON.parse(msg.string()));
      } catch {
        // not an order view
      }
    },
  });

  // 4. Warm-up: consumer groups settle (a second member joining rebalances the group).
  let warm: LoadResult | null = null;
  if (opts.warmup > 0) {
    const w = createLoad({ bases, tokens, skus, rate: 0, durationS: 0, orders: opts.warmup, concurrency: 4, keyPrefix: "warmup-", drainMs: 90_000 });
    onView = w.onView;
    warm = await w.run();
    const first = Math.min(...warm.completions.map((c) => c.final - warm!.t0));
    say(`warm-up: ${warm.finished}/${warm.placed} orders finished in ${warm.elapsedS.toFixed(1)} s (first after ${(first / 1000).toFixed(1)} s), p50 ${pct(warm.latencies, 50).toFixed(0)} ms`);
    if (warm.errors > 0 || warm.finished < warm.placed) {
      throw new Error(`warm-up did not complete: ${warm.finished}/${warm.placed} finished, ${warm.errors} errors ${JSON.stringify([...warm.errorSamples])}`);
    }
  }

  if (wantsScenario(opts)) {
    return runScenarios({
      bases, tokens, skus,
      load(o: LoadOptions) {
        const l = createLoad(o);
        onView = l.onView;
        return l.run();
      },
      query: (text, params) => sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]) as unknown as Promise<never[]>,
    }, {
      ...opts, drainS: opts.drainS, pgbench: pg,
      mode: `distributed: Postgres, Kafka mock 3 brokers x ${opts.partitions} partitions, NATS; 1 relay, ${opts.actors} actors, ${opts.edges} edges`,
    });
  }

  // 5. The measured load, with a sample of progress and CPU every few seconds.
  const pgPidsNow = async () => (await sql<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE (datname = ${dbName} OR datname IS NULL) AND pid <> pg_backend_pid()`).map((r) => r.pid);
  let pgPids = await pgPidsNow();
  const groups = new Map<string, () => number[]>([
    ...children.map((c) => [c.name, () => [c.proc.pid]] as [string, () => number[]]),
    // this database's backends and the server's own workers (WAL writer, checkpointer...), not other sessions' backends
    ["postgres", () => pgPids],
    ["kafka-mock", () => (mockPid ? [mockPid] : [])],
    ["nats-server", () => pidsNamed("nats-server")],
    ["bench", () => [process.pid]],
  ]);
  const ourGroups = [...groups.values()];
  const ours = () => new Set(ourGroups.flatMap((f) => f()));
  groups.set("other", () => {
    const mine = ours();
    return allPids().filter((p) => !mine.has(p));
  });
  // What the shop burns with no orders at all (consumer fetch loops, timer sweeps, relay).
  const idle0 = snapshot(groups);
  await Bun.sleep(3_000);
  const idle = cpuBetween(idle0, snapshot(groups));
  const before = await dbCounters(sql, dbName);
  const relayBefore = await scrapeRelay(relayBase);
  const load = createLoad({
    bases, tokens, skus, rate: opts.rate, durationS: opts.durationS, orders: opts.orders, concurrency: opts.concurrency,
    keyPrefix: "bench-", drainMs: opts.drainS * 1000,
  });
  onView = load.onView;
  const mode = opts.rate > 0 ? `${opts.rate} orders/s for ${opts.durationS} s, open loop` : `${opts.orders} orders, ${opts.concurrency} in flight`;
  say(`load: ${mode}, spread over ${bases.length} edge(s)`);
  const startWall = new Date();
  const cpu0 = snapshot(groups);
  let last = cpu0;
  let lastDone = 0;
  console.log(`\n   t   posted  done/s  in-flight  outbox  machine  ${[...groups.keys()].map((g) => short(g).padStart(6)).join(" ")}   (CPU % of one core)`);
  let sampling = Promise.resolve();
  const sampler = setInterval(() => {
    sampling = sampling.then(async () => {
      const now = snapshot(groups);
      const c = cpuBetween(last, now);
      const p = load.progress();
      const backlog = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM runtime.outbox`
        .then((r) => r[0]?.n ?? NaN).catch(() => NaN);
      const line = `${((now.at - cpu0.at) / 1000).toFixed(0).padStart(4)}s ${String(p.placed).padStart(8)} ${((p.finished - lastDone) / ((now.at - last.at) / 1000)).toFixed(0).padStart(7)} ${String(p.inflight).padStart(10)} ${String(backlog).padStart(7)} ${c.machineBusy.toFixed(0).padStart(7)}% ${[...c.groups.values()].map((v) => v.toFixed(0).padStart(6)).join(" ")}`;
      console.log(line);
      last = now;
      lastDone = p.finished;
    });
  }, SAMPLE_MS);
  // What Postgres backends of the shop are doing, twice a second.
  const waits = new Map<string, number>();
  const held = new Map<string, number>();
  let waitSamples = 0;
  let waitBusy = false;
  const waitSampler = setInterval(() => {
    if (waitBusy) return;
    waitBusy = true;
    void pgPidsNow().then((pids) => (pgPids = pids), () => undefined);
    void sql<{ w: string; q: string; n: number }[]>`
      SELECT CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'on CPU (no wait event)')
                  ELSE state END AS w,
             CASE WHEN state = 'idle in transaction' THEN 'idle in tx after: ' || regexp_replace(left(query, 60), '"', '', 'g')
                  WHEN state = 'active' AND wait_event_type = 'Lock' THEN wait_event || ' lock wait in: ' || regexp_replace(left(query, 60), '"', '', 'g')
                  ELSE '' END AS q,
             count(*)::int AS n
      FROM pg_stat_activity
      WHERE datname = ${dbName} AND pid <> pg_backend_pid() AND state <> 'idle' AND backend_type = 'client backend'
      GROUP BY 1, 2`.then((rows) => {
      waitSamples++;
      for (const r of rows) {
        waits.set(r.w, (waits.get(r.w) ?? 0) + r.n);
        if (r.q) held.set(r.q, (held.get(r.q) ?? 0) + r.n);
      }
    }, () => undefined).finally(() => (waitBusy = false));
  }, 500);
  let cpuSend: Snapshot | null = null;
  const result = await (async () => {
    // The load window ends when the last POST is sent; CPU is averaged over that window.
    const total = opts.rate > 0 ? Math.round(opts.rate * opts.durationS) : opts.orders;
    const r = load.run();
    const poll = setInterval(() => {
      if (!cpuSend && load.progress().placed >= total) cpuSend = snapshot(groups);
    }, 50);
    try {
      return await r;
    } finally {
      clearInterval(poll);
    }
  })();
  clearInterval(sampler);
  clearInterval(waitSampler);
  await sampling;
  const cpuEnd = snapshot(groups);
  cpuSend ??= cpuEnd;
  say(`load done: ${result.finished}/${result.accepted} finished after ${result.elapsedS.toFixed(1)} s`);

  // 6. Where the time goes, while the database is still there.
  await Bun.sleep(1_500); // backends flush their statistics when idle, at most once a second
  const after = await dbCounters(sql, dbName);
  const hops = await hopStats(sql, startWall, relayBefore, await scrapeRelay(relayBase));
  const rss = new Map<string, number | null>([
    ...children.map((c) => [c.name, rssMiB(c.proc.pid)] as [string, number | null]),
    ["kafka-mock", mockPid ? rssMiB(mockPid) : null],
    ["bench", rssMiB(process.pid)],
  ]);

  report({
    opts, pg, warm, result, idle, cpu: cpuBetween(cpu0, cpuSend), cpuDrain: cpuBetween(cpuSend, cpuEnd), cpuAll: cpuBetween(cpu0, cpuEnd),
    wallS: (cpuEnd.at - cpu0.at) / 1000, before, after, hops, rss, children, bases,
    busyBefore, otherTop: topPids(cpu0, cpuEnd, "other", 3).map(([pid, v]) => `${describe(pid)} ${v.toFixed(0)}%`),
    waits: [...waits].map(([w, n]) => [w, n / Math.max(1, waitSamples)] as [string, number]).sort((a, b) => b[1] - a[1]),
    held: [...held].map(([w, n]) => [w, n / Math.max(1, waitSamples)] as [string, number]).sort((a, b) => b[1] - a[1]),
  });
  return result.finished === result.accepted && result.errors === 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------
// processes

const short = (g: string) => g.replace("actors-", "act").replace("edge-", "edge").replace("kafka-mock", "kafka").replace("nats-server", "nats").replace("postgres", "pg");

// ---------------------------------------------------------------------------------------
// database counters and hop times

type Counters = {
  commits: number; rollbacks: number; ins: number; upd: number; del: number; walBytes: number;
  tables: Map<string, { ins: number; upd: number; del: number; dead: number; seqScans: number; seqRead: number }>;
  /** index scans and the index entries they read (live or dead), by index */
  indexes: Map<string, { scans: number; read: number }>;
};

async function dbCounters(sql: postgres.Sql, dbName: string): Promise<Counters> {
  const [d] = await sql<{ commits: string; rollbacks: string; ins: string; upd: string; del: string; wal: string }[]>`
    SELECT xact_commit AS commits, xact_rollback AS rollbacks, tup_inserted AS ins, tup_updated AS upd, tup_deleted AS del,
           pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') AS wal
    FROM pg_stat_database WHERE datname = ${dbName}`;
  const rows = await sql<{ t: string; ins: string; upd: string; del: string; dead: string; seq_scans: string; seq_read: string }[]>`
    SELECT schemaname || '.' || relname AS t, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del, n_dead_tup AS dead,
           seq_scan AS seq_scans, seq_tup_read AS seq_read FROM pg_stat_user_tables`;
  const idx = await sql<{ i: string; scans: string; read: string }[]>`
    SELECT schemaname || '.' || indexrelname AS i, idx_scan AS scans, idx_tup_read AS read FROM pg_stat_user_indexes`;
  return {
    commits: Number(d?.commits), rollbacks: Number(d?.rollbacks), ins: Number(d?.ins), upd: Number(d?.upd), del: Number(d?.del),
    walBytes: Number(d?.wal),
    tables: new Map(rows.map((r) => [r.t, {
      ins: Number(r.ins), upd: Number(r.upd), del: Number(r.del), dead: Number(r.dead), seqScans: Number(r.seq_scans), seqRead: Number(r.seq_read),
    }])),
    indexes: new Map(idx.map((r) => [r.i, { scans: Number(r.scans), read: Number(r.read) }])),
  };
}

type Dist = { n: number; p50: number; p99: number; mean: number };
type Hops = {
  relay: { rows: number; batches: number; wait: Dist; publish: Dist; size: Dist & { max: number } };
  consumers: { consumer: string; n: number }[];
};

/** A histogram of the relay's /metrics: cumulative counts by upper bound, its sum and count. */
type Scraped = Map<string, { le: number[]; counts: number[]; sum: number; count: number }>;

/** The relay's histograms (the relay deletes what it published: its own figures are what is left of each claim). */
async function scrapeRelay(base: string): Promise<Scraped> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out: Scraped = new Map();
  const at = (name: string) => out.get(name) ?? out.set(name, { le: [], counts: [], sum: 0, count: 0 }).get(name)!;
  for (const line of text.split("\n")) {
    const m = /^(saga_relay_\w+?)_(bucket|sum|count)(?:\{le="([^"]+)"\})? (\S+)$/.exec(line);
    if (!m) continue;
    const h = at(m[1]!);
    if (m[2] === "bucket") {
      h.le.push(m[3] === "+Inf" ? Infinity : Number(m[3]));
      h.counts.push(Number(m[4]));
    } else if (m[2] === "sum") h.sum = Number(m[4]);
    else h.count = Number(m[4]);
  }
  return out;
}

/** The distribution between two scrapes: quantiles as the upper bound of their bucket (times `scale`). */
function between(a: Scraped, b: Scraped, name: string, scale = 1): Dist & { max: number } {
  const x = b.get(name);
  const y = a.get(name);
  if (!x) return { n: 0, p50: NaN, p99: NaN, mean: NaN, max: NaN };
  const counts = x.counts.map((c, i) => c - (y?.counts[i] ?? 0));
  const n = x.count - (y?.count ?? 0);
  const q = (p: number) => scale * (x.le[counts.findIndex((c) => c >= p * n)] ?? NaN);
  const top = counts.findIndex((c) => c >= n);
  return { n, p50: q(0.5), p99: q(0.99), mean: (scale * (x.sum - (y?.sum ?? 0))) / Math.max(1, n), max: scale * (x.le[top] ?? NaN) };
}

async function hopStats(sql: postgres.Sql, since: Date, relayBefore: Scraped, relayAfter: Scraped): Promise<Hops> {
  const wait = between(relayBefore, relayAfter, "saga_relay_wait_seconds", 1000);
  const size = between(relayBefore, relayAfter, "saga_relay_claim_size");
  const publish = between(relayBefore, relayAfter, "saga_relay_publish_seconds", 1000);
  const consumers = await sql<{ consumer: string; n: number }[]>`SELECT consumer, count(*)::int AS n
    FROM runtime.processed_events WHERE at >= ${since} GROUP BY consumer ORDER BY consumer`;
  return { relay: { rows: wait.n, batches: size.n, wait, publish, size }, consumers: [...consumers] };
}

// ---------------------------------------------------------------------------------------
// the report

function report(r: {
  opts: DistributedOptions; pg: PgbenchResult | null; warm: LoadResult | null; result: LoadResult;
  idle: CpuUse; cpu: CpuUse; cpuDrain: CpuUse; cpuAll: CpuUse; wallS: number;
  before: Counters; after: Counters; hops: Hops; rss: Map<string, number | null>; children: Child[]; bases: string[];
  busyBefore: number; otherTop: string[]; waits: [string, number][]; held: [string, number][];
}) {
  const { opts, pg, result: res, hops } = r;
  const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "-");
  const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");
  const line = (label: string, value: string) => console.log(`  ${label.padEnd(19)}${value}`);
  const unfinished = res.accepted - res.finished;
  // Costs per order: per finished order when every order finished; otherwise the work was spread
  // over partial sagas, so divide by the orders accepted and say so.
  const base = unfinished > 0 ? res.accepted : res.finished;
  const per = (n: number) => n / Math.max(1, base);
  const perNote = unfinished > 0 ? ` [per order accepted; ${unfinished} sagas unfinished, so a full saga costs more]` : "";

  const mode = opts.rate > 0 ? `open loop, ${opts.rate} orders/s offered for ${opts.durationS} s` : `closed loop, ${opts.concurrency} in flight`;
  console.log(`\nsaga bench (distributed: Postgres, Kafka mock 3 brokers x ${opts.partitions} partitions, NATS; 1 relay, ${opts.actors} actors, ${opts.edges} edges as processes; ${mode})`);
  line("orders placed", `${res.placed} (${res.errors} errors, ${res.shed} answers 503 sent again, ${res.gaveUp} given up)${res.errors ? ` ${JSON.stringify([...res.errorSamples].slice(0, 3))}` : ""}`);
  const statuses = new Map<string, number>();
  for (const c of res.completions) statuses.set(c.status, (statuses.get(c.status) ?? 0) + 1);
  line("orders finished", `${res.finished} (${[...statuses].map(([s, n]) => `${s} ${n}`).join(", ")})`);
  const throughput = res.finished / res.elapsedS;
  line("throughput", `${f1(throughput)} orders/s (POST to final status, ${f1(res.elapsedS)} s)`);
  const inWindow = res.completions.filter((c) => c.final - res.t0 <= res.sendS * 1000).length;
  if (opts.rate > 0) {
    line("during the load", `${f1(inWindow / res.sendS)} orders/s finished while offering ${opts.rate}/s for ${f1(res.sendS)} s; ${res.accepted - inWindow} still in flight when the last POST went out`);
    line("sender", `at most ${f0(res.maxSendLagMs)} ms behind its schedule`);
  }
  // Orders that never finished count as slower than any that did (not dropped from the percentiles).
  const all = [...res.latencies, ...Array<number>(Math.max(0, unfinished)).fill(Infinity)];
  const q = (p: number) => pct(all, p);
  const ms = (v: number) => (v === Infinity ? `> ${f0(res.elapsedS * 1000)} ms (not finished when the bench gave up)` : `${f0(v)} ms`);
  line("latency p50", ms(q(50)));
  line("latency p99", ms(q(99)));
  line("latency max", ms(all.at(-1) ?? NaN));
  if (unfinished > 0) line("unfinished", `${unfinished} orders had no final status ${opts.drainS} s after the last POST was answered (--drain)`);
  line("POST p50/p99/max", `${f0(pct(res.postLatencies, 50))} / ${f0(pct(res.postLatencies, 99))} / ${f0(res.postLatencies.at(-1) ?? NaN)} ms (HTTP round trip to 202)`);
  if (pg) {
    line("pgbench -N", `${f0(pg.tps)} TPS (${pg.clients} clients, ${pg.threads} threads, ${pg.seconds} s, latency avg ${pg.latencyMs} ms; scale 1)`);
    line("ratio", `orders/s : pgbench TPS = ${f1(throughput)} : ${f0(pg.tps)} = ${(throughput / pg.tps).toFixed(4)} (1 order per ${f1(pg.tps / throughput)} pgbench transactions)`);
  } else {
    line("pgbench -N", "skipped (--pgbench 0)");
  }
  const met = opts.rate >= TARGET.rate && opts.durationS >= TARGET.durationS && res.errors === 0 &&
    res.finished === res.placed && q(99) < TARGET.p99Ms && inWindow / res.sendS >= 0.95 * opts.rate;
  line("target", `${TARGET.rate} orders/s for ${TARGET.durationS} s with p99 < ${TARGET.p99Ms} ms: ${met ? "MET" : "NOT MET"}`);
  line("rss at the end", [...r.rss].map(([n, v]) => `${n} ${v === null ? "-" : f0(v)} MiB`).join(", "));
  if (r.warm) line("warm-up", `${r.warm.finished} orders, ${f1(r.warm.elapsedS)} s, p50 ${f0(pct(r.warm.latencies, 50))} ms (not counted)`);

  console.log(`\nwhere the time goes`);
  const cores = r.cpu.cores;
  line("CPU (load window)", `machine ${f0(r.cpu.machineBusy)}% busy of ${f1(cores)} cores (iowait ${f0(r.cpu.iowait)}%, steal ${f0(r.cpu.steal)}%; ` +
    `${f0(r.busyBefore)}% busy before the bench); some task waited for a CPU ${f0(r.cpu.pressure)}% of the time (PSI)`);
  console.log(`     CPU %  run-queue %   (CPU: % of one core; run-queue: % of wall time the main thread was ready but not running, summed per group)`);
  const sorted = [...r.cpu.groups].sort((a, b) => b[1] - a[1]);
  const sum = sorted.reduce((a, [, v]) => a + v, 0);
  const drained = res.elapsedS - res.sendS > 1;
  for (const [g, v] of sorted) {
    const drain = drained && r.cpuDrain.groups.get(g) !== undefined ? `   (drain: ${f0(r.cpuDrain.groups.get(g)!)}% CPU, ${f0(r.cpuDrain.runqueue.get(g) ?? NaN)}% run-queue)` : "";
    console.log(`    ${f0(v).padStart(5)}  ${f0(r.cpu.runqueue.get(g) ?? NaN).padStart(8)}     ${g}${drain}`);
  }
  console.log(`    ${f0(sum).padStart(5)}            sum (of ${f0(cores * 100)}% available)`);
  const idleShop = [...r.idle.groups].filter(([g]) => g !== "other" && g !== "bench");
  console.log(`    idle, before the load (3 s, no orders): the shop used ${f0(idleShop.reduce((a, [, v]) => a + v, 0))}% of a core (${idleShop.filter(([, v]) => v >= 1).sort((a, b) => b[1] - a[1]).map(([g, v]) => `${g} ${f0(v)}`).join(", ")})`);
  if ((r.cpu.groups.get("other") ?? 0) >= 10) {
    console.log(`    other = the rest of the machine's busy time (other sessions' processes, some short-lived; kernel); the largest still running: ${r.otherTop.join("; ")}`);
  }
  if (r.waits.length > 0) {
    const total = r.waits.reduce((a, [, n]) => a + n, 0);
    line("Postgres backends", `${f1(total)} busy on average (sampled every 500 ms; "idle in transaction" = waiting on the shop's process):`);
    for (const [w, n] of r.waits.slice(0, 7)) console.log(`    ${f1(n).padStart(5)}  ${w}`);
    if (r.held.length > 0) console.log(`    by last statement ("idle in tx": the shop's process holds the transaction open and sends nothing):`);
    for (const [q, n] of r.held.slice(0, 7)) console.log(`    ${f1(n).padStart(5)}  ${q}`);
  }

  const commits = r.after.commits - r.before.commits;
  const elapsed = res.elapsedS;
  line("Postgres", `${f1(per(commits))} commits per order (${f0(commits / elapsed)} commits/s over the run${pg ? `; pgbench -N did ${f0(pg.tps)}/s` : ""}), ` +
    `${f1(per(r.after.rollbacks - r.before.rollbacks))} rollbacks, ${f1(per(r.after.ins - r.before.ins))} rows inserted, ` +
    `${f1(per(r.after.upd - r.before.upd))} updated, ${f1(per(r.after.del - r.before.del))} deleted, ` +
    `${f1(per(r.after.walBytes - r.before.walBytes) / 1024)} KiB WAL per order${perNote}`);
  if (pg && commits > 0 && unfinished === 0) {
    const need = TARGET.rate * per(commits);
    console.log(`    at ${TARGET.rate} orders/s that is ${f0(need)} commits/s = ${f1(need / pg.tps)}x what pgbench -N commits on this machine with all of it`);
  }
  console.log(`    row writes per order, by table (pg_stat_statements is not loaded on this server, so no statement counts):`);
  const tables = [...r.after.tables].map(([t, a]) => {
    const b = r.before.tables.get(t) ?? { ins: 0, upd: 0, del: 0 };
    return { t, ins: a.ins - b.ins, upd: a.upd - b.upd, del: a.del - b.del, dead: a.dead };
  }).filter((x) => x.ins + x.upd + x.del > 0).sort((a, b) => b.ins + b.upd + b.del - (a.ins + a.upd + a.del));
  for (const x of tables.slice(0, 8)) {
    console.log(`    ${f1(per(x.ins + x.upd + x.del)).padStart(5)}  ${x.t.padEnd(26)} (${f1(per(x.ins))} ins, ${f1(per(x.upd))} upd, ${f1(per(x.del))} del; ${x.dead} dead rows at the end)`);
  }
  console.log(`    rows read by sequential scans per order, by table:`);
  const seqs = [...r.after.tables].map(([t, a]) => {
    const b = r.before.tables.get(t);
    return { t, scans: a.seqScans - (b?.seqScans ?? 0), read: a.seqRead - (b?.seqRead ?? 0) };
  }).filter((x) => x.read > 0).sort((a, b) => b.read - a.read);
  for (const x of seqs.slice(0, 6)) {
    console.log(`    ${f1(per(x.read)).padStart(8)}  ${x.t.padEnd(40)} (${f1(per(x.scans))} scans per order, ${f1(x.read / Math.max(1, x.scans))} rows per scan)`);
  }
  console.log(`    index entries read per order (live or dead: a scan that wades through dead entries is a table that needs vacuum), by index:`);
  const reads = [...r.after.indexes].map(([i, a]) => {
    const b = r.before.indexes.get(i) ?? { scans: 0, read: 0 };
    return { i, scans: a.scans - b.scans, read: a.read - b.read };
  }).filter((x) => x.read > 0).sort((a, b) => b.read - a.read);
  for (const x of reads.slice(0, 8)) {
    console.log(`    ${f1(per(x.read)).padStart(8)}  ${x.i.padEnd(40)} (${f1(per(x.scans))} scans per order, ${f1(x.read / Math.max(1, x.scans))} entries per scan)`);
  }

  // The saga's steps, from each order's timeline (wall clock of the process that took the step).
  const epoch = (perf: number) => performance.timeOrigin + perf;
  const steps = new Map<string, number[]>();
  const push = (k: string, v: number) => (steps.get(k) ?? steps.set(k, []).get(k)!).push(v);
  for (const c of res.completions) {
    const points: [string, number][] = [["POST sent", epoch(c.postStart)]];
    for (const e of c.view.timeline ?? []) points.push([e.status, Date.parse(e.at)]);
    points.push(["seen on NATS", epoch(c.final)]);
    for (let i = 1; i < points.length; i++) push(`${points[i - 1]![0]} -> ${points[i]![0]}`, points[i]![1] - points[i - 1]![1]);
  }
  const meanE2e = res.latencies.reduce((a, b) => a + b, 0) / Math.max(1, res.latencies.length);
  console.log(`    saga steps (p50 / p99 / mean ms, share of the mean ${f0(meanE2e)} ms end to end):`);
  for (const [k, xs] of steps) {
    if (xs.length < res.finished / 100) continue;
    xs.sort((a, b) => a - b);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`    ${f0(pct(xs, 50)).padStart(6)} ${f0(pct(xs, 99)).padStart(6)} ${f0(mean).padStart(6)}  ${f0((100 * mean * xs.length) / Math.max(1, res.finished) / meanE2e).padStart(3)}%  ${k}${xs.length < res.finished ? ` (${xs.length} orders)` : ""}`);
  }
  console.log(`    (each step between two statuses is two trips through outbox -> relay -> Kafka -> consumer: to the actor and back to the order)`);
  const slowest = res.completions.reduce<(typeof res.completions)[number] | null>((a, c) => (!a || c.final - c.postStart > a.final - a.postStart ? c : a), null);
  if (slowest) {
    const t0 = epoch(slowest.postStart);
    const marks = [...(slowest.view.timeline ?? []).map((e) => `${e.status} +${f0(Date.parse(e.at) - t0)}`), `seen on NATS +${f0(epoch(slowest.final) - t0)}`];
    console.log(`    slowest finished order ${slowest.orderId}, ms after its POST: ${marks.join(", ")}`);
  }

  const h = hops.relay;
  line("outbox relay", `${h.rows} messages in ${h.batches} claims: ${f1(h.size.mean)} per claim (p50 <= ${f0(h.size.p50)}, p99 <= ${f0(h.size.p99)}, max <= ${h.size.max}), ${f1(per(h.rows))} messages per order${perNote}`);
  console.log(`    (quantiles are the upper bounds of the relay's histogram buckets; means are exact)`);
  console.log(`    ${f0(h.wait.p50).padStart(6)} ${f0(h.wait.p99).padStart(6)} ${f0(h.wait.mean).padStart(6)}  ms  written -> claimed by the relay (the writing transaction from its start, commit, NOTIFY, linger, the claim before it)`);
  console.log(`    ${f0(h.publish.p50).padStart(6)} ${f0(h.publish.p99).padStart(6)} ${f0(h.publish.mean).padStart(6)}  ms  claimed -> published (Kafka produce acks=all; the delete follows)`);
  console.log(`    processed marks per order, by consumer: ${hops.consumers.map((c) => `${c.consumer} ${f1(per(c.n))}`).join(", ")}`);

  // The ceiling CPU sets: what the shop's processes spent per finished order, over the whole run.
  const shop = [...r.cpuAll.groups].filter(([g]) => g !== "other" && g !== "bench");
  const cpuMs = (v: number) => per((v / 100) * r.wallS * 1000);
  const perOrder = shop.reduce((a, [, v]) => a + cpuMs(v), 0);
  const byRole = new Map<string, number>();
  for (const [g, v] of shop) {
    const role = g.replace(/-\d+$/, "");
    byRole.set(role, (byRole.get(role) ?? 0) + cpuMs(v));
  }
  const roles = [...byRole].sort((a, b) => b[1] - a[1]).map(([g, v]) => `${g} ${f1(v)}`).join(", ");
  line("CPU per order", unfinished === 0
    ? `${f1(perOrder)} ms of CPU per order over the whole run (${roles}); ${f1(r.cpuAll.cores)} cores would finish at most ~${f0((r.cpuAll.cores * 1000) / perOrder)} orders/s at that cost`
    : `${f1(perOrder)} ms of CPU per order accepted over the whole run (${roles}); no ceiling from this run: ${unfinished} sagas were cut off part-way`);

  const warned = r.children.filter((c) => c.warnings.size > 0);
  if (warned.length > 0) {
    console.log(`  logged warnings:`);
    for (const c of warned) {
      for (const [m, n] of [...c.warnings].slice(0, 4)) console.log(`    ${c.name}: ${n} x ${m.slice(0, 140)}`);
    }
  }
}
