/**
 * Errors that mean a dependency cannot be reached right now, as opposed to a message or a
 * request that is wrong: the edge answers them with 503, and the actor group redelivers
 * the batch without counting an attempt against any message (a database that drops its
 * connections must not send healthy messages to the dead letters).
 */
import { Unavailable } from "./bus.ts";

/** Driver error codes that mean "not reachable right now" rather than "wrong request". */
const DOWN_CODES = new Set([
  "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT",
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE",
]);

/**
 * True for errors that mean the database or the log cannot be reached right now:
 * Postgres SQLSTATE classes 08 (connection), 53 (insufficient resources, e.g. too many
 * connections) and 57P (shutting down, or the connection terminated), socket errors, and a
 * closed PGlite.
 */
export function isUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof Unavailable) return true;
    const code = "code" in e && typeof e.code === "string" ? e.code : "";
    if (DOWN_CODES.has(code) || /^(08|53|57P)/.test(code)) return true;
    if (/PGlite is closed|ECONNREFUSED|ECONNRESET/i.test(e.message)) return true;
  }
  return false;
}
