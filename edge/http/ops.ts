/**
 * Operations endpoints: `/metrics` for Prometheus, `/healthz` (liveness: the process
 * serves) and `/readyz` (readiness: every dependency answers). Liveness checks nothing
 * else on purpose: a database outage should take the pod out of the load balancer
 * (readyz), not get it restarted in a loop (healthz).
 *
 * Every process serves them on its ops port (METRICS_PORT), which stays off the public
 * network. The public edge serves `/healthz` and `/readyz` to its load balancer, and
 * `/metrics` only to an admin: it tells order volumes, failure rates and routes.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { deadline } from "../../actors/runtime/deadline.ts";
import type { Registry, ShopMetrics } from "../../actors/runtime/metrics.ts";
import type { AuthEnv } from "../auth/auth.ts";

export type OpsDeps = {
  metrics: Registry;
  /** one per dependency; resolves when it answers, rejects with why not */
  probes: Record<string, () => Promise<void>>;
  /** per probe; they run in parallel, so this bounds the whole check */
  probeTimeoutMs?: number;
};

const NO_STORE = { "Cache-Control": "no-store" };

/** GET /metrics, /healthz and /readyz. */
export function opsRoutes(deps: OpsDeps): Hono {
  const timeout = deps.probeTimeoutMs ?? 1000;
  const app = new Hono();
  app.get("/metrics", async (c) =>
    c.body(await deps.metrics.render(), 200, { ...NO_STORE, "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }));
  app.get("/healthz", (c) => c.json({ ok: true }, 200, NO_STORE));
  app.get("/readyz", async (c) => {
    const results = await Promise.all(Object.entries(deps.probes).map(([name, probe]) => check(name, probe, timeout)));
    const checks = Object.fromEntries(results.map((r) => [r.name, r.ok ? "ok" : r.error]));
    if (results.every((r) => r.ok)) return c.json({ ready: true, checks }, 200, NO_STORE);
    return c.json({ ready: false, checks }, 503, { ...NO_STORE, "Retry-After": "5" });
  });
  return app;
}

/** On the public edge, ahead of `opsRoutes`: /metrics is an admin's; anyone else gets the 404 of a route that is not there. */
export function metricsForAdmins(): MiddlewareHandler<AuthEnv> {
  return async (c, next) => (c.get("user")?.role === "admin" ? next() : c.notFound());
}

async function check(name: string, probe: () => Promise<void>, ms: number) {
  try {
    // Promise.resolve().then: a probe that throws before returning a promise fails alone.
    await deadline(Promise.resolve().then(probe), ms, name);
    return { name, ok: true } as const;
  } catch (err) {
    return { name, ok: false, error: (err instanceof Error ? err.message : String(err)) || "failed" } as const;
  }
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Counts requests and times them to the response head, labelled by the route pattern that
 * answered (`/api/orders/:id`), never the raw path: one series per route, not per order.
 * A request no route took is labelled with the pattern of the middleware that saw it last.
 */
export function httpMetrics(m: Pick<ShopMetrics, "httpRequests" | "httpDuration">): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    let threw = false;
    try {
      await next();
    } catch (err) {
      threw = true;
      throw err;
    } finally {
      const method = METHODS.has(c.req.method) ? c.req.method : "OTHER";
      const route = routePath(c) || "unmatched";
      m.httpRequests.inc({ method, route, status: threw ? 500 : c.res.status });
      m.httpDuration.observe({ method, route }, (performance.now() - start) / 1000);
    }
  };
}
