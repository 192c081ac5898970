import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { registry, shopMetrics } from "../../actors/runtime/metrics.ts";
import { httpMetrics, opsRoutes } from "./ops.ts";

const ok = () => Promise.resolve();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("ops routes", () => {
  test("/metrics serves the registry in the Prometheus text format", async () => {
    const metrics = registry();
    shopMetrics(metrics).outboxBacklog.collect(() => 42);
    const res = await opsRoutes({ metrics, probes: {} }).request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await res.text()).toContain("# TYPE saga_outbox_backlog gauge\nsaga_outbox_backlog 42\n");
  });

  test("/healthz answers while the process serves, whatever the dependencies say", async () => {
    const app = opsRoutes({ metrics: registry(), probes: { db: () => Promise.reject(new Error("down")) } });
    const res = await app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  test("/readyz is 200 with every check ok when all probes pass", async () => {
    const app = opsRoutes({ metrics: registry(), probes: { db: ok, log: ok } });
    const res = await app.request("/readyz");
    expect(res.status).toBe(200);
    expect(res.headers.get("retry-after")).toBeNull();
    expect(await res.json()).toEqual({ ready: true, checks: { db: "ok", log: "ok" } });
  });

  test("/readyz is 503 with Retry-After and each failing probe's reason; probes run in parallel", async () => {
    const app = opsRoutes({
      metrics: registry(), probeTimeoutMs: 200,
      probes: {
        db: ok,
        kafka: () => Promise.reject(new Error("broker unreachable")),
        nats: () => new Promise(() => {}),
        redis: () => sleep(180),
        cache: () => {
          throw new Error("thrown before any promise");
        },
      },
    });
    const started = performance.now();
    const res = await app.request("/readyz");
    // One slow and one hanging probe, each near the timeout: in series this would take 380 ms.
    expect(performance.now() - started).toBeLessThan(340);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.json()).toEqual({
      ready: false,
      checks: {
        db: "ok", kafka: "broker unreachable", nats: "nats timed out after 200 ms", redis: "ok",
        cache: "thrown before any promise",
      },
    });
  });
});

describe("httpMetrics", () => {
  function shop() {
    const metrics = registry();
    const m = shopMetrics(metrics);
    const orders = new Hono();
    orders.use("/:id/cancel", async (c, next) => (c.req.header("authorization") ? next() : c.json({ error: "no" }, 401)));
    orders.get("/:id", (c) => c.json({ id: c.req.param("id") }));
    orders.post("/:id/cancel", () => {
      throw new HTTPException(409, { message: "already shipped" });
    });
    orders.get("/:id/boom", () => {
      throw new Error("bug");
    });
    const app = new Hono();
    app.use(httpMetrics(m));
    // Like edge/http/http-errors.ts: errors become responses inside the chain, so the status is seen.
    app.onError((err, c) => (err instanceof HTTPException ? err.getResponse() : c.json({ error: "internal" }, 500)));
    app.route("/api/orders", orders);
    app.route("/", opsRoutes({ metrics, probes: {} }));
    return app;
  }

  const series = (text: string, name: string) =>
    text.split("\n").filter((l) => l.startsWith(`${name}{`)).map((l) => l.slice(name.length)).sort();

  test("labels requests with the route pattern, never the raw path, and the status that went out", async () => {
    const app = shop();
    for (const id of ["o-1", "o-2", "o-3"]) await app.request(`/api/orders/${id}`);
    await app.request("/api/orders/o-1/cancel", { method: "POST" });
    await app.request("/api/orders/o-2/cancel", { method: "POST", headers: { authorization: "Bearer x" } });
    await app.request("/api/orders/o-1/boom");
    await app.request("/nowhere/o-1");
    const text = await (await app.request("/metrics")).text();
    expect(text).not.toContain("o-1");
    expect(series(text, "http_requests_total")).toEqual([
      `{method="GET",route="/*",status="404"} 1`,
      `{method="GET",route="/api/orders/:id",status="200"} 3`,
      `{method="GET",route="/api/orders/:id/boom",status="500"} 1`,
      `{method="POST",route="/api/orders/:id/cancel",status="401"} 1`,
      `{method="POST",route="/api/orders/:id/cancel",status="409"} 1`,
    ]);
    expect(series(text, "http_request_duration_seconds_count")).toEqual([
      `{method="GET",route="/*"} 1`,
      `{method="GET",route="/api/orders/:id"} 3`,
      `{method="GET",route="/api/orders/:id/boom"} 1`,
      `{method="POST",route="/api/orders/:id/cancel"} 2`,
    ]);
  });

  test("measures the time to the response; odd methods share one series; a request that throws counts as 500", async () => {
    const metrics = registry();
    const app = new Hono();
    app.use(httpMetrics(shopMetrics(metrics)));
    app.get("/slow", async (c) => (await sleep(30), c.text("done")));
    app.on("PURGE", "/slow", (c) => c.text("purged"));
    app.get("/odd", () => {
      throw "not an Error"; // escapes onError: Hono rethrows what is not an Error
    });
    await app.request("/slow");
    await app.request("/slow", { method: "PURGE" });
    await expect(app.request("/odd")).rejects.toBe("not an Error");
    const text = await metrics.render();
    const sum = /http_request_duration_seconds_sum\{method="GET",route="\/slow"\} (\S+)/.exec(text)?.[1];
    expect(Number(sum)).toBeGreaterThanOrEqual(0.025);
    expect(Number(sum)).toBeLessThan(1);
    expect(text).toContain(`http_requests_total{method="OTHER",route="/slow",status="200"} 1`);
    expect(text).toContain(`http_requests_total{method="GET",route="/odd",status="500"} 1`);
  });
});
