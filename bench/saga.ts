/**
 * `bun run bench:saga`: places orders through the HTTP API on the embedded default and
 * prints orders/s and POST-to-final-status latency (p50/p99).
 *
 *   --rate N       orders offered per second (open loop); 0 = as fast as --concurrency allows
 *   --duration S   seconds of load (open loop)          --orders N    orders (closed loop)
 *   --concurrency C  requests in flight (closed loop)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { OrderView } from "../actors/projector.ts";
import { subjects } from "../actors/runtime/pubsub.ts";
import { startSystem } from "../actors/system.ts";
import { createApp } from "../edge/app.ts";
import { issueToken } from "../edge/auth.ts";

const { values: args } = parseArgs({
  allowPositionals: true,
  options: {
    rate: { type: "string", default: "150" },
    duration: { type: "string", default: "20" },
    orders: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "64" },
  },
});
const rate = Number(args.rate);
const FINAL = new Set(["SHIPPED", "INVENTORY_FAILED", "PAYMENT_FAILED", "SHIPPING_FAILED"]);

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

const started = new Map<string, number>();
const latencies: number[] = [];
let finished = 0;
let allDone: () => void = () => {};
sys.pubsub.subscribe(subjects.allOrders, (data) => {
  const v = data as OrderView;
  const t0 = started.get(v.orderId);
  if (t0 === undefined || !FINAL.has(v.status)) return;
  started.delete(v.orderId);
  latencies.push(performance.now() - t0);
  if (++finished === placedTarget) allDone();
});

let placedTarget = Infinity;
let errors = 0;
async function placeOne(i: number) {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/orders`, {
    method: "POST",
    headers: { authorization: `Bearer ${tokens[i % tokens.length]}`, "content-type": "application/json", "idempotency-key": `bench-${i}` },
    body: JSON.stringify({
      items: [{ sku: skus[i % skus.length], qty: 1 }, { sku: skus[(i * 7 + 3) % skus.length], qty: 2 }],
      shippingAddress: { name: "Bench", line1: "1 Load St", city: "Perf", postalCode: "12345", country: "US" },
      paymentToken: "tok_visa",
    }),
  });
  if (res.status !== 202) {
    errors++;
    return;
  }
  const { orderId } = (await res.json()) as { orderId: string };
  started.set(orderId, t0);
}

const done = new Promise<void>((r) => (allDone = r));
const t0 = performance.now();
let placed = 0;
if (rate > 0) {
  const total = Math.round(rate * Number(args.duration));
  placedTarget = total;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await Bun.sleep(wait);
    pending.push(placeOne(i));
    placed++;
  }
  await Promise.all(pending);
} else {
  const total = Number(args.orders);
  placedTarget = total;
  let next = 0;
  await Promise.all(Array.from({ length: Number(args.concurrency) }, async () => {
    while (next < total) {
      const i = next++;
      await placeOne(i);
      placed++;
    }
  }));
}
placedTarget = placed - errors;
if (finished >= placedTarget) allDone();
await Promise.race([done, Bun.sleep(120_000)]);
const elapsed = (performance.now() - t0) / 1000;

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
const mode = rate > 0 ? `open loop, ${rate} orders/s offered for ${args.duration} s` : `closed loop, ${args.concurrency} in flight`;
console.log(`saga bench (embedded default: PGlite on disk, ${sys.config.partitions} partitions; ${mode})`);
console.log(`  orders placed      ${placed} (${errors} errors)`);
console.log(`  orders finished    ${finished}`);
console.log(`  throughput         ${(finished / elapsed).toFixed(1)} orders/s (POST to final status, ${elapsed.toFixed(1)} s)`);
console.log(`  latency p50        ${pct(50).toFixed(0)} ms`);
console.log(`  latency p99        ${pct(99).toFixed(0)} ms`);
console.log(`  latency max        ${(latencies.at(-1) ?? NaN).toFixed(0)} ms`);
console.log(`  rss                ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);

const totalStatements = [...statements.values()].reduce((a, b) => a + b, 0);
console.log(`  SQL statements     ${(totalStatements / Math.max(1, finished)).toFixed(1)} per order; most frequent:`);
for (const [kind, n] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 6)) {
  console.log(`    ${(n / Math.max(1, finished)).toFixed(1).padStart(5)}  ${kind}`);
}
server.stop(true);
await sys.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(finished === placed - errors && errors === 0 ? 0 : 1);
