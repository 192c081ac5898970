/**
 * Starting through transient faults: every start step (database, migrations, the log, pub/sub,
 * the consumer group) waits with backoff while its dependency is not there yet - refused,
 * reset, shutting down, a database not created yet, no broker - and says what it waits for.
 * What waiting cannot mend (a bad password or role, a bad URL, a schema error) stops the
 * process with one clear line. The two are told apart by the drivers' codes, never by the
 * wording of their messages.
 */
import { retryWithBackoff, type BackoffOptions } from "./backoff.ts";
import { Unavailable } from "./bus.ts";
import { log } from "./log.ts";

/** Wait it out, or stop: with the reason in a few words. */
export type StartVerdict = { wait: boolean; reason: string };

/** A start that waiting cannot mend; its message completes "saga-shop cannot start: ...". */
export class CannotStart extends Error {}

/** Socket, postgres.js and Postgres (SQLSTATE) codes of a dependency that is not there yet. */
const WAIT: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection broken",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  // a container whose name is not in DNS yet (compose starts services in any order)
  EAI_AGAIN: "host name not resolvable yet",
  ENOTFOUND: "host name not found yet",
  CONNECTION_CLOSED: "connection closed",
  CONNECTION_ENDED: "connection ended",
  CONNECTION_DESTROYED: "connection destroyed",
  CONNECT_TIMEOUT: "connection timed out",
  "57P01": "connection terminated by the server",
  "57P02": "the server is crashing",
  "57P03": "the database system is starting up",
  "3D000": "the database does not exist yet",
  "53300": "too many connections",
};

/**
 * Codes that say the configuration is wrong - a bad password (28P01), a role that may not
 * connect (28000), a URL that does not parse, a schema missing (3F000): waiting would only
 * hide it. Their messages name the culprit, so the reason is the message.
 */
const STOP = new Set(["28P01", "28000", "ERR_INVALID_URL", "3F000"]);

/** kafkajs error names of a cluster that is not reachable or not ready yet. */
const KAFKA_WAIT: Record<string, string> = {
  KafkaJSConnectionError: "no broker available",
  KafkaJSConnectionClosedError: "connection closed by the broker",
  KafkaJSBrokerNotFound: "no broker available",
  KafkaJSRequestTimeoutError: "request timed out",
  KafkaJSGroupCoordinatorNotFound: "no group coordinator yet",
  KafkaJSLockTimeout: "no broker available",
};

const codeOf = (e: Error) => ("code" in e && (typeof e.code === "string" || typeof e.code === "number") ? String(e.code) : "");

/** The verdict on one error, looking through its causes: the first coded one decides; uncoded errors stop. */
export function classifyStartError(err: unknown): StartVerdict {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    if (e instanceof CannotStart) return { wait: false, reason: e.message };
    if (e instanceof Unavailable) return { wait: true, reason: e.message };
    const code = codeOf(e);
    if (code in WAIT) return { wait: true, reason: `${WAIT[code]} (${code})` };
    if (STOP.has(code)) return { wait: false, reason: `${e.message} (${code})` };
    if (/^(08|53|57P)/.test(code)) return { wait: true, reason: `${e.message} (${code})` };
    if (/^42/.test(code)) return { wait: false, reason: `schema error: ${e.message} (${code})` };
    if (e.name in KAFKA_WAIT) return { wait: true, reason: KAFKA_WAIT[e.name]! };
    // kafkajs marks the protocol errors a client should retry (LEADER_NOT_AVAILABLE, ...)
    if (e.name === "KafkaJSProtocolError" && "retriable" in e && e.retriable === true) {
      return { wait: true, reason: "type" in e && typeof e.type === "string" ? e.type : "broker not ready" };
    }
  }
  return { wait: false, reason: err instanceof Error ? err.message : String(err) };
}

export type StepOptions = Pick<BackoffOptions, "sleep">;

/**
 * Run one start step, waiting for `dependency` while it fails for a reason that passes
 * (one line per wait: "waiting for postgres: connection refused, retry in 2s"); any other
 * failure becomes a CannotStart naming the step.
 */
export async function startStep<T>(what: string, dependency: string, step: () => Promise<T>, opts: StepOptions = {}): Promise<T> {
  try {
    return await retryWithBackoff(step, {
      firstMs: 250, maxMs: 2_000, ...opts,
      retryable: (err) => classifyStartError(err).wait,
      waiting: (err, ms) => log.warn(`waiting for ${dependency}: ${classifyStartError(err).reason}, retry in ${seconds(ms)}`, { step: what }),
    });
  } catch (err) {
    if (err instanceof CannotStart) throw err;
    throw new CannotStart(`${what}: ${classifyStartError(err).reason}`, { cause: err });
  }
}

/** The line a process that cannot start leaves before it exits 1. */
export function cannotStartLine(err: unknown): string {
  return `saga-shop cannot start: ${err instanceof CannotStart ? err.message : classifyStartError(err).reason}`;
}

const seconds = (ms: number) => (ms < 1_000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`);
