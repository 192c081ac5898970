/**
 * `bun run bench:soak`: a steady order rate for a long while, to see the tables stay
 * bounded. Every `--every` seconds it prints each table's rows and size and the database's;
 * at the end, whether the size stopped growing: the bounded tables' (those kept by
 * retention) over the last intervals, and the database's growth next to the business
 * tables' (orders and their history, which grow with every order by design).
 *
 *   --minutes M    duration of the load (60)         --rate N     orders per second (20)
 *   --retention M  minutes every retention is set to (2), so purges show within minutes;
 *                  the dedupe window too (its floor is 1 minute)
 *   --every S      seconds between samples (60)      --postgres   Postgres (fresh database) instead of PGlite
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { subjects } from "../actors/contracts/subjects.ts";
import type { Retention } from "../actors/system/config.ts";
import { startSystem } from "../actors/system/system.ts";
import { createApp } from "../edge/app.ts";
import { issueToken } from "../edge/auth/auth.ts";
import { freshPostgres } from "../test/engines.ts";
import { createLoad, pct } from "./load.ts";
import { bytesOf, classOf, mib, sizeLines, tableSizes, type Sizes } from "./table-sizes.ts";

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "60" },
    rate: { type: "string", default: "20" },
    retention: { type: "string", default: "2" },
    every: { type: "string", default: "60" },
    postgres: { type: "boolean", default: false },
  },
});
const minutes = Number(args.minutes);
const rate = Number(args.rate);
const keepMs = Number(args.retention) * 60_000;
const everyMs = Number(args.every) * 1000;
const retention: Retention = {
  dedupeMs: Math.max(60_000, keepMs), deadLettersMs: keepMs, logMs: keepMs, providerKeysMs: keepMs, sessionsMs: keepMs, alertsMs: keepMs, signInsMs: keepMs, messagesMs: keepMs,
};

const dir = mkdtempSync(join(tmpdir(), "saga-soak-"));
const pg = args.postgres ? await freshPostgres() : null;
const sys = await startSystem({ ...(pg ? { databaseUrl: pg.url } : { dataDir: join(dir, "pg") }), handlingMs: 0, seed: true, retention });
const engine = pg ? "Postgres, in-database log" : "embedded default: PGlite on disk";
try {
  await sys.database.db.execute("UPDATE inventory.stock SET on_hand = 1000000");
  const secret = crypto.randomUUID() + crypto.randomUUID();
  const server = Bun.serve({ port: 0, fetch: createApp(sys, secret).fetch });
  const skus = (await sys.catalog.list({ limit: 100, offset: 0 })).map((p) => p.sku);
  const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => issueToken(secret, { sub: `soak-${i}`, role: "customer" }, minutes * 60 + 600)));
  const load = createLoad({
    bases: [`http://localhost:${server.port}`], tokens, skus, rate, durationS: minutes * 60, orders: 0, concurrency: 1, keyPrefix: "soak-", drainMs: 60_000,
  });
  sys.pubsub.subscribe(subjects.allOrders, load.onView);

  console.log(`soak bench (${engine}; ${rate} orders/s for ${minutes} min; every retention ${args.retention} min, upkeep every 30 s)`);
  const samples: Sizes[] = [await tableSizes(sys.database.sql)];
  const t0 = Date.now();
  const sampler = setInterval(async () => {
    const s = await tableSizes(sys.database.sql);
    samples.push(s);
    const p = load.progress();
    console.log(`  minute ${((s.at - t0) / 60_000).toFixed(1)}: ${p.placed} orders placed, ${p.accepted - p.inflight} finished, ${p.errors} errors${pg ? "" : `, data dir ${mib(dirBytes(join(dir, "pg")))}`}`);
    for (const line of sizeLines(s)) console.log(line);
  }, everyMs);
  const result = await load.run();
  clearInterval(sampler);
  server.stop(true);

  console.log(`  load: ${result.placed} placed, ${result.finished} finished, ${result.errors} errors; p50 ${pct(result.latencies, 50).toFixed(0)} ms, p99 ${pct(result.latencies, 99).toFixed(0)} ms`);
  for (const [what, n] of result.errorSamples) console.log(`    ${n} x ${what}`);
  verdict(samples, rate);
} finally {
  await sys.stop();
  await pg?.drop();
  rmSync(dir, { recursive: true, force: true });
}

/** Bytes under `path` on disk. */
function dirBytes(path: string): number {
  const out = Bun.spawnSync(["du", "-sb", path]).stdout.toString();
  return Number(out.split(/\s/)[0]);
}

/**
 * Did the size stop growing? A purge runs every 30 s, so a bounded table's size saws up and
 * down between samples: the mean of the last three samples is set against the mean of the
 * three before, for the bounded tables' rows and bytes; the database's growth per minute
 * against the business tables'.
 */
function verdict(samples: Sizes[], rate: number) {
  const n = samples.length;
  if (n < 7) {
    console.log("  too few samples to judge growth (needs 6 intervals: --minutes or --every)");
    return;
  }
  const last = samples.slice(n - 3), before = samples.slice(n - 6, n - 3);
  const mean = (xs: Sizes[], f: (s: Sizes) => number) => xs.reduce((a, s) => a + f(s), 0) / xs.length;
  const perMin = (xs: Sizes[], f: (s: Sizes) => number) => (f(xs.at(-1)!) - f(xs[0]!)) / ((xs.at(-1)!.at - xs[0]!.at) / 60_000);
  const boundedBytes = (s: Sizes) => bytesOf(s, "bounded");
  const boundedRows = (s: Sizes) => s.tables.filter((t) => classOf(t.table) === "bounded").reduce((a, t) => a + t.rows, 0);
  const business = (s: Sizes) => bytesOf(s, "business");
  const db = (s: Sizes) => s.databaseBytes;
  const [b0, b1, r0, r1] = [mean(before, boundedBytes), mean(last, boundedBytes), mean(before, boundedRows), mean(last, boundedRows)];
  console.log("  the three samples before the last three -> the last three (means):");
  console.log(`    bounded tables   ${mib(b0)} -> ${mib(b1)} (${pctChange(b0, b1)}), ${r0.toFixed(0)} -> ${r1.toFixed(0)} rows (${pctChange(r0, r1)})`);
  console.log(`    business tables  +${mib(perMin(last, business))}/min over the last three (${(perMin(last, business) / (rate * 60)).toFixed(0)} bytes per order)`);
  console.log(`    database         +${mib(perMin(last, db))}/min over the last three (now ${mib(db(samples[n - 1]!))})`);
  const stopped = b1 <= b0 * 1.05 && r1 <= r0 * 1.05;
  console.log(`  bounded tables ${stopped ? "stopped growing" : "STILL GROWING"} (within 5% counts as stopped);` +
    ` the database grows ${mib(perMin(last, db))}/min, the business tables ${mib(perMin(last, business))}/min of it`);
}

/** `a` to `b` as a signed percentage. */
function pctChange(a: number, b: number): string {
  return `${b >= a ? "+" : ""}${((100 * (b - a)) / Math.max(1, a)).toFixed(1)}%`;
}
