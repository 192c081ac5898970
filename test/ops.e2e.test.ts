/**
 * Operations endpoints on a running shop: metrics that move with the saga, readiness that
 * follows its dependencies, and /metrics kept off the public port but for admins.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startShop, type Shop } from "./kit.ts";
import { freePort, spawnRole } from "./processes.ts";

const sample = (text: string, line: RegExp) => Number(text.split("\n").find((l) => line.test(l))?.split(" ").at(-1) ?? NaN);

describe("a shop in this process", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop();
  });
  afterAll(() => shop.stop());
  const asAdmin = async () => ({ authorization: `Bearer ${await shop.token("admin")}` });

  test("on the public port /metrics is an admin's: a guest and a customer get a 404", async () => {
    expect((await shop.call("GET", "/metrics")).status).toBe(404);
    expect((await shop.call("GET", "/metrics", { token: await shop.token("customer") })).status).toBe(404);
    expect((await shop.call("GET", "/metrics", { headers: { cookie: `session=${await shop.token("customer")}` } })).status).toBe(404);
    const admin = await shop.app.request("/metrics", { headers: await asAdmin() });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain("# TYPE http_requests_total counter");
    expect((await shop.call("GET", "/healthz")).status).toBe(200); // the load balancer's probes stay public
  });

  test("/metrics counts the saga's steps and requests; /readyz is 503 once the database is gone", async () => {
    const id = await shop.place("ops");
    await shop.waitFor(id, ["SHIPPED"]);
    const metrics = await (await shop.app.request("/metrics", { headers: await asAdmin() })).text();
    expect(sample(metrics, /^saga_step_duration_seconds_count\{step="payment"\}/)).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, /^saga_step_duration_seconds_count\{step="shipping"\}/)).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, /^http_requests_total\{method="POST",route="\/api\/orders",status="202"\}/)).toBe(1);
    expect(sample(metrics, /^saga_messages_total\{group="order",outcome="ok"\}/)).toBeGreaterThanOrEqual(3);
    expect(sample(metrics, /^saga_outbox_backlog /)).toBeGreaterThanOrEqual(0);
    expect(metrics).toMatch(/^saga_consumer_lag\{group="actors",topic="order.events",partition="0"\} \d+$/m);
    // the order has shipped: nothing fetched is left waiting
    expect(sample(metrics, /^saga_mailbox_depth\{group="actors"\}/)).toBe(0);

    const ready = await shop.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: "ok", log: "ok" } });
    await shop.stop();
    const down = await shop.app.request("/readyz");
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("5");
    expect((await down.json()).checks.database).not.toBe("ok");
    expect((await shop.app.request("/healthz")).status).toBe(200);
  });
});

test("a shop process with METRICS_PORT serves /metrics there, to anyone who reaches that port, and not on its public port", async () => {
  const dir = mkdtempSync(join(tmpdir(), "saga-shop-ops-"));
  const [port, metricsPort] = [await freePort(), await freePort()];
  const shop = await spawnRole("ops-port", "edge,actors,relay", {
    DATA_DIR: join(dir, "pg"), SEED_CATALOG: "false", JWT_SECRET: crypto.randomUUID() + crypto.randomUUID(), METRICS_PORT: String(metricsPort), ADMIN_PASSWORD: "ops-port-admin-1",
  }, port);
  try {
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain("# TYPE saga_outbox_backlog gauge");
    expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  } finally {
    shop.kill(15);
    await shop.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
