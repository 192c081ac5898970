/** Operations endpoints on a running shop: metrics that move with the saga, readiness that follows its dependencies. */
import { expect, test } from "bun:test";
import { startShop } from "./kit.ts";

const sample = (text: string, line: RegExp) => Number(text.split("\n").find((l) => line.test(l))?.split(" ").at(-1) ?? NaN);

test("/metrics counts the saga's steps and requests; /readyz is 503 once the database is gone", async () => {
  const shop = await startShop();
  const id = await shop.place("ops");
  await shop.waitFor(id, ["SHIPPED"]);
  const metrics = await (await shop.app.request("/metrics")).text();
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
