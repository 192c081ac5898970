/**
 * The composition root: picks the engines (PGlite or Postgres, the in-database log or
 * Kafka, in-process pub/sub or NATS), wires them and the providers to the actors, and
 * starts the roles this process plays: edge (commands and queries), actors (consumers
 * and timers), relay (outbox to log). The embedded default plays them all.
 */
import { count, eq, sql } from "drizzle-orm";
import { openDatabase, type Database, type DbHooks } from "../../db/client.ts";
import { outbox } from "../../db/schema.ts";
import { seedCatalog } from "../../db/seed.ts";
import { Accounts } from "../accounts/accounts.ts";
import { Carts } from "../cart/cart.ts";
import { Catalog } from "../catalog/catalog.ts";
import { Currencies } from "../money/currency.ts";
import { Search } from "../catalog/search.ts";
import { publishStock } from "../catalog/stock-live.ts";
import { DeadLetters } from "../ops/dead-letters.ts";
import { commandHealth } from "../ops/health.ts";
import type { Envelope } from "../contracts/index.ts";
import { inventoryActor, skusOf, type InventoryState, type Stock } from "../inventory.ts";
import { orderActor, type OrderInput } from "../order.ts";
import { OrderService } from "../orders/order-service.ts";
import type { OrderState } from "../order-state.ts";
import { paymentActor, type PaymentState } from "../payment.ts";
import { projectorActor, type OrderView } from "../projector.ts";
import { providerCaller } from "../providers/caller.ts";
import { httpProviders } from "../providers/http.ts";
import { paymentSimulator } from "../providers/payment-sim.ts";
import type { PaymentProvider, ProviderCall, ShippingProvider } from "../providers/ports.ts";
import { shippingSimulator } from "../providers/shipping-sim.ts";
import { shippingActor, type ShippingState } from "../shipping.ts";
import type { Bus, Consumer } from "../runtime/bus.ts";
import { EmbeddedBus } from "../runtime/adapters/embedded-bus.ts";
import { KafkaBus } from "../runtime/adapters/kafka-bus.ts";
import { natsPubSub } from "../runtime/adapters/nats-pubsub.ts";
import { log } from "../runtime/log.ts";
import { memoryCache, upstashCache, type Cache } from "../runtime/cache.ts";
import { metered, registry, shopMetrics, type Registry, type ShopMetrics } from "../runtime/metrics.ts";
import { memoryPubSub, subjects, type PubSub } from "../runtime/pubsub.ts";
import { startRelay, type Relay } from "../runtime/relay.ts";
import { coalesced } from "../runtime/signal.ts";
import { ActorGroup } from "../runtime/actor-group.ts";
import { Runner, type RunnerDeps } from "../runtime/runner.ts";
import { actorStateStore, orderStore, stockResources, viewStore } from "../runtime/stores.ts";
import { startTimers } from "../runtime/timers.ts";
import { outboxUpkeep, startUpkeep, statisticsUpkeep, timersUpkeep } from "../runtime/upkeep.ts";

export type Role = "edge" | "actors" | "relay";
/** the consumer group every actors process joins */
export const GROUP = "actors";
/** where writers tell relays in other processes that the outbox has new rows */
const OUTBOX_CHANNEL = "outbox";
export const ROLES: readonly Role[] = ["edge", "actors", "relay"];

export type Config = {
  /** what this process does; the embedded default does everything */
  roles: readonly Role[];
  /** Postgres connection URL; when unset the shop runs on PGlite */
  databaseUrl?: string;
  /** Postgres connections per process (5 processes x 10 stay under Postgres's default 100) */
  poolSize?: number;
  /** Kafka bootstrap brokers; when unset the log lives in the database */
  kafkaBrokers?: string[];
  /** Kafka consumer group session timeout */
  kafkaSessionTimeoutMs?: number;
  /** NATS server; when unset live updates stay in this process */
  natsUrl?: string;
  /** the card processor and carrier as an HTTP service; the in-process simulators when unset */
  providersUrl?: string;
  /** Upstash Redis REST endpoint for the shared cache and counters; in memory when unset */
  upstash?: { url: string; token: string; prefix?: string };
  /** commands are refused (503) while the oldest unpublished event is older than this */
  maxOutboxAgeMs: number;
  /** PGlite data directory; undefined keeps everything in memory (tests) */
  dataDir: string | undefined;
  partitions: number;
  /**
   * consumer lanes per process; each takes every pending message of its partitions as one
   * batch (unset: 1 on Kafka, whose lanes let keys past a slow batch anyway; 2 embedded, so one
   * slow batch does not hold up every partition)
   */
  lanes?: number;
  /** how long consumers and the relay let messages gather before a batch (group commit; unset: 10 ms on Kafka, 5 embedded) */
  lingerMs?: number;
  reservationTtlMs: number;
  handlingMs: number;
  stepTimeoutMs: number;
  maxAttempts: number;
  timerTickMs: number;
  seed: boolean;
};

