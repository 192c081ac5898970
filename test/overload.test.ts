/**
 * Overload: a database that cannot write (a held lock stands for one swamped or stalled).
 * Commands get 503 with Retry-After within the edge's bounds instead of waiting for the
 * client's timeout; once the database is back, each client repeats its order with the same
 * Idempotency-Key and gets one order per key - whether its first try committed late or not
 * at all - each written whole.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import postgres from "postgres";
import { orderIdFor } from "../actors/orders/order-service.ts";
import { ADDRESS, eventsFor, startShop, type Shop } from "./kit.ts";

const LIMITS = { maxInFlight: 3, queueMs: 200, deadlineMs: 700 };
let shop: Shop;
let db: postgres.Sql;
beforeAll(async () => {
  shop = await startShop({ commands: LIMITS }, undefined, "postgres");
  db = postgres(shop.sys.config.databaseUrl!, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await db?.end({ timeout: 1 });
  await shop?.stop();
});

const order = { items: [{ sku: "PHN-002", qty: 1 }], shippingAddress: ADDRESS, paymentToken: "tok_visa" };

test("a database that cannot write: commands get 503 at once or by the deadline; retried with the same keys, one whole order each", async () => {
  const token = await shop.token("customer", "dora");
  const place = (key: string) => shop.call("POST", "/api/orders", { token, headers: { "idempotency-key": key }, body: order });
  const keys = Array.from({ length: 6 }, () => crypto.randomUUID());

  // Hold a lock that lets orders be read but not written, until released.
  let release = () => {};
  const released = new Promise<void>((r) => (release = r));
  let locked = () => {};
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = db.begin(async (tx) => {
    await tx`LOCK TABLE ordering.orders IN EXCLUSIVE MODE`;
    locked();
    await released;
  });
  await isLocked;

  const started = Date.now();
  const first = await Promise.all(keys.map(place));
  const seconds = (Date.now() - started) / 1000;
  release();
  await holder;
  console.log(`overload: ${keys.length} orders against a locked table answered 503 within ${seconds.toFixed(2)} s ` +
    `(limits: ${LIMITS.maxInFlight} in flight, ${LIMITS.queueMs} ms queue, ${LIMITS.deadlineMs} ms deadline)`);

  expect(first.map((r) => r.status)).toEqual(keys.map(() => 503));
  for (const r of first) expect(r.headers.get("retry-after")).toBe("2");
  const reasons = first.map((r) => String(r.json.error));
  // The first three were served and ran out of time (they may still commit); the rest never got a turn.
  expect(reasons.filter((e) => e.includes("may still take effect"))).toHaveLength(LIMITS.maxInFlight);
  expect(reasons.filter((e) => e.includes("nothing was changed"))).toHaveLength(keys.length - LIMITS.maxInFlight);

  // Back to normal: every client repeats its order with its key.
  const again = await Promise.all(keys.map(place));
  expect(again.map((r) => r.status)).toEqual(keys.map(() => 202));
  expect(again.map((r) => r.json.orderId)).toEqual(keys.map((k) => orderIdFor("dora", k)));

  const ids = keys.map((k) => orderIdFor("dora", k));
  const orders = await db`SELECT id FROM ordering.orders WHERE customer_id = 'dora'`;
  expect(orders.map((o) => o.id).sort()).toEqual([...ids].sort());
  // Each written whole: its row and its OrderCreated event, in one transaction.
  for (const id of ids) expect(await eventsFor(shop.sys.database.sql, id, "order.OrderCreated.v1")).toHaveLength(1);
});
