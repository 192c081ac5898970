/**
 * Faults on the distributed engines: a Kafka broker down for seconds, Postgres connections
 * cut. While a dependency is down commands answer 503 with Retry-After; afterwards the shop
 * recovers by itself and every order completes once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { TOPICS } from "../actors/contracts/index.ts";
import { paymentSimulator } from "../actors/providers/payment-sim.ts";
import { shippingSimulator } from "../actors/providers/shipping-sim.ts";
import { startKafkaMock, type KafkaMock } from "../deploy/kafka-mock/index.ts";
import { freshPostgres, NATS_URL } from "./engines.ts";
import { ADDRESS, startShop, waitUntil, type Shop } from "./kit.ts";

let mock: KafkaMock;
let pg: Awaited<ReturnType<typeof freshPostgres>>;
let shop: Shop;
const providers = { payment: paymentSimulator(), shipping: shippingSimulator() };

beforeAll(async () => {
  mock = await startKafkaMock({ brokers: 3, topics: TOPICS.map((name) => ({ name, partitions: 4 })) });
  pg = await freshPostgres({ migrated: true });
  shop = await startShop({
    databaseUrl: pg.url, kafkaBrokers: mock.bootstrap, kafkaSessionTimeoutMs: 3_000, natsUrl: NATS_URL,
    maxOutboxAgeMs: 2_000, handlingMs: 20,
  }, providers);
}, 60_000);

afterAll(async () => {
  await shop?.stop();
  await mock?.stop();
  await pg?.drop();
}, 60_000);

/** A client that retries 503s with the same Idempotency-Key, as the API asks. */
/**
 * A 503 that changed nothing: the command gate's while the log is stuck (Retry-After 5), or,
 * as the orders already taken wait, early shedding's (Retry-After 1).
 */
function expectRefusal(res: { status: number; headers: Headers; json: any }) {
  expect(res.status).toBe(503);
  const gate = String(res.json.error).includes("event log");
  expect(res.json.error).toContain(gate ? "event log" : "the shop is busy");
  expect(res.headers.get("retry-after")).toBe(gate ? "5" : "1");
}

async function placeWithRetry(customer: string, key: string): Promise<{ id: string; refusals: number }> {
  const token = await shop.token("customer", customer);
  let refusals = 0;
  for (;;) {
    const res = await shop.call("POST", "/api/orders", {
      token, headers: { "idempotency-key": key },
      body: { items: [{ sku: "BOK-002", qty: 1 }], shippingAddress: ADDRESS, paymentToken: "tok_visa" },
    });
    if (res.status === 202) return { id: res.json.orderId, refusals };
    expectRefusal(res);
    refusals++;
    await Bun.sleep(250);
  }
}

describe("faults", () => {
  test("a broker down for seconds: commands get 503 while the log is stuck, then everything completes", async () => {
    const placed: string[] = [];
    for (let i = 0; i < 20; i++) placed.push((await placeWithRetry(`k-${i}`, `before-${i}`)).id);
    await mock.brokerDown(1);
    let refused = 0;
    const downUntil = Date.now() + 6_000;
    let n = 0;
    while (Date.now() < downUntil) {
      const res = await shop.call("POST", "/api/orders", {
        token: await shop.token("customer", `d-${n}`), headers: { "idempotency-key": `during-${n++}` },
        body: { items: [{ sku: "BOK-002", qty: 1 }], shippingAddress: ADDRESS, paymentToken: "tok_visa" },
      });
      if (res.status === 202) placed.push(res.json.orderId);
      else {
        expectRefusal(res);
        refused++;
      }
      await Bun.sleep(100);
    }
    expect(refused).toBeGreaterThan(0);
    await mock.brokerUp(1);
    for (let i = 0; i < 10; i++) placed.push((await placeWithRetry(`a-${i}`, `after-${i}`)).id);
    const finals = await Promise.all(placed.map((id) => shop.waitFor(id, ["SHIPPED"], 90_000)));
    for (const o of finals) expect(o.timeline.map((t) => t.status)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED"]);
    // Capture follows shipping: wait for it, then make sure each order was captured once.
    const captured = async () => (await providers.payment.ledger()).filter((e) => e.kind === "capture" && placed.includes(e.orderId ?? ""));
    await waitUntil(async () => (await captured()).length >= placed.length, 30_000);
    await Bun.sleep(500);
    expect(await captured()).toHaveLength(placed.length);
    expect(new Set((await captured()).map((e) => e.orderId)).size).toBe(placed.length);
  }, 180_000);

  test("Postgres connections cut mid-run: the shop reconnects and finishes every order once", async () => {
    const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
    const name = new URL(pg.url).pathname.slice(1);
    const cutting = (async () => {
      for (let i = 0; i < 5; i++) {
        await Bun.sleep(300);
        const cut = await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`;
        expect(cut.length).toBeGreaterThan(0);
      }
    })();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => placeWithRetry(`pg-${i}`, `pg-${i}`)));
    await cutting;
    await admin.end({ timeout: 1 });
    const ids = results.map((r) => r.id);
    expect(new Set(ids).size).toBe(40);
    await Promise.all(ids.map((id) => shop.waitFor(id, ["SHIPPED"], 90_000)));
    const shipments = (await providers.shipping.shipments()).filter((s) => ids.includes(s.orderId ?? ""));
    expect(shipments).toHaveLength(40);
    await waitUntil(async () => (await shop.call("GET", "/api/products/BOK-002")).json.available >= 0);
  }, 180_000);

  test("a shop that starts while Postgres cuts every connection waits for it, then starts complete", async () => {
    const fresh = await freshPostgres();
    const admin = postgres(fresh.url, { max: 1, onnotice: () => {} });
    const name = new URL(fresh.url).pathname.slice(1);
    let cuts = 0;
    let cutting = true;
    // Every 20 ms for 1.5 s: migrations, the catalog seed and the search words all meet a cut.
    const killer = (async () => {
      for (const until = Date.now() + 1_500; Date.now() < until;) {
        cuts += (await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`).length;
        await Bun.sleep(20);
      }
      cutting = false;
    })();
    try {
      const starting = startShop({ databaseUrl: fresh.url, maxOutboxAgeMs: 2_000, handlingMs: 20 });
      await killer;
      const late = await starting;
      try {
        expect(cuts).toBeGreaterThan(0);
        expect(cutting).toBe(false);
        const placed = await late.place("after-the-cuts", { sku: "BOK-002" });
        await late.waitFor(placed, ["SHIPPED"], 30_000);
        expect((await late.call("GET", "/api/products/search?q=book")).json.total).toBeGreaterThan(0);
      } finally {
        await late.stop();
      }
    } finally {
      await admin.end({ timeout: 1 });
      await fresh.drop();
    }
  }, 120_000);
});