export const defaults: Config = {
  roles: ROLES,
  maxOutboxAgeMs: 5_000,
  dataDir: "./.data/pg",
  partitions: 8,
  reservationTtlMs: 15 * 60_000,
  handlingMs: 15_000,
  stepTimeoutMs: 10_000,
  maxAttempts: 5,
  timerTickMs: 500,
  seed: true,
};

export type System = {
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
  catalog: Catalog;
  /** full-text catalog search with facets and typo correction */
  search: Search;
  /** guests' and customers' carts */
  carts: Carts;
  currencies: Currencies;
  /** customer and admin accounts, passwords and refresh-token sessions */
  accounts: Accounts;
  deadLetters: DeadLetters;
  /** can this shop take commands right now (database up, log keeping up) */
  health: ReturnType<typeof commandHealth>;
  /** null when this process is not a relay */
  relay: Relay | null;
  stop(): Promise<void>;
};

export type Providers = { payment: PaymentProvider; shipping: ShippingProvider };

/** Start the roles of `config` on the engines it names. */
export async function startSystem(overrides: Partial<Config> = {}, providers?: Providers, hooks: DbHooks = {}): Promise<System> {
  const given = { ...defaults, ...overrides };
  const config = { ...given, lanes: given.lanes ?? (given.kafkaBrokers ? 1 : 2), lingerMs: given.lingerMs ?? (given.kafkaBrokers ? 10 : 5) };
  const plays = (r: Role) => config.roles.includes(r);
  if (!config.kafkaBrokers && ROLES.some((r) => !plays(r))) {
    throw new Error("the in-database log needs every role in one process: set KAFKA_BROKERS to split roles");
  }
  const database = await openDatabase(config, hooks);
  const db = database.db;
  if (config.seed) await seedCatalog(db);
  const cache = config.upstash ? upstashCache(config.upstash.url, config.upstash.token, { prefix: config.upstash.prefix }) : memoryCache();
  const search = new Search(db, cache);
  await search.refreshTerms(); // the typo-correction vocabulary follows the products
  const bus: Bus = config.kafkaBrokers
    ? await KafkaBus.open({
      brokers: config.kafkaBrokers, partitions: config.partitions, sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      lanes: config.lanes, lingerMs: config.lingerMs,
    })
    : await EmbeddedBus.open(db, { partitions: config.partitions, lanes: config.lanes, lingerMs: config.lingerMs });
  const pubsub = config.natsUrl ? await natsPubSub(config.natsUrl) : memoryPubSub();
  const catalog = new Catalog(db, cache, (skus) => publishStock(db, pubsub, skus));
  // On Postgres any number of relays may run: they take turns per slot of keys.
  const relay = plays("relay") ? startRelay(database.sql, bus, { lingerMs: config.lingerMs, shared: database.kind === "postgres" }) : null;
  // Relays in other processes hear of new outbox rows through a NOTIFY sent after the
  // commit, at most one per process every few milliseconds; a relay here is woken directly.
  const unlisten = relay && config.kafkaBrokers ? await database.listen(OUTBOX_CHANNEL, () => relay.wake()) : null;
  const tellRelays = config.kafkaBrokers
    ? coalesced(() => database.notify(OUTBOX_CHANNEL), 2, (err) => log.warn("outbox wake-up failed", { error: err }))
    : () => {};
  const outboxWritten = () => {
    relay?.wake();
    tellRelays();
  };
  const timers = plays("actors") ? startTimers(database.sql, { tickMs: config.timerTickMs, now: () => new Date(), onOutbox: outboxWritten }) : null;
  // The relay keeps the outbox small, the timer sweeper the timers, and the actors keep the
  // statistics of what they write fresh (see upkeep.ts).
  const upkeep = [
    ...(relay ? [startUpkeep(database.sql, outboxUpkeep)] : []),
    ...(timers ? [startUpkeep(database.sql, timersUpkeep), startUpkeep(database.sql, statisticsUpkeep, 10_000)] : []),
  ];
  const p = providers ?? (config.providersUrl ? httpProviders(config.providersUrl) : { payment: paymentSimulator(), shipping: shippingSimulator() });
  const metrics = registry();
  const m = shopMetrics(metrics);
  const deps: RunnerDeps<ProviderCall> = {
    sql: database.sql, call: providerCaller(p, config.stepTimeoutMs), now: () => new Date(),
    maxAttempts: config.maxAttempts, onOutbox: outboxWritten, onTimer: (at) => timers?.schedule(at), metrics: m,
  };
  const asEvent = (env: Envelope) => env;
  const order = new Runner({
    actor: orderActor(config), store: orderStore, input: (env): OrderInput => ({ kind: "event", env }),
  }, deps);
  const runners = [
    order,
    new Runner<InventoryState, Envelope, Stock, unknown>({
      actor: inventoryActor, store: actorStateStore("inventory"), input: asEvent,
      resources: { ...stockResources, ids: skusOf },
      afterResources: (skus) => void catalog.invalidate(skus)
        .catch((err) => console.error(JSON.stringify({ level: "warn", msg: "cache invalidation failed", error: String(err) })))
        // live stock on product pages, after the invalidation: a page that loads too late
        // for this message reads the new figure instead (best effort, like all live updates)
        .then(() => publishStock(db, pubsub, skus))
        .catch((err) => log.warn("stock fan-out failed", { error: err })),
    }, deps),
    new Runner({ actor: paymentActor, store: actorStateStore<PaymentState>("payment"), input: asEvent }, deps),
    new Runner({ actor: shippingActor, store: actorStateStore<ShippingState>("shipping"), input: asEvent }, deps),
    new Runner<OrderView, Envelope, undefined, unknown>({
      actor: projectorActor, store: viewStore, input: asEvent,
      afterCommit(changed) {
        for (const [id, view] of changed) {
          pubsub.publish(subjects.order(id), view);
          pubsub.publish(subjects.allOrders, view);
        }
      },
    }, deps),
  ];
  // Every kind of this process reads the log as one consumer group: a message is fetched
  // and parsed once, and a batch commits every kind's share in one transaction.
  const group = new ActorGroup(runners, deps);
  const consumers: Consumer[] = plays("actors")
    ? [await bus.consume(GROUP, group.topics, metered(m, GROUP, (b) => group.handleBatch(b)))]
    : [];
  if (plays("actors")) {
    m.consumerLag.collect(async () => (await bus.lag(GROUP, group.topics))
      .map((l) => ({ labels: { group: GROUP, topic: l.topic, partition: l.partition }, value: l.lag })));
    m.mailboxDepth.collect(() => [{ labels: { group: GROUP }, value: consumers.reduce((n, c) => n + c.depth(), 0) }]);
  }
  m.outboxBacklog.collect(async () => (await db.select({ n: count() }).from(outbox).where(eq(outbox.status, "PENDING")))[0]?.n ?? 0);
  const probes: Record<string, () => Promise<void>> = {
    database: async () => void (await db.execute(sql`select 1`)),
    log: async () => void (await bus.lag(GROUP, ["order.events"])),
  };
  const currencies = new Currencies(db, cache);
  let stopped = false;
  return {
    config, database, bus, pubsub, cache, relay, catalog, search, metrics, probes, meters: m,
    orders: new OrderService(db, database.sql, order, currencies),
    carts: new Carts(db),
    currencies,
    accounts: new Accounts(db),
    deadLetters: new DeadLetters(db, outboxWritten),
    health: commandHealth(database.sql, { maxOutboxAgeMs: config.maxOutboxAgeMs }),
    /** Drain: finish the batches in hand, commit their offsets, then close everything. */
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(upkeep.map((u) => u.stop()));
      await timers?.stop();
      await Promise.all(consumers.map((c) => c.stop()));
      await unlisten?.().catch(() => undefined);
      await relay?.stop();
      await bus.close().catch(() => undefined);
      await pubsub.close?.();
      await database.close();
    },
  };
}
