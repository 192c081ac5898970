/**
 * Everything the shop can be told: the system's configuration, its defaults, and the one
 * reader of the process environment (every variable the shop reads is read here).
 */
export type Role = "edge" | "actors" | "relay";
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
  /** Kafka consumer group session timeout (6 s when unset: Kafka's floor) */
  kafkaSessionTimeoutMs?: number;
  /** where an actors process keeps its Kafka member id, so its next start leaves the group for it at once */
  kafkaMemberFile?: string;
  /** NATS server; when unset live updates stay in this process */
  natsUrl?: string;
  /** the card processor and carrier as an HTTP service; the in-process simulators when unset */
  providersUrl?: string;
  /** Upstash Redis REST endpoint for the shared cache and counters; in memory when unset */
  upstash?: { url: string; token: string; prefix?: string };
  /** commands are refused (503) while the oldest unpublished event is older than this */
  maxOutboxAgeMs: number;
  /**
   * how long an edge lets a command wait (edge/http/admission.ts): commands served at once,
   * the wait for a turn beyond that, and the deadline of one served; past either, a 503
   */
  commands: { maxInFlight: number; queueMs: number; deadlineMs: number };
  /**
   * early shedding of new orders (edge/http/admission.ts): some are shed once the orders an
   * edge has in work (at least `minInWork` of them) are `targetMs / 2` late, all at
   * `targetMs` (0: never); measured every `everyMs`, an order watched for `horizonMs` at most
   */
  orderShedding: { targetMs: number; minInWork: number; everyMs: number; horizonMs: number };
  /** PGlite data directory; undefined keeps everything in memory (tests) */
  dataDir: string | undefined;
  partitions: number;
  /**
   * consumer lanes per process; each takes every pending message of its partitions as one
   * batch, and lets free keys past a slow batch (unset: 1 on Kafka; 2 embedded, whose reads
   * and commits a lane does one at a time)
   */
  lanes?: number;
  /** how long consumers and the relay let messages gather before a batch (group commit; unset: 10 ms on Kafka, 5 embedded) */
  lingerMs?: number;
  reservationTtlMs: number;
  handlingMs: number;
  /** an order left this long in CREATED or INVENTORY_RESERVED, or paid this long past its handling time, is flagged stalled */
  stallAfterMs: number;
  /** a refund left pending this long is flagged stalled */
  refundStallAfterMs: number;
  stepTimeoutMs: number;
  maxAttempts: number;
  timerTickMs: number;
  seed: boolean;
  /** exchange rates fetched from this URL as {"base":"USD","rates":{"EUR":"0.92",...}} (actors/money/rate-source.ts) */
  ratesUrl?: string;
  /** exchange rates read from this file, same shape, when no URL is set (offline use) */
  ratesFile?: string;
  /** how often the rate source is read (an hour: rates are cached that long) */
  ratesEveryMs: number;
  /** how long what has served its purpose is kept before the upkeep purges it (see Retention below) */
  retention: Retention;
  /** the shop's address as customers reach it, for the links in its emails and texts */
  publicUrl: string;
  /** the SMTP server email goes out through (smtp:// or smtps://, credentials in the URL); unset: the in-database mailbox */
  smtpUrl?: string;
  /** the From of the shop's email */
  mailFrom: string;
  /** the delivery worker: the first retry of a message after this (doubling), a sweep for due retries this often */
  delivery: { firstBackoffMs: number; tickMs: number };
};

export const defaults: Config = {
  roles: ROLES,
  maxOutboxAgeMs: 5_000,
  commands: { maxInFlight: 128, queueMs: 2_000, deadlineMs: 8_000 },
  orderShedding: { targetMs: 1_000, minInWork: 8, everyMs: 100, horizonMs: 30_000 },
  dataDir: "./.data/pg",
  partitions: 8,
  reservationTtlMs: 15 * 60_000,
  handlingMs: 15_000,
  stallAfterMs: 2 * 60_000,
  refundStallAfterMs: 5 * 60_000,
  stepTimeoutMs: 10_000,
  maxAttempts: 5,
  timerTickMs: 500,
  seed: true,
  ratesEveryMs: 3600_000,
  retention: defaultRetention(),
  publicUrl: "http://localhost:3000",
  mailFrom: "saga-shop <shop@localhost>",
  delivery: { firstBackoffMs: 5_000, tickMs: 2_000 },
};

