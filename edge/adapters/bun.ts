/**
 * What the edge asks of the Bun runtime, and only here: the connection's peer address and
 * the per-request switch off of the idle timeout for event streams. The rest of edge/ is
 * web-standard Request/Response on Hono; a port to another runtime replaces this file
 * with one of the same exports (and edge/main.ts, the Bun entry point).
 */
import type { Context } from "hono";
import { getConnInfo } from "hono/bun";

/** The address of the connection's peer, or undefined when there is no connection to ask. */
export function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address || undefined;
  } catch {
    return undefined; // not served by Bun.serve (app.request in tests): no connection to ask
  }
}

/** Bun ends a response quiet for `idleTimeout`; under Bun, c.env is the server (or holds it). */
export function keepStreamOpen(c: Context): void {
  const env: unknown = c.env;
  const server = hasTimeout(env) ? env : isObject(env) && "server" in env && hasTimeout(env.server) ? env.server : null;
  server?.timeout(c.req.raw, 0);
}

const isObject = (x: unknown): x is object => typeof x === "object" && x !== null;
const hasTimeout = (x: unknown): x is { timeout(req: Request, seconds: number): void } =>
  isObject(x) && "timeout" in x && typeof x.timeout === "function";
