/**
 * The live orders table across edges: the distributed shop as separate OS processes (relay,
 * actors, two edges on Postgres + Kafka + NATS, the card processor and carrier outside). An
 * admin has the table open on edge 2; an order placed through edge 1 appears on top of it
 * and turns SHIPPED - its views reach edge 2 only over NATS. Fails, never skips, without
 * those servers (like the other distributed suites).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { TOPICS } from "../../actors/contracts/index.ts";
import { startKafkaMock, type KafkaMock } from "../../deploy/kafka-mock/index.ts";
import { startProviderSim } from "../../deploy/provider-sim.ts";
import { issueToken, SESSION_COOKIE } from "../../edge/auth/auth.ts";
import { freshPostgres, NATS_URL } from "../engines.ts";
import { ADDRESS } from "../kit.ts";
import { freePort, spawnRole, type ShopProcess } from "../processes.ts";
import { describeBrowser, launchBrowser, screenshot, watch } from "./kit.ts";
import { expectClean, LIVE_MS } from "./storefront-steps.ts";

const SECRET = crypto.randomUUID() + crypto.randomUUID();
const token = (sub: string, role: "customer" | "admin" = "customer") => issueToken(SECRET, { sub, role });

describeBrowser("the admin orders table across two edges", () => {
  let mock: KafkaMock;
  let pg: Awaited<ReturnType<typeof freshPostgres>>;
  let sim: ReturnType<typeof startProviderSim>;
  let browser: Browser;
  const procs: ShopProcess[] = [];
  let edges: string[] = [];

  beforeAll(async () => {
    mock = await startKafkaMock({ brokers: 1, topics: TOPICS.map((name) => ({ name, partitions: 4 })) });
    pg = await freshPostgres();
    sim = startProviderSim({ port: 0, latencyMs: 1 });
    const env = {
      DATABASE_URL: pg.url, KAFKA_BROKERS: mock.bootstrap.join(","), NATS_URL, JWT_SECRET: SECRET,
      PROVIDERS_URL: sim.url, PARTITIONS: "4", KAFKA_SESSION_TIMEOUT_MS: "3000", HANDLING_TIME_MS: "300",
      STEP_TIMEOUT_MS: "3000", TIMER_TICK_MS: "100", SEED_CATALOG: "true",
    };
    procs.push(await spawnRole("orders-relay", "relay", env));
    procs.push(await spawnRole("orders-actors", "actors", env));
    const [e1, e2] = await Promise.all([1, 2].map(async (n) => spawnRole(`orders-edge${n}`, "edge", env, await freePort())));
    procs.push(e1!, e2!);
    edges = [e1!, e2!].map((e) => `http://127.0.0.1:${e.port}`);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const p of procs) p.kill(9);
    await Promise.all(procs.map((p) => p.exited));
    await sim?.stop();
    await mock?.stop();
    await pg?.drop();
  }, 60_000);

  test("an order placed through edge 1 appears on top of the table edge 2 serves, and turns SHIPPED there", async () => {
    const [edge1, edge2] = edges as [string, string];
    const context = await browser.newContext({ baseURL: edge2 });
    await context.addCookies([{ name: SESSION_COOKIE, value: await token("two-edges-admin", "admin"), url: edge2, httpOnly: true, sameSite: "Lax" }]);
    const watched = await watch(await context.newPage());
    const { page } = watched;
    const streaming = page.waitForRequest((req) => new URL(req.url()).pathname === "/admin/orders/stream", { timeout: LIVE_MS });
    await page.goto("/admin/orders");
    await streaming;

    const res = await fetch(`${edge1}/api/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${await token("two-edges-customer")}`, "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
      body: JSON.stringify({ items: [{ sku: "AUD-005", qty: 1 }], shippingAddress: ADDRESS, paymentToken: "tok_visa" }),
    });
    expect(res.status).toBe(202);
    const { orderId } = (await res.json()) as { orderId: string };

    await page.waitForSelector(`#order-rows tr.order-row:first-child#order-${orderId}`, { timeout: LIVE_MS });
    await page.waitForSelector(`#order-${orderId}[data-status="SHIPPED"]`, { timeout: LIVE_MS });
    expect(watched.documents).toHaveLength(1);
    expectClean(watched);
    await screenshot(page, "admin-orders-two-edges");
    await context.close();
  }, 90_000);
});