/** What a process is told besides the system's configuration: its HTTP side and first administrator. */
export type ProcessConfig = {
  system: Config;
  /** HTTP port of the edge */
  port: number;
  /** ops port (/metrics, /healthz, /readyz) of any process, edges too; off when unset */
  metricsPort?: number;
  /** behind our own proxy: believe X-Forwarded-For and -Proto */
  trustProxy: boolean;
  /** the token signing secret; generated beside the data when unset */
  jwtSecret?: string;
  /** the first administrator, created when there is none */
  admin: { email?: string; password?: string };
};

const num = (v: string | undefined, fallback: number) => {
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`expected a non-negative number, got "${v}"`);
  return n;
};

/** What a start step names when it waits for the database. */
export const databaseName = (c: Pick<Config, "databaseUrl">) => (c.databaseUrl ? "postgres" : "the embedded database");

/** DATABASE_URL, if set, as a postgres:// URL; anything else is a configuration error. */
function postgresUrl(v: string | undefined): string | undefined {
  if (!v) return undefined;
  if (!URL.canParse(v) || !/^postgres(ql)?:$/.test(new URL(v).protocol)) throw new Error("DATABASE_URL is not a postgres:// URL");
  return v;
}

/** `edge,actors` -> the roles; unset means all of them. */
export function parseRoles(v: string | undefined): Role[] {
  if (!v) return [...ROLES];
  return v.split(",").map((r) => {
    const role = ROLES.find((x) => x === r.trim());
    if (!role) throw new Error(`unknown role "${r}": use ${ROLES.join(", ")}`);
    return role;
  });
}

type Env = Record<string, string | undefined>;

/** The system's configuration from the environment (`roles`: a --role flag, which wins over ROLES). */
export function configFromEnv(env: Env = process.env, roles?: string): Config {
  return {
    roles: parseRoles(roles ?? env.ROLES),
    databaseUrl: postgresUrl(env.DATABASE_URL),
    poolSize: env.PG_POOL_SIZE ? num(env.PG_POOL_SIZE, 10) : undefined,
    kafkaBrokers: env.KAFKA_BROKERS ? env.KAFKA_BROKERS.split(",").map((b) => b.trim()).filter(Boolean) : undefined,
    kafkaSessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS ? num(env.KAFKA_SESSION_TIMEOUT_MS, 6_000) : undefined,
    kafkaMemberFile: env.KAFKA_MEMBER_FILE || undefined,
    natsUrl: env.NATS_URL || undefined,
    providersUrl: env.PROVIDERS_URL || undefined,
    upstash: env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN
      ? { url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN }
      : undefined,
    maxOutboxAgeMs: num(env.MAX_OUTBOX_AGE_MS, defaults.maxOutboxAgeMs),
    commands: {
      maxInFlight: num(env.COMMANDS_IN_FLIGHT, defaults.commands.maxInFlight),
      queueMs: num(env.COMMAND_QUEUE_MS, defaults.commands.queueMs),
      deadlineMs: num(env.COMMAND_DEADLINE_MS, defaults.commands.deadlineMs),
    },
    orderShedding: { ...defaults.orderShedding, targetMs: num(env.SHED_ORDERS_LATE_MS, defaults.orderShedding.targetMs) },
    dataDir: env.DATA_DIR ?? defaults.dataDir,
    partitions: num(env.PARTITIONS, defaults.partitions),
    lanes: env.LANES ? num(env.LANES, 1) : undefined,
    lingerMs: env.LINGER_MS ? num(env.LINGER_MS, 0) : undefined,
    reservationTtlMs: num(env.RESERVATION_TTL_MS, defaults.reservationTtlMs),
    handlingMs: num(env.HANDLING_TIME_MS, defaults.handlingMs),
    stallAfterMs: num(env.STALL_AFTER_MS, defaults.stallAfterMs),
    refundStallAfterMs: num(env.REFUND_STALL_AFTER_MS, defaults.refundStallAfterMs),
    stepTimeoutMs: num(env.STEP_TIMEOUT_MS, defaults.stepTimeoutMs),
    maxAttempts: num(env.MAX_ATTEMPTS, defaults.maxAttempts),
    timerTickMs: num(env.TIMER_TICK_MS, defaults.timerTickMs),
    seed: env.SEED_CATALOG !== "false",
    ratesUrl: env.RATES_URL || undefined,
    ratesFile: env.RATES_FILE || undefined,
    ratesEveryMs: defaults.ratesEveryMs,
    retention: retentionFromEnv(env),
    publicUrl: publicUrl(env.PUBLIC_URL, env.PORT),
    smtpUrl: smtpUrl(env.SMTP_URL),
    mailFrom: mailFrom(env.MAIL_FROM),
    delivery: defaults.delivery,
  };
}

