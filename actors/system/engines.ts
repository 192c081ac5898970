/**
 * The engines a process runs on, picked by the configuration: PGlite or Postgres, the
 * in-database log or Kafka, in-process pub/sub or NATS, a cache in memory or in Redis -
 * and the background loops that belong to the roles it plays: the relay (outbox to log),
 * the timer sweeper, and the upkeep of the queue tables.
 */
import { openDatabase, type Database, type DbHooks } from "../../db/client.ts";
import { seedCatalog } from "../../db/seed.ts";
import { firedTimer, KIND_TABLES } from "../kinds.ts";
import type { Bus } from "../runtime/bus.ts";
import { EmbeddedBus } from "../runtime/adapters/embedded-bus.ts";
import { KafkaBus } from "../runtime/adapters/kafka-bus.ts";
import { natsPubSub } from "../runtime/adapters/nats-pubsub.ts";
import { memoryCache, type Cache } from "../runtime/cache.ts";
import { upstashCache } from "../runtime/adapters/upstash-cache.ts";
import { log } from "../runtime/log.ts";
import { memoryPubSub, type PubSub } from "../runtime/pubsub.ts";
import { startRelay, type Relay, type RelayMeters } from "../runtime/relay.ts";
import { coalesced } from "../runtime/signal.ts";
import { startTimers, type Timers } from "../runtime/timers.ts";
import { startStep } from "../runtime/startup.ts";
import { checkpointUpkeep, outboxUpkeep, RUNTIME_TABLES, startUpkeep, statisticsUpkeep, timersUpkeep } from "../runtime/upkeep.ts";
import { deadLettersUpkeep, processedUpkeep } from "../runtime/retention.ts";
import { trimLog } from "../runtime/adapters/embedded-log-trim.ts";
import { endedTokensUpkeep } from "../accounts/refresh-tokens.ts";
import { endedLinksUpkeep } from "../accounts/link-tokens.ts";
import { signInsUpkeep } from "../accounts/customers.ts";
import { booksUpkeep } from "../providers/books.ts";
import { resolvedAlertsUpkeep } from "../ops/alerts.ts";
import type { Sql } from "../../db/sql.ts";
import { mailboxPort, messagesUpkeep, smsSimulator } from "../notify/delivery.ts";
import { smtpPort } from "../notify/smtp.ts";
import { startDelivery, type DeliveryWorker } from "../notify/worker.ts";
import { publishMailChanges } from "../notify/mail-live.ts";
import { databaseName, type Config, type Role } from "./config.ts";

/** sends of one message before it is marked failed (by default 5 s, 10 s, 20 s, 40 s apart) */
const DELIVERY_ATTEMPTS = 5;

/** where writers tell relays in other processes that the outbox has new rows */
const OUTBOX_CHANNEL = "outbox";
/** where relays tell dozing Kafka consumers in other processes that records were published */
const LOG_CHANNEL = "log_published";

export type Engines = {
  database: Database;
  bus: Bus;
  pubsub: PubSub;
  cache: Cache;
  /** null when this process is not a relay */
  relay: Relay | null;
  /** null when this process plays no actors */
  timers: Timers | null;
  /** the notifier's delivery worker; null when this process plays no actors */
  delivery: DeliveryWorker | null;
  /** tell the relays (here and elsewhere) that the outbox has new rows */
  outboxWritten(): void;
  /** stop the timer sweeper and the upkeep (before the consumers stop) */
  stopLoops(): Promise<void>;
  /** stop the relay and close the engines (after the consumers stopped) */
  close(): Promise<void>;
};

