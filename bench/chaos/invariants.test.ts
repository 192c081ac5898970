import { describe, expect, test } from "bun:test";
import { checkInvariants, type OrderRow, type World } from "./invariants.ts";

const T = Date.parse("2026-12-05T12:00:00Z");
const order = (id: string, status: string, more: Partial<OrderRow> = {}): OrderRow => ({
  id, status, items: [{ sku: "A", qty: 1 }], reserved: false, trackingNumber: null, createdAt: T, settledAt: T + 1_000, ...more,
});

/** A run where everything held: one order shipped, one cancelled after payment, one declined, one out of stock. */
function healthy(): World {
  return {
    sent: [
      { key: "k1", orderId: "o1", answered: ["o1", "o1"] },
      { key: "k2", orderId: "o2", answered: ["o2"] },
      { key: "k3", orderId: "o3", answered: ["o3"] },
      { key: "k4", orderId: "o4", answered: [] }, // the customer gave up; the order exists anyway
    ],
    orders: [
      order("o1", "SHIPPED", { trackingNumber: "SP1" }),
      order("o2", "CANCELLED"),
      order("o3", "PAYMENT_FAILED", { reserved: true, items: [{ sku: "B", qty: 2 }] }),
      order("o4", "INVENTORY_FAILED"),
    ],
    ledger: [
      { kind: "authorize", paymentId: "p1", orderId: "o1" }, { kind: "capture", paymentId: "p1", orderId: "o1" },
      { kind: "authorize", paymentId: "p2", orderId: "o2" }, { kind: "refund", paymentId: "p2", orderId: "o2" },
    ],
    parcels: [{ orderId: "o1", trackingNumber: "SP1" }],
    stockBefore: [{ sku: "A", onHand: 10, reserved: 0 }, { sku: "B", onHand: 5, reserved: 0 }],
    stockAfter: [{ sku: "A", onHand: 12, reserved: 0 }, { sku: "B", onHand: 5, reserved: 2 }],
    adjustments: { A: 3 },
    outboxPending: { count: 0, examples: [] },
    deadLetters: [{ id: 1, consumer: "actors", key: "o2", error: "connection terminated", firstSeenAt: T + 500, at: T + 900 }],
    faults: [{ at: T + 400, kind: "postgres", detail: "terminated 3 backends" }],
    deaths: [],
    requests: { sent: 7, hung: [] },
    explainMs: 1_000,
    faultedOrders: [],
  };
}

const failing = (w: World) => checkInvariants(w).filter((c) => !c.ok).map((c) => c.name);

test("a dead letter of an order whose provider answers were lost is explained at any time", () => {
  const w = healthy();
  w.faults = [];
  w.faultedOrders = ["o2"];
  expect(failing(w)).toEqual([]);
});

test("an order shipped from two warehouses, one parcel each, is a healthy shipment", () => {
  const w = healthy();
  w.orders[0]!.parcels = ["SP1", "SP2"];
  w.parcels = [{ orderId: "o1", trackingNumber: "SP1", warehouse: "BER" }, { orderId: "o1", trackingNumber: "SP2", warehouse: "LYS" }];
  expect(checkInvariants(w).filter((c) => !c.ok)).toEqual([]);
});

test("a healthy run passes every check, and each check looked at something", () => {
  const checks = checkInvariants(healthy());
  expect(checks.filter((c) => !c.ok)).toEqual([]);
  for (const c of checks.filter((c) => c.name !== "no process died that was not killed")) expect(c.checked).toBeGreaterThan(0);
});

