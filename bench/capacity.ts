/**
 * --find-capacity: offers a rate for a step, and steps up by a quarter while it holds; after
 * the first step that does not hold, one more step halfway between. A rate holds when every
 * order is accepted at its first try and finishes, p99 POST -> final stays under 1 s, and the
 * sender kept to its schedule. Each step starts on a shop that has finished the last one.
 */
import { pct, type LoadResult } from "./load.ts";
import { stockUp, checkSoldOut } from "./hot-stock.ts";
import { ACCEPTED_P99_MS, f0, f1, HOT_SKUS, latencies, line, yardstick, type ScenarioOptions, type Target } from "./scenarios.ts";

const STEP_UP = 1.25;
const MAX_STEPS = 14;

/** Why a step at `rate` did not hold ([] when it held). */
export function shortfalls(r: LoadResult, rate: number, durationS: number): string[] {
  const acc = latencies(r, "accepted");
  return [
    r.errors > 0 ? `${r.errors} errors` : "",
    r.shed > 0 ? `${r.shed} shed` : "",
    r.finished < r.accepted ? `${r.accepted - r.finished} unfinished` : "",
    !(pct(acc, 99) < ACCEPTED_P99_MS.capacity) ? `p99 ${f0(pct(acc, 99))} ms` : "",
    r.sendS > durationS * 1.05 ? `sender behind (${f1(r.sendS)} s to send ${f1(rate * durationS)} orders)` : "",
  ].filter(Boolean);
}

/** Ramps from `o.rate`; resolves to the highest rate that held (0 if none did) and whether every check passed. */
export async function findCapacity(t: Target, o: ScenarioOptions): Promise<{ capacity: number; ok: boolean }> {
  const hot = o.hot ? t.skus.slice(0, HOT_SKUS) : null;
  console.log(`\nfind capacity (${o.mode}${hot ? `; flash sale: every order one unit of ${hot.join(", ")}, stock = demand at each step` : ""})`);
  console.log(`  ${"offered/s".padStart(9)} ${"orders".padStart(7)} ${"finished/s".padStart(10)} ${"p50".padStart(6)} ${"p99".padStart(6)} ${"shed".padStart(5)}  verdict`);
  let best = 0;
  let failed = Infinity;
  let ok = true;
  let rate = o.rate;
  for (let step = 0; step < MAX_STEPS && rate > 0; step++) {
    const orders = Math.round(rate * o.durationS);
    const initial = hot ? await stockUp(t, hot, Math.floor(orders / HOT_SKUS)) : null;
    const r = await t.load({
      bases: t.bases, tokens: t.tokens, skus: t.skus, rate, durationS: o.durationS, orders: 0, concurrency: 0,
      keyPrefix: `capacity-${step}-`, drainMs: o.drainS * 1000, giveUpMs: 10_000,
      items: hot ? (i) => [{ sku: hot[i % hot.length]!, qty: 1 }] : undefined,
    });
    const why = shortfalls(r, rate, o.durationS);
    const acc = latencies(r, "accepted");
    console.log(`  ${f0(rate).padStart(9)} ${String(r.placed).padStart(7)} ${f1(r.finished / r.elapsedS).padStart(10)} ${f0(pct(acc, 50)).padStart(6)} ${f0(pct(acc, 99)).padStart(6)} ${String(r.shed).padStart(5)}  ${why.length ? `does not hold: ${why.join(", ")}` : "holds"}`);
    if (initial && !(await checkSoldOut(t, initial, r.acceptedIds))) ok = false;
    if (r.errors > 0 || r.finished < r.accepted) ok = false;
    if (why.length === 0) best = Math.max(best, rate);
    else failed = Math.min(failed, rate);
    if (failed === Infinity) rate = Math.round((rate * STEP_UP) / 5) * 5;
    else if (failed - best > Math.max(10, best * 0.1) && best > 0) rate = Math.round((best + failed) / 10) * 5;
    else break;
    if (rate <= best || rate >= failed) break;
  }
  line("capacity", best > 0
    ? `${f0(best)} orders/s held for ${o.durationS} s steps with p99 POST -> final < ${ACCEPTED_P99_MS.capacity} ms${failed < Infinity ? ` (${f0(failed)}/s did not)` : " (the highest rate tried)"}`
    : `none: even ${f0(o.rate)}/s did not hold (start lower with --rate)`);
  yardstick(o.pgbench, best, "capacity orders/s");
  return { capacity: best, ok };
}
