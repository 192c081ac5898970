/**
 * `bun run bench:saga`: places orders through the HTTP API on the embedded default and
 * prints orders/s and POST-to-final-status latency (p50/p99), then every table's rows and size.
 *
 *   --rate N       orders offered per second (open loop); 0 = as fast as --concurrency allows
 *   --duration S   seconds of load (open loop)          --orders N    orders (closed loop)
 *   --concurrency C  requests in flight (closed loop)
 *
 * `bun run bench:saga -- --distributed`: the same load on the distributed shop on this
 * machine (Postgres, a Kafka mock cluster, NATS; relay, actors and edges as separate
 * processes), next to this machine's `pgbench -N` TPS. See bench/distributed.ts.
 *
 *   --edges N (2)  --actors N (2)  --partitions N (8)  --warmup N (20 orders)
 *   --pgbench S    seconds of pgbench -N (15; 0 skips it)   --drain S (120)  --keep-logs
 *   --profile      a CPU profile of every shop process (Bun's --cpu-prof-md), kept with the logs
 *   defaults there: --rate 250 --duration 60
 *
 * Scenarios, on either shop (bench/scenarios.ts): --find-capacity (from --rate, default 50
 * embedded and 100 distributed, in steps of --duration seconds, default 20), --overload
 * (twice --rate, or the capacity just found), --hot (a flash sale; with --find-capacity, the
 * capacity under it). They print pgbench -N beside the capacity (--pgbench S, 15; 0 skips).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { subjects } from "../actors/contracts/subjects.ts";
import { startSystem } from "../actors/system/system.ts";
import { createApp } from "../edge/app.ts";
import { issueToken } from "../edge/auth/auth.ts";
import { runDistributed } from "./distributed.ts";
import { createLoad, pct, type LoadOptions } from "./load.ts";
import { runPgbench } from "./pgbench.ts";
import { runScenarios, wantsScenario } from "./scenario-run.ts";
import { sizeLines, tableSizes } from "./table-sizes.ts";

const { values: args } = parseArgs({
  allowPositionals: true,
  options: {
    rate: { type: "string" },
    duration: { type: "string" },
    orders: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "64" },
    distributed: { type: "boolean", default: false },
    edges: { type: "string", default: "2" },
    actors: { type: "string", default: "2" },
    partitions: { type: "string", default: "8" },
    warmup: { type: "string", default: "20" },
    pgbench: { type: "string", default: "15" },
    drain: { type: "string", default: "120" },
    "keep-logs": { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    "find-capacity": { type: "boolean", default: false },
    overload: { type: "boolean", default: false },
    hot: { type: "boolean", default: false },
  },
});
const scenarios = { findCapacity: args["find-capacity"], overload: args.overload, hot: args.hot };
const scenario = wantsScenario(scenarios);

if (args.distributed) {
  process.exit(await runDistributed({
    ...scenarios,
    rate: Number(args.rate ?? (args["find-capacity"] ? 100 : 250)), durationS: Number(args.duration ?? (scenario ? 20 : 60)),
    orders: Number(args.orders), concurrency: Number(args.concurrency),
    edges: Number(args.edges), actors: Number(args.actors), partitions: Number(args.partitions),
    warmup: Number(args.warmup), pgbenchS: Number(args.pgbench), drainS: Number(args.drain), keepLogs: args["keep-logs"], profile: args.profile,
  }));
}

args.rate ??= args["find-capacity"] ? "50" : "150";
args.duration ??= "20";
const rate = Number(args.rate);

// The yardstick first, on a quiet machine (it needs this machine's Postgres, not the shop).
const pg = scenario && args["find-capacity"] && Number(args.pgbench) > 0
  ? await runPgbench({ seconds: Number(args.pgbench) }).catch((err) => {
    console.error(`pgbench -N not measured: ${err instanceof Error ? err.message : err}`);
    return null;
  })
  : null;

const dir = mkdtempSync(join(tmpdir(), "saga-bench-"));
const statements = new Map<string, number>();
const sys = await startSystem({ dataDir: join(dir, "pg"), handlingMs: 0, seed: true }, undefined, {
  onQuery(sql) {
    const kind = sql.split(" ").slice(0, 3).join(" ").replace(/"/g, "");
    statements.set(kind, (statements.get(kind) ?? 0) + 1);
  },
});
await sys.database.db.execute("UPDATE inventory.stock SET on_hand = 1000000");
const secret = crypto.randomUUID() + crypto.randomUUID();
const server = Bun.serve({ port: 0, fetch: createApp(sys, secret).fetch });
const base = `http://localhost:${server.port}`;
const skus = (await sys.catalog.list({ limit: 100, offset: 0 })).map((p) => p.sku);
const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => issueToken(secret, { sub: `bench-${i}`, role: "customer" })));

if (scenario) {
  let onView: (v: unknown) => void = () => {};
  sys.pubsub.subscribe(subjects.allOrders, (v) => onView(v));
  const load = (opts: LoadOptions) => {
    const l = createLoad(opts);
    onView = l.onView;
    return l.run();
  };
  // Warm-up, not counted: the first orders pay for compiling and for the consumers' first batches.
  const warm = await load({ bases: [base], tokens, skus, rate: 0, durationS: 0, orders: 20, concurrency: 4, keyPrefix: "warmup-", drainMs: 90_000 });
  console.error(`[bench] warm-up: ${warm.finished}/${warm.placed} orders finished in ${warm.elapsedS.toFixed(1)} s`);
  const code = await runScenarios({
    bases: [base], tokens, skus, load,
    query: (text, params) => sys.database.sql.query(text, params),
  }, {
    ...scenarios, rate, durationS: Number(args.duration), drainS: Number(args.drain), pgbench: pg,
    mode: `embedded default: PGlite on disk, ${sys.config.partitions} partitions`,
  });
  console.log(`  rss                ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
  server.stop(true);
  await sys.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

const load = createLoad({
  bases: [base], tokens, skus, rate, durationS: Number(args.duration), orders: Number(args.orders), concurrency: Number(args.concurrency),
});
sys.pubsub.subscribe(subjects.allOrders, load.onView);
const { placed, errors, accepted, shed, finished, elapsedS: elapsed, latencies } = await load.run();
const q = (p: number) => pct(latencies, p);

const mode = rate > 0 ? `open loop, ${rate} orders/s offered for ${args.duration} s` : `closed loop, ${args.concurrency} in flight`;
console.log(`saga bench (embedded default: PGlite on disk, ${sys.config.partitions} partitions; ${mode})`);
console.log(`  orders placed      ${placed} (${errors} errors, ${shed} answers 503 sent again, ${placed - errors - accepted} given up)`);
console.log(`  orders finished    ${finished}`);
console.log(`  throughput         ${(finished / elapsed).toFixed(1)} orders/s (POST to final status, ${elapsed.toFixed(1)} s)`);
console.log(`  latency p50        ${q(50).toFixed(0)} ms`);
console.log(`  latency p99        ${q(99).toFixed(0)} ms`);
console.log(`  latency max        ${(latencies.at(-1) ?? NaN).toFixed(0)} ms`);
console.log(`  rss                ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);

const totalStatements = [...statements.values()].reduce((a, b) => a + b, 0);
console.log(`  SQL statements     ${(totalStatements / Math.max(1, finished)).toFixed(1)} per order; most frequent:`);
for (const [kind, n] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 6)) {
  console.log(`    ${(n / Math.max(1, finished)).toFixed(1).padStart(5)}  ${kind}`);
}
console.log("  table sizes at the end (bench:soak watches them over time):");
for (const line of sizeLines(await tableSizes(sys.database.sql))) console.log(line);
server.stop(true);
await sys.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(finished === accepted && errors === 0 ? 0 : 1);