/** Open the engines `config` names and start the loops of the roles it plays. */
export async function openEngines(config: Config & { lanes: number; lingerMs: number }, hooks: DbHooks, meters?: RelayMeters): Promise<Engines> {
  const plays = (r: Role) => config.roles.includes(r);
  // A process may start before its database, broker or NATS, or while one restarts or drops
  // connections: each step waits for what it needs (startup.ts).
  const pg = databaseName(config);
  const database = await startStep("opening the database", pg, () => openDatabase(config, hooks));
  if (config.seed) await startStep("seeding the catalog", pg, () => seedCatalog(database.db));
  const cache = config.upstash ? upstashCache(config.upstash.url, config.upstash.token, { prefix: config.upstash.prefix }) : memoryCache();
  const kafka = config.kafkaBrokers;
  // A relay's publish wakes the consumers that doze for quiet (kafka-doze.ts) in every process.
  const published = kafka && plays("relay")
    ? coalesced(() => database.notify(LOG_CHANNEL), 1, (err) => log.warn("log wake-up failed", { error: err }))
    : undefined;
  const bus: Bus = kafka
    ? await startStep("opening the log", "kafka", () => KafkaBus.open({
      brokers: kafka, partitions: config.partitions, sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      lanes: config.lanes, lingerMs: config.lingerMs, memberFile: config.kafkaMemberFile, published,
    }))
    : await startStep("opening the log", pg, () => EmbeddedBus.open(database.db, { partitions: config.partitions, lanes: config.lanes, lingerMs: config.lingerMs }));
  const nats = config.natsUrl;
  const pubsub = nats ? await startStep("connecting to NATS", "nats", () => natsPubSub(nats)) : memoryPubSub();
  // On Postgres any number of relays may run: they take turns per slot of keys.
  const relay = plays("relay") ? startRelay(database.sql, bus, { lingerMs: config.lingerMs, shared: database.kind === "postgres", meters }) : null;
  // Relays in other processes hear of new outbox rows through a NOTIFY sent after the
  // commit, at most one per process every few milliseconds; a relay here is woken directly.
  const unlisten = relay && config.kafkaBrokers
    ? await startStep("listening for outbox writes", pg, () => database.listen(OUTBOX_CHANNEL, () => relay.wake()))
    : null;
  const unlistenLog = bus instanceof KafkaBus && plays("actors")
    ? await startStep("listening for published records", pg, () => database.listen(LOG_CHANNEL, () => bus.wake()))
    : null;
  const tellRelays = config.kafkaBrokers
    ? coalesced(() => database.notify(OUTBOX_CHANNEL), 2, (err) => log.warn("outbox wake-up failed", { error: err }))
    : () => {};
  const outboxWritten = () => {
    relay?.wake();
    tellRelays();
  };
  const timers = plays("actors")
    ? startTimers(database.sql, { tickMs: config.timerTickMs, now: () => new Date(), onOutbox: outboxWritten, fired: firedTimer })
    : null;
  // The notifier's messages go out from the process that queues them (woken by the kind's
  // hook, and every few seconds for retries); email goes over SMTP when SMTP_URL is set, and
  // otherwise lands in the in-database mailbox. Either way the row stays for /admin/mail.
  const delivery = plays("actors")
    ? startDelivery(database.sql, {
      email: config.smtpUrl ? smtpPort({ url: config.smtpUrl, from: config.mailFrom }) : mailboxPort, sms: smsSimulator(),
    }, {
      publicUrl: config.publicUrl, maxAttempts: DELIVERY_ATTEMPTS, batch: 100, ...config.delivery,
      // each status written goes out to the open /admin/mail lists and order pages (after its own commit)
      changed: (about) => publishMailChanges(pubsub, about),
    })
    : null;
  if (delivery) {
    if (config.smtpUrl) log.info("email goes out over SMTP", { server: new URL(config.smtpUrl).host, from: config.mailFrom });
    else log.info("email stays in the in-database mailbox (/admin/mail): SMTP_URL is not set");
  }
  // The relay keeps the outbox small, the timer sweeper the timers, and the actors keep the
  // statistics of what they write fresh (see upkeep.ts). What has served its purpose goes
  // after its retention (README: "Tables that stay bounded").
  const upkeep = [
    // every 5 s: each claim's probes read the index entries the deletes left until a vacuum
    ...(relay ? [startUpkeep(database.sql, outboxUpkeep, 5_000)] : []),
    ...(timers ? [
      startUpkeep(database.sql, timersUpkeep),
      startUpkeep(database.sql, statisticsUpkeep([...RUNTIME_TABLES, ...KIND_TABLES]), 10_000),
      ...retentionUpkeep(database.sql, bus, config),
    ] : []),
    ...(plays("edge") ? [startUpkeep(database.sql, endedTokensUpkeep(config.retention.sessionsMs))] : []),
    ...(plays("edge") ? [startUpkeep(database.sql, endedLinksUpkeep(config.retention.sessionsMs))] : []),
    ...(plays("edge") ? [startUpkeep(database.sql, signInsUpkeep(config.retention.signInsMs))] : []),
    ...(database.kind === "postgres" ? [] : [startUpkeep(database.sql, checkpointUpkeep, 60_000)]),
  ];
  return {
    database, bus, pubsub, cache, relay, timers, delivery, outboxWritten,
    async stopLoops() {
      await Promise.all(upkeep.map((u) => u.stop()));
      await delivery?.stop();
      await timers?.stop();
    },
    async close() {
      await unlisten?.().catch(() => undefined);
      await unlistenLog?.().catch(() => undefined);
      await relay?.stop();
      await bus.close().catch(() => undefined);
      await pubsub.close?.();
      await database.close();
    },
  };
}

/**
 * The purges an actors process runs: processed marks past the dedupe window, resolved dead
 * letters and alerts, sent or failed messages, the embedded log below what every group read, and the in-process simulators' books.
 */
function retentionUpkeep(sql: Sql, bus: Bus, config: Config): { stop(): Promise<void> }[] {
  const r = config.retention;
  return [
    startUpkeep(sql, processedUpkeep(r.dedupeMs)),
    startUpkeep(sql, deadLettersUpkeep(r.deadLettersMs)),
    startUpkeep(sql, resolvedAlertsUpkeep(r.alertsMs)),
    startUpkeep(sql, messagesUpkeep(r.messagesMs)),
    ...(bus instanceof EmbeddedBus ? [startUpkeep(sql, (db) => trimLog(db, bus.positions(), r.logMs))] : []),
    ...(config.providersUrl ? [] : [startUpkeep(sql, booksUpkeep(r.providerKeysMs))]),
  ];
}
