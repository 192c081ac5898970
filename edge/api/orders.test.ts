/** POST /api/orders in the customer's currency: converted prices, the rate recorded, the card charged in it. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { paymentSimulator } from "../../actors/providers/payment-sim.ts";
import { shippingSimulator } from "../../actors/providers/shipping-sim.ts";
import { ADDRESS, startShop, type Shop } from "../../test/kit.ts";

const payment = paymentSimulator();
let shop: Shop;
beforeAll(async () => {
  shop = await startShop({}, { payment, shipping: shippingSimulator() });
});
afterAll(() => shop.stop());

// LAP-001 is 999.00 USD, BOK-002 17.99 USD; each unit price is converted once, then multiplied
const items = [{ sku: "LAP-001", qty: 1 }, { sku: "BOK-002", qty: 3 }];

async function place(customer: string, extra: Record<string, unknown>, key = crypto.randomUUID()) {
  return shop.call("POST", "/api/orders", {
    token: await shop.token("customer", customer),
    headers: { "idempotency-key": key },
    body: { items, shippingAddress: ADDRESS, paymentToken: "tok_visa", ...extra },
  });
}

describe.each([
  // currency, rate, unit prices, total
  ["JPY", "151.20000000", [151049, 2720], 151049 + 3 * 2720], // no minor units: whole yen
  ["EUR", "0.92000000", [91908, 1655], 91908 + 3 * 1655],
  ["USD", "1.00000000", [99900, 1799], 99900 + 3 * 1799],
] as const)("an order in %s", (currency, fxRate, [lap, bok], total) => {
  test("answers with the converted total, the currency and the rate; the order keeps them", async () => {
    const res = await place(`fx-${currency}`, { currency });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ currency, fxRate, total, created: true });
    const order = await shop.waitFor(res.json.orderId, ["SHIPPED"]);
    expect(order).toMatchObject({
      currency, fxRate, total,
      items: [{ sku: "LAP-001", qty: 1, unitPrice: lap }, { sku: "BOK-002", qty: 3, unitPrice: bok }],
    });
    const charged = (await payment.ledger()).filter((e) => e.orderId === res.json.orderId && e.kind === "authorize");
    expect(charged.map((e) => e.amount)).toEqual([total]);
  });
});

test("no currency means USD", async () => {
  const res = await place("fx-default", {});
  expect(res.json).toMatchObject({ currency: "USD", fxRate: "1.00000000", total: 99900 + 3 * 1799 });
});

test("a currency the shop does not sell in is a 400 naming it, and nothing is placed", async () => {
  const res = await place("fx-bad", { currency: "XYZ" });
  expect(res.status).toBe(400);
  expect(res.json.field).toBe("currency");
  expect(res.json.error).toContain("currency: choose one of USD, EUR");
  const mine = await shop.call("GET", "/api/orders", { token: await shop.token("customer", "fx-bad") });
  expect(mine.json.orders).toEqual([]);
});

test("a repeat with the same key answers the first order, in its currency, whatever the repeat asks", async () => {
  const key = crypto.randomUUID();
  const first = await place("fx-repeat", { currency: "JPY" }, key);
  const again = await place("fx-repeat", { currency: "EUR" }, key);
  expect(again.json).toMatchObject({ orderId: first.json.orderId, currency: "JPY", total: first.json.total, created: false });
});

test.each([
  ["to=-001000-01-01", "to"], ["from=99999-01-01", "from"], ["from=0", "from"], ["to=not-a-date", "to"],
  ["from=1899-12-31", "from"], ["from=2026-02-01&to=2026-01-01", "to"],
])("the order list's date bound %s is a 400 naming %s, never a database error", async (q, field) => {
  const res = await shop.call("GET", `/api/orders?${q}`, { token: await shop.token("customer", "fx-dates") });
  expect([res.status, res.json.field]).toEqual([400, field]);
});

test("dates and date-times within bounds filter the list", async () => {
  const res = await shop.call("GET", "/api/orders?from=2026-01-01&to=2026-12-31T23:59:59Z", { token: await shop.token("customer", "fx-dates") });
  expect(res.status).toBe(200);
});

test("a blank payment token is a 400 naming it, and nothing is placed", async () => {
  const res = await place("fx-blank-card", { paymentToken: "   " });
  expect([res.status, res.json.field]).toEqual([400, "paymentToken"]);
  const mine = await shop.call("GET", "/api/orders", { token: await shop.token("customer", "fx-blank-card") });
  expect(mine.json.orders).toEqual([]);
});
