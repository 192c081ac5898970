/**
 * One chaos run: start the shop, set the stock, drive the planned orders at a steady rate
 * while the fault schedule runs, then stop the faults, wait (bounded) for the shop to come
 * to rest, read what it and the providers recorded, and check the invariants.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { orderIdFor } from "../../actors/orders/order-service.ts";
import { orderIdOf } from "../../actors/providers/sim-shared.ts";
import { issueToken } from "../../edge/auth/auth.ts";
import { clientStats, placeOrder, send, type ClientOptions, type OrderOutcome } from "./client.ts";
import { planOrder } from "./customers.ts";
import { faultSchedule, runFaults } from "./faults.ts";
import { checkInvariants, IN_FLIGHT, type FaultEvent, type World } from "./invariants.ts";
import { readWorld } from "./read.ts";
import { printReport, summarize, type ChaosReport } from "./report.ts";
import { startShop, type Shop } from "./shop.ts";

export type ChaosOptions = {
  orders: number;
  /** orders per second */
  rate: number;
  /** seconds between kills of an actors process; the other faults are spaced from it */
  faultEvery: number;
  seed: number;
  /** share of provider idempotency keys whose answers are lost (0 leaves that fault out) */
  lost: number;
  customers: number;
  actors: number;
  edges: number;
  /** seconds to wait for the shop to come to rest after the load */
  quiesceS: number;
  keepLogs: boolean;
};

/** The shop's settings for the run: short steps, so a lost answer and a handling time fit in it. */
const SHOP_ENV = { HANDLING_TIME_MS: "1500", STEP_TIMEOUT_MS: "2000", TIMER_TICK_MS: "200", MAX_ATTEMPTS: "5" };
const SCARCE = 5;

const stamp = (at: number) => new Date(at).toISOString().slice(11, 23);

