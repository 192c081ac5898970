/**
 * --overload: twice the capacity offered for 30 s, then half of it for 10 s. Clients follow
 * the README: a 503 is sent again with the same Idempotency-Key after its Retry-After, for
 * up to 10 s (then the customer gives up; an order answered 503 at its deadline may still
 * have been written, and is counted apart). Per phase: orders offered, 503s, orders accepted,
 * latency from the accepted POST and from the first try; then how soon the 503s stopped once
 * the load dropped, and whether every accepted order is in the database once, final.
 */
import { pct } from "./load.ts";
import { ACCEPTED_P99_MS, checkFinal, f0, f1, latencies, line, spread, type ScenarioOptions, type Target } from "./scenarios.ts";

const OVER_S = 30;
const RECOVER_S = 10;
const GIVE_UP_MS = 10_000;

/** Runs the scenario at twice `capacity`; resolves to false when an order was lost, stuck or refused. */
export async function overload(t: Target, o: ScenarioOptions, capacity: number): Promise<boolean> {
  const phases = [{ rate: 2 * capacity, durationS: OVER_S, name: "overload" }, { rate: capacity / 2, durationS: RECOVER_S, name: "after" }];
  console.log(`\noverload (${o.mode}; capacity taken as ${f0(capacity)} orders/s): ${phases.map((p) => `${f0(p.rate)}/s for ${p.durationS} s`).join(", then ")}`);
  const since = new Date(); // orders written before (the warm-up) are not this run's
  const r = await t.load({
    bases: t.bases, tokens: t.tokens, skus: t.skus, rate: 0, durationS: 0, orders: 0, concurrency: 0, phases,
    keyPrefix: "overload-", drainMs: o.drainS * 1000, giveUpMs: GIVE_UP_MS,
  });
  let first = 0;
  for (const [p, phase] of phases.entries()) {
    const offered = Math.round(phase.rate * phase.durationS);
    const done = r.completions.filter((c) => c.phase === p);
    const atOnce = done.filter((c) => c.tries === 1).length;
    line(`${phase.name} (${f0(phase.rate)}/s)`, `${offered} orders offered (${f0(first)}-${f0(first + offered - 1)}): ${done.length} accepted and finished ` +
      `(${atOnce} at the first try, ${done.length - atOnce} after 503s); ${r.shedAt.filter((s) => s.phase === p).length} 503s answered to them`);
    line("  accepted", `POST -> final ${spread(latencies(r, "accepted", p))}`);
    line("  of which", `POST -> 202 ${spread(done.map((c) => c.postEnd - c.postStart).sort((a, b) => a - b))}`);
    line("  first try", `first POST -> final ${spread(latencies(r, "firstTry", p))} (waits after 503s included)`);
    first += offered;
  }
  const dropAt = OVER_S * 1000;
  const lastShed = Math.max(0, ...r.shedAt.map((s) => s.at));
  const after = r.shedAt.filter((s) => s.at > dropAt);
  line("recovery", after.length === 0
    ? "no 503 once the load dropped"
    : `${after.length} 503s after the load dropped (${after.filter((s) => s.phase === 1).length} to new orders), the last ${f1((lastShed - dropAt) / 1000)} s after it ` +
      `(clients shed during the overload retry for up to ${GIVE_UP_MS / 1000} s)`);
  line("clients", `${r.shed} 503s in all, ${r.gaveUp} orders given up after ${GIVE_UP_MS / 1000} s of 503s, ${r.errors} errors${r.errors ? ` ${JSON.stringify([...r.errorSamples].slice(0, 3))}` : ""}`);
  const acc = latencies(r, "accepted");
  line("accepted p99", `${f0(pct(acc, 99))} ms POST -> final over both phases: target < ${ACCEPTED_P99_MS.overload} ms ${pct(acc, 99) < ACCEPTED_P99_MS.overload ? "MET" : "NOT MET"}`);
  line("throughput", `${f1(r.finished / r.elapsedS)} orders/s finished over ${f1(r.elapsedS)} s`);
  const final = await checkFinal(t, r, since);
  line("orders", final.text);
  return final.ok && r.errors === 0;
}
