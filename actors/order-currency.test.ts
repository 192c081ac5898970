/** Orders in the customer's currency: the Place command, the aggregate, OrderCreated and the view record currency and rate. */
import { describe, expect, test } from "bun:test";
import { envelope, parseEnvelope, type OrderItem } from "./contracts/index.ts";
import { projectorActor } from "./projector.ts";
import { ADDRESS, NOW, ORDER, decideOrder, emitted, ev, msg, nextId, run } from "./testing/test-kit.ts";

// 999.00 USD and 17.99 USD, converted once per unit price (actors/money/currency.ts convert)
type Case = { currency: string; fxRate: string; items: OrderItem[]; total: number };
const JPY: Case = {
  currency: "JPY", fxRate: "151.20000000", // no minor units: amounts are whole yen
  items: [{ sku: "LAP-001", name: "Altair Air 13", qty: 1, unitPrice: 151049 }, { sku: "BOK-002", name: "The Quiet Orchard", qty: 3, unitPrice: 2720 }],
  total: 151049 + 3 * 2720,
};
const CASES: Case[] = [
  JPY,
  {
    currency: "EUR", fxRate: "0.92000000",
    items: [{ sku: "LAP-001", name: "Altair Air 13", qty: 2, unitPrice: 91908 }, { sku: "BOK-002", name: "The Quiet Orchard", qty: 1, unitPrice: 1655 }],
    total: 2 * 91908 + 1655,
  },
  {
    currency: "USD", fxRate: "1.00000000",
    items: [{ sku: "LAP-001", name: "Altair Air 13", qty: 1, unitPrice: 99900 }],
    total: 99900,
  },
];

const place = (c: Case) => ({
  type: "Place" as const, orderId: ORDER, customerId: "cust-1", items: c.items, currency: c.currency, fxRate: c.fxRate,
  shippingAddress: ADDRESS, paymentToken: "tok_visa",
});

describe.each(CASES)("an order in $currency", (c) => {
  test("the aggregate keeps the currency and the rate; the total is the sum of unit price x qty", () => {
    const out = decideOrder(null, place(c));
    if (out.kind !== "ok" || !out.state) throw new Error("place was not accepted");
    expect(out.state).toMatchObject({ currency: c.currency, fxRate: c.fxRate, total: c.total, items: c.items });
    expect(emitted(out.emit, "order.OrderCreated.v1")).toMatchObject({ currency: c.currency, fxRate: c.fxRate, total: c.total });
  });

  test("payment is asked for the total in the order's currency", () => {
    const { emit } = run([place(c), msg.reserved(1)]);
    expect(emitted(emit, "order.PaymentRequested.v1")).toMatchObject({ amount: c.total, currency: c.currency });
  });

  test("the projected view records the currency and the rate", () => {
    const { emit } = run([place(c)]);
    const created = emit.find((e) => e.type === "order.OrderCreated.v1");
    if (!created) throw new Error("no OrderCreated");
    const out = projectorActor.decide(null, ev(created), { now: NOW, res: {} });
    expect(out).toMatchObject({ kind: "ok", state: { currency: c.currency, fxRate: c.fxRate, total: c.total } });
  });
});

describe("OrderCreated's fxRate", () => {
  const payload = { orderId: ORDER, customerId: "c", items: JPY.items, total: JPY.total, currency: "JPY", shippingAddress: ADDRESS };
  const wire = (p: object) => JSON.stringify(envelope({ type: "order.OrderCreated.v1", payload: { ...payload, ...p } }, ORDER, NOW, null, nextId()));

  test("an event from before the rate was recorded still parses, and its view has no rate", () => {
    const e = parseEnvelope(wire({}));
    const out = projectorActor.decide(null, e, { now: NOW, res: {} });
    expect(out.kind === "ok" && out.state).toMatchObject({ currency: "JPY" });
    expect(out.kind === "ok" && out.state && "fxRate" in out.state).toBe(false);
  });

  test("a rate that is not a decimal is a contract error", () => {
    expect(() => parseEnvelope(wire({ fxRate: "about 150" }))).toThrow("fxRate");
  });
});
