/**
 * Backpressure for commands: while the database is down or the event log is not taking
 * messages, unsafe requests get 503 with Retry-After instead of piling up unpublished work.
 */
import type { MiddlewareHandler } from "hono";
import type { Health } from "../../actors/ops/health.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function commandGate(health: { check(): Promise<Health> }): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE.has(c.req.method)) return next();
    const h = await health.check();
    if (h.ok) return next();
    c.header("Retry-After", "5");
    return c.json({ error: `cannot take commands right now: ${h.reason}; nothing was changed, try again shortly` }, 503);
  };
}