describe("each broken world fails its check, and only that one, naming the offender", () => {
  // Money never moved back breaks two rules at once: the refund owed, and the hold nobody settles.
  const unrefunded = ["refunds once and only for cancelled or refunded orders, every one that was paid", "every authorization is captured, refunded, or held for an admin"];
  const cases: [what: string, breakIt: (w: World) => void, check: string | string[], example: string][] = [
    ["a key answered with two orders", (w) => w.sent[0]!.answered.push("o9"), "every accepted order exists once per key", "key k1 answered o1, o9"],
    ["an accepted order missing", (w) => w.sent.push({ key: "k5", orderId: "o5", answered: ["o5"] }), "every accepted order exists once per key", "key k5: order o5 was accepted but does not exist"],
    ["an order no key explains", (w) => w.orders.push(order("o7", "INVENTORY_FAILED")), "every accepted order exists once per key", "order o7 matches no key sent"],
    ["an order stuck", (w) => void (w.orders[3]!.status = "CREATED"), "no order stuck in a non-final state", "o4 CREATED"],
    ["a capture twice", (w) => w.ledger.push({ kind: "capture", paymentId: "p1", orderId: "o1" }), "every capture once and only for a shipped order", "o1 captured 2 times"],
    ["a capture of a cancelled order", (w) => w.ledger.push({ kind: "capture", paymentId: "p2", orderId: "o2" }), "every capture once and only for a shipped order", "o2 captured but CANCELLED"],
    ["a refund twice", (w) => w.ledger.push({ kind: "refund", paymentId: "p2", orderId: "o2" }), "refunds once and only for cancelled or refunded orders, every one that was paid", "o2 refunded 2 times"],
    ["a cancelled order never refunded", (w) => w.ledger.splice(3, 1), unrefunded, "o2 CANCELLED with its authorization never refunded"],
    ["an authorization left on a failed payment", (w) => w.ledger.push({ kind: "authorize", paymentId: "p3", orderId: "o3" }), "every authorization is captured, refunded, or held for an admin", "o3 PAYMENT_FAILED holds an authorization nobody settles"],
    ["stock below zero", (w) => void (w.stockAfter[1] = { sku: "B", onHand: -1, reserved: 0 }), "stock: never negative; on hand = initial - shipped + adjustments; reserved = what orders hold", "B on hand -1, reserved 0"],
    ["stock that does not add up", (w) => void (w.stockAfter[0]!.onHand = 13), "stock: never negative; on hand = initial - shipped + adjustments; reserved = what orders hold", "A on hand 13, expected 12 (10 - 1 shipped + 3)"],
    ["a reservation nobody holds", (w) => void (w.stockAfter[1]!.reserved = 4), "stock: never negative; on hand = initial - shipped + adjustments; reserved = what orders hold", "B reserved 4, orders hold 2"],
    ["a parcel for an order that failed shipping", (w) => {
      w.orders[0] = order("o1", "SHIPPING_FAILED");
      w.ledger.splice(1, 1);
      w.stockAfter[0]!.onHand = 13;
    }, "each shipment once and only for a shipped order", "o1 SHIPPING_FAILED but a parcel was booked (SP1)"],
    ["two parcels", (w) => w.parcels.push({ orderId: "o1", trackingNumber: "SP2" }), "each shipment once and only for a shipped order", "o1 has 2 parcels"],
    ["two parcels from one warehouse", (w) => {
      w.orders[0]!.parcels = ["SP1", "SP2"];
      w.parcels = [{ orderId: "o1", trackingNumber: "SP1", warehouse: "BER" }, { orderId: "o1", trackingNumber: "SP2", warehouse: "BER" }];
    }, "each shipment once and only for a shipped order", "o1 has 2 parcels from BER, BER"],
    ["a parcel the order does not track", (w) => {
      w.orders[0]!.parcels = ["SP1"];
      w.parcels = [{ orderId: "o1", trackingNumber: "SP1", warehouse: "BER" }, { orderId: "o1", trackingNumber: "SP2", warehouse: "LYS" }];
    }, "each shipment once and only for a shipped order", "o1 tracks SP1, the carrier booked SP1, SP2"],
    ["an outbox not drained", (w) => void (w.outboxPending = { count: 2, examples: ["o1 order.StatusChanged.v1"] }), "outbox drained", "o1 order.StatusChanged.v1"],
    ["a dead letter no fault explains", (w) => void (w.faults = []), "dead letters only where a fault explains them", "#1 actors o2: connection terminated"],
    ["a dead letter long after its fault", (w) => void (w.faults[0]!.at = T - 5_000), "dead letters only where a fault explains them", "#1 actors o2"],
    ["a request left hanging", (w) => w.requests.hung.push("POST /api/orders (key k1) on edge-1"), "every request answered in time (a 503 if the shop cannot serve it)", "POST /api/orders (key k1)"],
    ["a process that died unasked", (w) => w.deaths.push({ name: "actors-2", at: T, code: 1, signal: null }), "no process died that was not killed", "actors-2 exited (code 1)"],
  ];
  test.each(cases)("%s", (_, breakIt, names, example) => {
    const w = healthy();
    breakIt(w);
    const expected = typeof names === "string" ? [names] : names;
    expect(failing(w)).toEqual(expected);
    expect(checkInvariants(w).find((c) => c.name === expected[0])!.examples[0]).toStartWith(example);
  });
});
