/** Reads the process environment into the system configuration (unset = default). */
import { defaults, ROLES, type Config, type Role } from "./system.ts";

const num = (v: string | undefined, fallback: number) => {
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`expected a non-negative number, got "${v}"`);
  return n;
};

/** `edge,actors` -> the roles; unset means all of them. */
export function parseRoles(v: string | undefined): Role[] {
  if (!v) return [...ROLES];
  return v.split(",").map((r) => {
    const role = ROLES.find((x) => x === r.trim());
    if (!role) throw new Error(`unknown role "${r}": use ${ROLES.join(", ")}`);
    return role;
  });
}

export function configFromEnv(env: Record<string, string | undefined> = process.env, roles?: string): Config {
  return {
    roles: parseRoles(roles ?? env.ROLES),
    databaseUrl: env.DATABASE_URL || undefined,
    poolSize: env.PG_POOL_SIZE ? num(env.PG_POOL_SIZE, 10) : undefined,
    kafkaBrokers: env.KAFKA_BROKERS ? env.KAFKA_BROKERS.split(",").map((b) => b.trim()).filter(Boolean) : undefined,
    kafkaSessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS ? num(env.KAFKA_SESSION_TIMEOUT_MS, 10_000) : undefined,
    natsUrl: env.NATS_URL || undefined,
    providersUrl: env.PROVIDERS_URL || undefined,
    upstash: env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN
      ? { url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN }
      : undefined,
    maxOutboxAgeMs: num(env.MAX_OUTBOX_AGE_MS, defaults.maxOutboxAgeMs),
    dataDir: env.DATA_DIR ?? defaults.dataDir,
    partitions: num(env.PARTITIONS, defaults.partitions),
    lanes: env.LANES ? num(env.LANES, 1) : undefined,
    lingerMs: env.LINGER_MS ? num(env.LINGER_MS, 0) : undefined,
    reservationTtlMs: num(env.RESERVATION_TTL_MS, defaults.reservationTtlMs),
    handlingMs: num(env.HANDLING_TIME_MS, defaults.handlingMs),
    stepTimeoutMs: num(env.STEP_TIMEOUT_MS, defaults.stepTimeoutMs),
    maxAttempts: num(env.MAX_ATTEMPTS, defaults.maxAttempts),
    timerTickMs: num(env.TIMER_TICK_MS, defaults.timerTickMs),
    seed: env.SEED_CATALOG !== "false",
  };
}
