/**
 * Providers that fail for a moment: every call is refused twice as unavailable (a 503, a
 * refused connection) before it is answered. The actors try again with the same
 * idempotency key after a pause, so every order ships as if nothing happened, each
 * payment moves once and nothing is dead-lettered.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { deadLetters } from "../db/schema.ts";
import { paymentSimulator } from "../actors/providers/payment-sim.ts";
import { ProviderUnavailable, type PaymentProvider, type ShippingProvider } from "../actors/providers/ports.ts";
import { shippingSimulator } from "../actors/providers/shipping-sim.ts";
import { path, startShop, waitUntil, type Shop } from "./kit.ts";

const payment = paymentSimulator();
const shipping = shippingSimulator();
/** calls per idempotency key */
const calls = new Map<string, number>();

/** `f`, refused twice per key before it answers. */
function twiceUnavailable<A extends unknown[], R>(f: (key: string, ...rest: A) => Promise<R>) {
  return async (key: string, ...rest: A): Promise<R> => {
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    if (n <= 2) throw new ProviderUnavailable(`answered 503 (call ${n} of ${key})`);
    return f(key, ...rest);
  };
}
const flakyPayment: PaymentProvider = {
  authorize: twiceUnavailable(payment.authorize), capture: twiceUnavailable(payment.capture), refund: twiceUnavailable(payment.refund),
  lookup: payment.lookup,
};
const flakyShipping: ShippingProvider = { ship: twiceUnavailable(shipping.ship), lookup: shipping.lookup };

let shop: Shop;
beforeAll(async () => {
  shop = await startShop({ stepTimeoutMs: 2_000 }, { payment: flakyPayment, shipping: flakyShipping });
});
afterAll(() => shop?.stop());

test("a provider that fails twice then answers: the step is tried again with the same key, and the order ships", async () => {
  const ids = await Promise.all(["tok_visa", "tok_mastercard", "tok_decline"].map((card, i) => shop.place(`flaky-${i}`, { card, sku: "BOK-002" })));
  const [a, b, declined] = await Promise.all(ids.map((id) => shop.waitFor(id, ["SHIPPED", "PAYMENT_FAILED"], 30_000)));
  for (const o of [a!, b!]) expect(path(o)).toEqual(["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED"]);
  // a decline is an answer, given on the third call like any other: not tried again
  expect(declined!.status).toBe("PAYMENT_FAILED");
  expect(declined!.timeline.at(-1)?.code).toBe("CARD_DECLINED");
  expect(calls.get(`authorize:${declined!.orderId}:1`)).toBe(3);

  const shipped = [a!.orderId, b!.orderId];
  await waitUntil(async () => (await payment.ledger()).filter((e) => e.kind === "capture").length === 2, 15_000, "captures");
  const ledger = await payment.ledger();
  for (const kind of ["authorize", "capture"] as const) {
    expect(ledger.filter((e) => e.kind === kind).map((e) => e.orderId).sort()).toEqual([...shipped].sort());
  }
  expect((await shipping.shipments()).map((s) => s.orderId).sort()).toEqual([...shipped].sort());
  for (const id of shipped) {
    expect(calls.get(`authorize:${id}:1`)).toBe(3);
    expect(calls.get(`ship:${id}:1`)).toBe(3);
    expect(calls.get(`capture:${id}`)).toBe(3);
  }
  expect(await shop.sys.database.db.select().from(deadLetters)).toEqual([]);
});
