/**
 * The composition root: opens the engines the configuration names (engines.ts), binds the
 * actor kinds to them (actors.ts), puts the services on top (services.ts), and starts the
 * roles this process plays: edge (commands and queries), actors (consumers and timers),
 * relay (outbox to log). The embedded default plays them all.
 */
import { count, eq, sql } from "drizzle-orm";
import type { Database, DbHooks } from "../../db/client.ts";
import { outbox } from "../../db/schema.ts";
import { OrderService } from "../orders/order-service.ts";
import { httpProviders } from "../providers/http.ts";
import { sqlBooks } from "../providers/books.ts";
import { paymentSimulator } from "../providers/payment-sim.ts";
import { shippingSimulator } from "../providers/shipping-sim.ts";
import type { Bus } from "../runtime/bus.ts";
import type { Cache } from "../runtime/cache.ts";
import { registry, shopMetrics, type Registry, type ShopMetrics } from "../runtime/metrics.ts";
import type { PubSub } from "../runtime/pubsub.ts";
import type { Relay } from "../runtime/relay.ts";
import { GROUP, startActors, type Providers } from "./actors.ts";
import { defaults, ROLES, type Config, type Role } from "./config.ts";
import { openEngines } from "./engines.ts";
import { rateSourceOf, startRateFeed } from "../money/rate-source.ts";
import { kindHooks, openServices, type Services } from "./services.ts";

export type { Config, Providers };

export type System = Services & {
  config: Config;
  database: Database;
  bus: Bus;
  pubsub: PubSub;
  cache: Cache;
  metrics: Registry;
  /** the shop's metrics in `metrics` */
  meters: ShopMetrics;
  /** readiness probes, one per dependency */
  probes: Record<string, () => Promise<void>>;
  orders: OrderService;
  /** null when this process is not a relay */
  relay: Relay | null;
  stop(): Promise<void>;
};

/** Start the roles of `config` on the engines it names. */
export async function startSystem(overrides: Partial<Config> = {}, providers?: Providers, hooks: DbHooks = {}): Promise<System> {
  const given = { ...defaults, ...overrides };
  const config = { ...given, lanes: given.lanes ?? (given.kafkaBrokers ? 1 : 2), lingerMs: given.lingerMs ?? (given.kafkaBrokers ? 10 : 5) };
  if (!config.kafkaBrokers && ROLES.some((r: Role) => !config.roles.includes(r))) {
    throw new Error("the in-database log needs every role in one process: set KAFKA_BROKERS to split roles");
  }
  const metrics = registry();
  const meters = shopMetrics(metrics);
  const e = await openEngines(config, hooks, meters);
  const services = await openServices(config, e);
  // Without real providers the simulators keep their books in the shop's database: like a
  // real processor's, they outlive a crash of the shop.
  const p = providers ?? (config.providersUrl ? httpProviders(config.providersUrl) : {
    payment: paymentSimulator({ books: sqlBooks(e.database.sql, "payment") }),
    shipping: shippingSimulator({ books: sqlBooks(e.database.sql, "shipping") }),
  });
  const actors = await startActors(config, e, p, meters, kindHooks(e, services));
  const { db } = e.database;
  meters.outboxBacklog.collect(async () => (await db.select({ n: count() }).from(outbox))[0]?.n ?? 0);
  // the notifier's SLA (critical < 1 min, high < 5 min), over the messages queued in the last hour
  metrics.gauge("saga_notify_sent_seconds", "Queued-to-sent time of messages queued in the last hour, by priority and quantile", ["priority", "quantile"])
    .collect(async () => (await services.mailbox.sla()).flatMap((f) => [
      ...(f.p50Ms === null ? [] : [{ labels: { priority: f.priority, quantile: "0.5" }, value: f.p50Ms / 1000 }]),
      ...(f.p99Ms === null ? [] : [{ labels: { priority: f.priority, quantile: "0.99" }, value: f.p99Ms / 1000 }]),
    ]));
  metrics.gauge("saga_notify_sla_missed", "Messages queued in the last hour that missed their priority's target (sent late or still not sent)", ["priority"])
    .collect(async () => (await services.mailbox.sla()).map((f) => ({ labels: { priority: f.priority }, value: f.missed })));
  // The rate source is read by the actors role (one reader per process; unchanged rates write nothing).
  const rateSource = config.roles.includes("actors") ? rateSourceOf(config) : null;
  const stopRates = rateSource ? startRateFeed(rateSource, services.currencies, config.ratesEveryMs) : async () => {};
  let stopped = false;
  return {
    ...services,
    config, database: e.database, bus: e.bus, pubsub: e.pubsub, cache: e.cache, relay: e.relay, metrics, meters,
    probes: {
      database: async () => void (await db.execute(sql`select 1`)),
      log: async () => void (await e.bus.lag(GROUP, ["order.events"])),
    },
    orders: new OrderService(db, e.database.sql, actors.order, services.currencies),
    /** Drain: finish the batches in hand, commit their offsets, then close everything. */
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopRates();
      await e.stopLoops();
      await actors.stop();
      await e.close();
    },
  };
}