/** PUBLIC_URL as an http(s) URL without a trailing slash; unset: the shop's own address on PORT. */
function publicUrl(v: string | undefined, port: string | undefined): string {
  if (!v) return `http://localhost:${num(port, 3000)}`;
  if (!URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol)) throw new Error("PUBLIC_URL is not an http:// or https:// URL");
  return v.replace(/\/+$/, "");
}

/** SMTP_URL, if set, as an smtp:// or smtps:// URL; anything else is a configuration error. */
function smtpUrl(v: string | undefined): string | undefined {
  if (!v) return undefined;
  if (!URL.canParse(v) || !/^smtps?:$/.test(new URL(v).protocol) || !new URL(v).hostname) throw new Error("SMTP_URL is not an smtp:// or smtps:// URL");
  return v;
}

/** MAIL_FROM as `Name <address>` or an address; unset: the default. */
function mailFrom(v: string | undefined): string {
  if (!v) return defaults.mailFrom;
  if (!/^(?:[^<>@\r\n]*<[^<>@\s]+@[A-Za-z0-9.-]+>|[^<>@\s]+@[A-Za-z0-9.-]+)$/.test(v.trim())) {
    throw new Error(`MAIL_FROM is not an address or "Name <address>", got "${v}"`);
  }
  return v.trim();
}

/** The whole process's configuration from the environment. */
export function processConfigFromEnv(env: Env = process.env, roles?: string): ProcessConfig {
  return {
    system: configFromEnv(env, roles),
    port: num(env.PORT, 3000),
    metricsPort: env.METRICS_PORT ? num(env.METRICS_PORT, 0) : undefined,
    trustProxy: env.TRUST_PROXY === "true",
    jwtSecret: env.JWT_SECRET || undefined,
    admin: { email: env.ADMIN_EMAIL || undefined, password: env.ADMIN_PASSWORD || undefined },
  };
}

// ---- retention ----------------------------------------------------------------------

/** How long each table keeps what has served its purpose (README: "Tables that stay bounded"). */
export type Retention = {
  /** processed marks: a message redelivered within this window of its processing is recognised */
  dedupeMs: number;
  /** dead letters once replayed (unresolved ones stay) */
  deadLettersMs: number;
  /** embedded log records of partitions no consumer group reads (read ones go once every group is past them) */
  logMs: number;
  /** the simulated providers' answers per idempotency key, and their journal */
  providerKeysMs: number;
  /** refresh tokens after they expired or were revoked */
  sessionsMs: number;
  /** alerts once resolved (unresolved ones stay) */
  alertsMs: number;
  /** the sign-in history of each account */
  signInsMs: number;
  /** the notifier's messages once sent or failed (pending ones stay) */
  messagesMs: number;
};

/** A fresh copy of the default retentions. */
export function defaultRetention(): Retention {
  const DAY = 24 * 3600_000; // here: `defaults` above calls this before the module's constants exist
  return { dedupeMs: 7 * DAY, deadLettersMs: 30 * DAY, logMs: 7 * DAY, providerKeysMs: 7 * DAY, sessionsMs: DAY, alertsMs: 30 * DAY, signInsMs: 90 * DAY, messagesMs: 30 * DAY };
}

/** A dedupe window shorter than this would forget marks of messages still being redelivered. */
export const MIN_DEDUPE_MS = 60_000;

/** The retentions from the environment; a dedupe window under a minute is refused. */
export function retentionFromEnv(env: Env): Retention {
  const d = defaultRetention();
  const r: Retention = {
    dedupeMs: num(env.DEDUPE_WINDOW_MS, d.dedupeMs),
    deadLettersMs: num(env.DEAD_LETTER_RETENTION_MS, d.deadLettersMs),
    logMs: num(env.LOG_RETENTION_MS, d.logMs),
    providerKeysMs: num(env.PROVIDER_KEY_RETENTION_MS, d.providerKeysMs),
    sessionsMs: num(env.SESSION_RETENTION_MS, d.sessionsMs),
    alertsMs: num(env.ALERT_RETENTION_MS, d.alertsMs),
    signInsMs: num(env.SIGN_IN_RETENTION_MS, d.signInsMs),
    messagesMs: num(env.NOTIFICATION_RETENTION_MS, d.messagesMs),
  };
  if (r.dedupeMs < MIN_DEDUPE_MS) throw new Error(`DEDUPE_WINDOW_MS must be at least ${MIN_DEDUPE_MS} ms, got ${r.dedupeMs}`);
  return r;
}
