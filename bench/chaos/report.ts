/** The chaos run's report: every invariant with its counts and examples, then the run in figures. */
import type { ClientStats, OrderOutcome } from "./client.ts";
import { IN_FLIGHT, type Check, type World } from "./invariants.ts";
import type { ChaosOptions } from "./run.ts";

export type ChaosReport = {
  ok: boolean;
  options: ChaosOptions;
  checks: Check[];
  orders: {
    planned: number; accepted: number; gaveUp: number; refused: number; duplicates: number;
    cancels: Record<string, number>; statuses: Record<string, number>;
  };
  customers: { total: number; gaveUp: number };
  /** an order's creation to its final status, from its own timeline (a customer's cancel 20 s on counts) */
  createdToFinalMs: Latency;
  /** an order's creation to its first status out of flight: the saga's own pace, without the later changes customers asked for */
  createdToRestMs: Latency;
  /** the orders slowest to come to rest, with their statuses' times and tries */
  slowest: string[];
  faults: Record<string, number>;
  /** every dead letter, explained or not: by consumer and message type, with a few errors */
  deadLetters: { count: number; byConsumer: Record<string, number>; examples: string[] };
  /** processes started again after a kill (or a death) */
  restarts: number;
  provider: { delayed: number; twice: number; lost: number; lostKeys: number };
  client: { tries: number; retries: Record<string, number>; unexpected: Record<string, number> };
  elapsedS: number;
  /** admin stock adjustments sent, answered 200, and recorded as movements (a retried one may count twice) */
  restocks: { sent: number; answered: number; recorded: number };
};

type Latency = { p50: number; p99: number; max: number; orders: number };

const count = <T>(xs: T[], key: (x: T) => string) => {
  const m: Record<string, number> = {};
  for (const x of xs) m[key(x)] = (m[key(x)] ?? 0) + 1;
  return m;
};
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

/** The report's figures from what the run saw and read. */
export function summarize(r: {
  options: ChaosOptions; checks: Check[]; world: World; results: OrderOutcome[]; stats: ClientStats;
  providerDone: { delayed: number; twice: number; lost: number; lostKeys: string[] }; elapsedS: number; restocks: { sent: number; answered: number; recorded: number };
}): ChaosReport {
  const { results, world } = r;
  const settled = world.orders.filter((o) => !IN_FLIGHT.has(o.status));
  const latency = (ms: number[]): Latency => {
    const xs = ms.sort((a, b) => a - b);
    return { p50: pct(xs, 50), p99: pct(xs, 99), max: xs.at(-1) ?? NaN, orders: xs.length };
  };
  const customers = new Set(results.map((x) => x.plan.customer));
  return {
    ok: r.checks.every((c) => c.ok),
    options: r.options,
    checks: r.checks,
    orders: {
      planned: results.length,
      accepted: results.filter((x) => x.answered.length > 0).length,
      gaveUp: results.filter((x) => x.gaveUp).length,
      refused: results.filter((x) => x.refused !== null && x.answered.length === 0).length,
      duplicates: results.filter((x) => x.plan.duplicate !== "none").length,
      cancels: count(results.filter((x) => x.cancel !== "none"), (x) => x.cancel),
      statuses: count(world.orders, (o) => o.status),
    },
    customers: { total: customers.size, gaveUp: new Set(results.filter((x) => x.gaveUp).map((x) => x.plan.customer)).size },
    createdToFinalMs: latency(settled.map((o) => o.settledAt - o.createdAt)),
    createdToRestMs: latency(settled.map((o) => (o.firstRestAt ?? o.settledAt) - o.createdAt)),
    slowest: settled.map((o) => ({ o, ms: (o.firstRestAt ?? o.settledAt) - o.createdAt })).sort((a, b) => b.ms - a.ms).slice(0, 3)
      .map(({ o, ms }) => `${o.id} at rest after ${ms} ms: ${o.path ?? o.status} (${o.saga ?? ""})`),
    faults: count(world.faults.filter((f) => f.kind !== "restarted"), (f) => f.kind),
    deadLetters: {
      count: world.deadLetters.length,
      byConsumer: count(world.deadLetters, (d) => d.consumer),
      examples: world.deadLetters.slice(0, 3).map((d) => `${d.key ?? "-"}: ${d.error.slice(0, 120)}`),
    },
    restarts: world.faults.filter((f) => f.kind === "restarted").length,
    provider: { delayed: r.providerDone.delayed, twice: r.providerDone.twice, lost: r.providerDone.lost, lostKeys: r.providerDone.lostKeys.length },
    client: { tries: r.stats.tries, retries: Object.fromEntries(r.stats.retries), unexpected: Object.fromEntries(r.stats.unexpected) },
    elapsedS: r.elapsedS,
    restocks: r.restocks,
  };
}

/** Prints the report to stdout. */
export function printReport(r: ChaosReport) {
  const o = r.options;
  const list = (m: Record<string, number>) => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
  console.log(`\nchaos run: ${o.orders} orders at ${o.rate}/s, faults every ${o.faultEvery} s, seed ${o.seed}, ${o.actors} actors, ${o.edges} edges (${r.elapsedS.toFixed(0)} s)`);
  console.log(`\ninvariants`);
  for (const c of r.checks) {
    console.log(`  ${c.ok ? "PASS" : "FAIL"}  ${c.name}: ${c.ok ? `${c.checked} checked` : `${c.failed} of ${c.checked} broken`}`);
    for (const e of c.examples) console.log(`          e.g. ${e}`);
  }
  const line = (label: string, value: string) => console.log(`  ${label.padEnd(18)}${value}`);
  console.log(`\nthe run`);
  line("orders", `${r.orders.planned} planned, ${r.orders.accepted} accepted, ${r.orders.refused} refused, ${r.orders.gaveUp} given up; ${r.orders.duplicates} POSTed twice`);
  line("final statuses", list(r.orders.statuses));
  line("cancels", list(r.orders.cancels));
  const ms = (l: Latency) => `p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms, max ${l.max.toFixed(0)} ms (${l.orders} orders)`;
  line("created -> final", ms(r.createdToFinalMs));
  line("created -> rest", `${ms(r.createdToRestMs)}: to the first status out of flight, before later cancels`);
  for (const e of r.slowest) console.log(`${" ".repeat(20)}e.g. ${e}`);
  line("customers", `${r.customers.total}, of whom ${r.customers.gaveUp} gave up on an order`);
  line("client", `${r.client.tries} requests; retried: ${list(r.client.retries)}; other answers: ${list(r.client.unexpected)}`);
  line("faults", `${list(r.faults)}; ${r.restarts} processes started again`);
  line("dead letters", `${r.deadLetters.count}${r.deadLetters.count ? ` (${list(r.deadLetters.byConsumer)})` : ""}`);
  for (const e of r.deadLetters.examples) console.log(`${" ".repeat(20)}e.g. ${e}`);
  line("provider faults", `${r.provider.delayed} answers late, ${r.provider.twice} requests handled twice, ${r.provider.lost} answers lost (${r.provider.lostKeys} keys)`);
  line("restocks", `${r.restocks.sent} admin stock adjustments sent, ${r.restocks.answered} answered 200, ${r.restocks.recorded} recorded`);
  console.log(`\n${r.ok ? "every invariant held" : `${r.checks.filter((c) => !c.ok).length} invariant(s) broken`}`);
}
