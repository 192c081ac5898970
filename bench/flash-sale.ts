/**
 * --hot (without --find-capacity): a flash sale at --rate for --duration seconds. Every order
 * is one unit of one of 3 SKUs, each stocked with 60% of what will be asked of it, so each
 * sells out part-way and the rest are refused (INVENTORY_FAILED). Then, from the database:
 * each SKU sold exactly its stock, nothing is left or reserved, no count went below zero,
 * and every accepted order is final once.
 */
import { checkSoldOut, stockUp } from "./hot-stock.ts";
import { checkFinal, f0, f1, HOT_SKUS, latencies, line, spread, type ScenarioOptions, type Target } from "./scenarios.ts";

const STOCKED_SHARE = 0.6;

/** Runs the sale; resolves to false when a check failed. */
export async function flashSale(t: Target, o: ScenarioOptions): Promise<boolean> {
  const hot = t.skus.slice(0, HOT_SKUS);
  const orders = Math.round(o.rate * o.durationS);
  const initial = await stockUp(t, hot, Math.floor((STOCKED_SHARE * orders) / HOT_SKUS));
  console.log(`\nflash sale (${o.mode}): ${f0(o.rate)} orders/s for ${o.durationS} s, each one unit of one of ${hot.join(", ")}; ${[...initial.values()].join(" / ")} units in stock`);
  const since = new Date(); // orders written before (the warm-up) are not this run's
  const r = await t.load({
    bases: t.bases, tokens: t.tokens, skus: t.skus, rate: o.rate, durationS: o.durationS, orders: 0, concurrency: 0,
    keyPrefix: "hot-", drainMs: o.drainS * 1000, giveUpMs: 10_000, items: (i) => [{ sku: hot[i % hot.length]!, qty: 1 }],
  });
  const byStatus = new Map<string, number>();
  for (const c of r.completions) byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + 1);
  line("orders", `${r.placed} offered, ${r.accepted} accepted (${r.shed} 503s, ${r.gaveUp} given up, ${r.errors} errors); finished: ${[...byStatus].map(([s, n]) => `${s} ${n}`).join(", ")}`);
  line("throughput", `${f1(r.finished / r.elapsedS)} orders/s finished (${f1(r.elapsedS)} s)`);
  line("latency", `POST -> final ${spread(latencies(r, "accepted"))}; the ones that bought ${spread(r.completions.filter((c) => c.status === "SHIPPED").map((c) => c.final - c.postStart).sort((a, b) => a - b))}`);
  const final = await checkFinal(t, r, since);
  line("final", final.text);
  const sold = await checkSoldOut(t, initial, r.acceptedIds);
  return final.ok && sold && r.errors === 0;
}