/** Runs it; resolves to the report (printed as it goes). */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const logDir = mkdtempSync(join(tmpdir(), "saga-chaos-"));
  const events: FaultEvent[] = [];
  const log = (e: FaultEvent) => {
    events.push(e);
    console.error(`[chaos] ${stamp(e.at)} ${e.kind}: ${e.detail}`);
  };
  const say = (s: string) => console.error(`[chaos] ${stamp(Date.now())} ${s}`);
  const providerFaults = { delay: 0.02, delayMs: Number(SHOP_ENV.STEP_TIMEOUT_MS) + 1_000, lost: o.lost, twice: 0.05 };
  let shop: Shop | undefined;
  let failed = true;
  // Ctrl-C mid-run stops the processes and drops the database; a hard exit still kills the processes.
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n[chaos] ${signal}: stopping the shop and dropping its database (logs in ${logDir})`);
    void (shop?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  const killAll = () => shop?.children().forEach((c) => c.proc.kill("SIGKILL"));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", killAll);
  try {
    say(`starting the shop: Kafka mock (3 brokers), Postgres, NATS, provider service, relay, ${o.actors} actors, ${o.edges} edges (logs in ${logDir})`);
    shop = await startShop({ logDir, actors: o.actors, edges: o.edges, partitions: 8, providerFaults, env: SHOP_ENV, note: log });
    log({ at: Date.now(), kind: "provider faults", detail: `for the whole run: ${JSON.stringify(providerFaults)}` });
    const { sql } = shop;

    // Plenty of everything but a few products, which run out (and an admin restocks now and then).
    const catalog = (await sql<{ sku: string }[]>`SELECT sku FROM inventory.stock_totals ORDER BY sku`).map((r) => r.sku);
    const scarce = catalog.slice(0, SCARCE);
    // the scarce ones spread over their warehouses (Berlin holds the most), so orders split and run out
    await sql`UPDATE inventory.stock SET on_hand = CASE WHEN sku = ANY(${scarce}) THEN (CASE warehouse WHEN 'BER' THEN 20 ELSE 10 END) ELSE 1000000 END, reserved = 0`;
    const stockBefore = await sql<{ sku: string; onHand: number; reserved: number }[]>`SELECT sku, on_hand AS "onHand", reserved FROM inventory.stock_totals`;

    const plans = Array.from({ length: o.orders }, (_, i) => planOrder(o, { skus: catalog.slice(SCARCE), scarce }, i));
    const tokens = new Map<string, string>();
    for (const p of plans) if (!tokens.has(p.customer)) tokens.set(p.customer, await issueToken(shop.secret, { sub: p.customer, role: "customer" }, 6 * 3600));
    const admin = await issueToken(shop.secret, { sub: "chaos-admin", role: "admin", name: "Chaos admin" }, 6 * 3600);
    const client: ClientOptions = {
      bases: shop.bases, tokenOf: (c) => (c === "chaos-admin" ? admin : tokens.get(c)!), giveUpMs: 60_000, requestTimeoutMs: 10_000,
      address: { name: "Chaos Customer", line1: "1 Fault Line", city: "Entropy", country: "US" },
    };
    const stats = clientStats();

    const durationMs = (1000 * o.orders) / o.rate;
    const schedule = faultSchedule({ seed: o.seed, durationMs, everyMs: o.faultEvery * 1000, actors: o.actors, edges: o.edges, brokers: 3 });
    say(`${o.orders} orders at ${o.rate}/s from ${tokens.size} customers over ${o.edges} edges; ${schedule.length} faults over ${(durationMs / 1000).toFixed(0)} s (seed ${o.seed})`);
    const faults = runFaults(schedule, shop.targets, log);

    // The load: open loop, each order on its own schedule whatever the others are doing.
    const t0 = Date.now();
    const outcomes: Promise<OrderOutcome>[] = [];
    let done = 0;
    const restocks = { sent: 0, answered: 0 };
    const restocking: Promise<void>[] = [];
    const progress = setInterval(() => say(`sent ${outcomes.length}, customers done with ${done}, tries ${stats.tries} (retries: ${[...stats.retries].map(([k, v]) => `${k} ${v}`).join(", ") || "none"})`), 5_000);
    const restock = setInterval(() => {
      const n = restocks.sent++;
      restocking.push(send(client, stats, n, `/api/admin/products/${scarce[n % scarce.length]}/stock`, "chaos-admin", `restock-${n}`, { delta: 10, reason: "chaos restock", warehouse: "BER" }, Date.now() + 30_000)
        .then((a) => void (a?.status === 200 && restocks.answered++)));
    }, 10_000);
    for (const p of plans) {
      const due = t0 + (p.index * 1000) / o.rate;
      if (due > Date.now()) await Bun.sleep(due - Date.now());
      outcomes.push(placeOrder(client, stats, p).finally(() => done++));
    }
    clearInterval(restock);
    say(`every order sent after ${((Date.now() - t0) / 1000).toFixed(1)} s; waiting for the customers to finish`);
    const results = await Promise.all(outcomes);
    await Promise.all(restocking);
    clearInterval(progress);
    await faults.stop();
    say(`faults stopped; waiting for every process to be back and the shop to come to rest (at most ${o.quiesceS} s)`);
    const rest = await quiesce(shop, o.quiesceS * 1000);
    say(rest === null ? "the shop is at rest" : `the shop did not come to rest: ${rest}`);

    const providerDone = (await shop.providerFaults()).done;
    const world: World = {
      ...(await readWorld(shop, stockBefore)),
      faultedOrders: providerDone.lostKeys.map(orderIdOf).filter((id): id is string => id !== undefined),
      sent: results.map((r) => ({ key: r.plan.key, orderId: orderIdFor(r.plan.customer, r.plan.key), answered: r.answered })),
      faults: events,
      requests: { sent: stats.tries, hung: stats.hung },
      deaths: [...shop.deaths, ...shop.missing().map((name) => ({ name, at: Date.now(), code: null, signal: "not running at the end" }))],
      explainMs: 60_000,
    };
    const checks = checkInvariants(world);
    const [recorded] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM inventory.movements WHERE ref = 'admin'`;
    const report = summarize({ options: o, checks, world, results, stats, providerDone, elapsedS: (Date.now() - t0) / 1000, restocks: { ...restocks, recorded: recorded?.n ?? NaN } });
    printReport(report);
    failed = !report.ok;
    return report;
  } finally {
    await shop?.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", killAll);
    if (failed || o.keepLogs) console.error(`[chaos] process logs kept in ${logDir}`);
    else rmSync(logDir, { recursive: true, force: true });
  }
}

/** Waits until every process is up, no order is in flight and the outbox is empty, for 3 s running; null then, else why not. */
async function quiesce(shop: Shop, ms: number): Promise<string | null> {
  const end = Date.now() + ms;
  let quiet = 0;
  let why = "";
  while (Date.now() < end) {
    const [row] = await shop.sql<{ busy: number; pending: number }[]>`
      SELECT (SELECT count(*)::int FROM ordering.orders WHERE status = ANY(${[...IN_FLIGHT]})) AS busy,
             (SELECT count(*)::int FROM runtime.outbox) AS pending`;
    const { busy, pending } = row ?? { busy: NaN, pending: NaN };
    const down = shop.missing();
    why = `${busy} orders in flight, ${pending} outbox rows unpublished${down.length ? `, ${down.join(", ")} down` : ""}`;
    quiet = busy === 0 && pending === 0 && down.length === 0 ? quiet + 1 : 0;
    if (quiet >= 3) return null;
    await Bun.sleep(1_000);
  }
  return why;
}
