/**
 * A provider call whose answer never came, end to end through the HTTP API. The provider may
 * have done the work: before a step fails for a timeout, and before an admin retry starts a
 * new attempt, the shop asks it what it did under the earlier key. Work it did is adopted
 * (never booked or charged twice); a provider that cannot be asked leaves the step pending
 * until it can; a real decline still fails the step.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { orderIdFor } from "../actors/orders/order-service.ts";
import { paymentSimulator } from "../actors/providers/payment-sim.ts";
import { ProviderUnavailable, type PaymentProvider, type ShippingProvider } from "../actors/providers/ports.ts";
import { shippingSimulator } from "../actors/providers/shipping-sim.ts";
import { ADDRESS, path, startShop, waitUntil, type Shop } from "./kit.ts";

const payment = paymentSimulator();
const shipping = shippingSimulator();
/** Orders whose first authorization (or parcel) the provider takes in but only does later (the test does it). */
const late = new Set<string>();
const lateShipping = new Set<string>();
/** Orders for which the processor is down: every call and lookup refused. */
const down = new Set<string>();
const lookups = new Map<string, number>();

const orderOf = (key: string) => key.split(":")[1] ?? "";
const hangs = <T>() => new Promise<T>(() => {});
const refused = (key: string) => Promise.reject(new ProviderUnavailable(`answered 503 (${key})`));
const tracked: PaymentProvider = {
  authorize: (key, input) => (down.has(orderOf(key)) ? refused(key) : late.has(orderOf(key)) && key.endsWith(":1") ? hangs() : payment.authorize(key, input)),
  capture: payment.capture,
  refund: payment.refund,
  lookup: (op, key) => {
    lookups.set(orderOf(key), (lookups.get(orderOf(key)) ?? 0) + 1);
    return down.has(orderOf(key)) ? refused(key) : payment.lookup(op, key);
  },
};
const carrier: ShippingProvider = {
  ship: (key, input) => (lateShipping.has(orderOf(key)) && key.endsWith(":1") ? hangs() : shipping.ship(key, input)),
  lookup: shipping.lookup,
};

let shop: Shop;
let admin: string;
beforeAll(async () => {
  shop = await startShop({ stepTimeoutMs: 200 }, { payment: tracked, shipping: carrier });
  admin = await shop.token("admin");
});
afterAll(() => shop?.stop());

/** Place an order as `customer` after `before(its id)`, so a fault is in place before the saga starts. */
async function placeAfter(customer: string, sku: string, before: (id: string) => void) {
  const key = crypto.randomUUID();
  before(orderIdFor(customer, key));
  return shop.place(customer, { sku, key });
}
const retry = (id: string) => shop.call("POST", `/api/admin/orders/${id}/retry`, { token: admin, body: { reason: "provider answered late" } });
const ledgerOf = async (id: string) => (await payment.ledger()).filter((e) => e.orderId === id).map((e) => e.kind);

test("answers lost on every try: the step succeeds once with the provider's reference, one authorization, capture and parcel", async () => {
  payment.loseAnswers.add("authorize").add("capture");
  shipping.loseAnswers = true;
  try {
    const id = await shop.place("alice", { sku: "HOM-004" });
    const shipped = await shop.waitFor(id, ["SHIPPED", "PAYMENT_FAILED", "SHIPPING_FAILED"], 30_000);
    expect(path(shipped)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED"]);
    await waitUntil(async () => (await ledgerOf(id)).includes("capture"), 15_000, "the capture");
    expect(await ledgerOf(id)).toEqual(["authorize", "capture"]);
    expect(await shipping.shipmentsFor(id)).toHaveLength(1);
  } finally {
    payment.loseAnswers.clear();
    shipping.loseAnswers = false;
  }
});

test("an admin retry after an attempt the processor did late adopts it: no second authorization", async () => {
  const id = await placeAfter("alice", "HOM-005", (id) => late.add(id));
  const failed = await shop.waitFor(id, ["PAYMENT_FAILED"], 15_000);
  expect(failed.timeline.at(-1)?.code).toBe("AUTHORIZATION_TIMEOUT");
  // The processor now does what it took in: the money is held under attempt 1's key.
  const held = await payment.authorize(`authorize:${id}:1`, { amount: failed.total, currency: "USD", token: "tok_visa", attempt: 1 });
  if (!held.ok) throw new Error(held.reason);
  expect((await retry(id)).status).toBe(202);
  const shipped = await shop.waitFor(id, ["SHIPPED"], 15_000);
  expect(path(shipped)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_FAILED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED"]);
  await waitUntil(async () => (await ledgerOf(id)).includes("capture"), 15_000, "the capture");
  expect(await ledgerOf(id)).toEqual(["authorize", "capture"]);
  expect((await payment.ledger()).find((e) => e.orderId === id && e.kind === "capture")?.paymentId).toBe(held.paymentId);
});

test("an admin retry after a parcel the carrier booked late adopts it: no second parcel", async () => {
  // Late for shipping only: the payment goes through first.
  const placed = await placeAfter("bob", "HOM-006", (id) => lateShipping.add(id));
  const failed = await shop.waitFor(placed, ["SHIPPING_FAILED"], 15_000);
  expect(failed.timeline.at(-1)?.code).toBe("SHIPPING_TIMEOUT");
  const booked = await shipping.ship(`ship:${placed}:1`, { address: ADDRESS, items: [{ sku: "HOM-006", qty: 1 }], attempt: 1 });
  expect((await retry(placed)).status).toBe(202);
  await shop.waitFor(placed, ["SHIPPED"], 15_000);
  expect((await shipping.shipmentsFor(placed)).map((s) => s.trackingNumber)).toEqual([booked.ok ? booked.trackingNumber : "?"]);
});

test("a processor that cannot even be asked leaves the payment pending, never failed; it goes on once the processor is back", async () => {
  const id = await placeAfter("carol", "HOM-007", (id) => down.add(id));
  // Asked again and again, as the message comes back: the step is never failed meanwhile.
  await waitUntil(async () => (lookups.get(id) ?? 0) >= 3, 20_000, "three lookups");
  expect((await shop.call("GET", `/api/orders/${id}`, { token: admin })).json.status).toBe("INVENTORY_RESERVED");
  down.delete(id);
  const shipped = await shop.waitFor(id, ["SHIPPED", "PAYMENT_FAILED"], 30_000);
  expect(path(shipped)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED"]);
  expect((await ledgerOf(id)).filter((k) => k === "authorize")).toHaveLength(1);
});

test("a real decline still fails the step as before", async () => {
  payment.loseAnswers.add("authorize");
  try {
    const id = await shop.place("alice", { sku: "HOM-008", card: "tok_decline" });
    const failed = await shop.waitFor(id, ["PAYMENT_FAILED", "PAYMENT_AUTHORIZED", "SHIPPED"], 15_000);
    expect(failed.status).toBe("PAYMENT_FAILED");
    expect(failed.timeline.at(-1)?.code).toBe("CARD_DECLINED");
    expect(await ledgerOf(id)).toEqual([]);
  } finally {
    payment.loseAnswers.clear();
  }
});
