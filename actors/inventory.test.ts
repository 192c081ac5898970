import { describe, expect, test } from "bun:test";
import type { Envelope, Line } from "./contracts/index.ts";
import { inventoryActor, skusOf, type InventoryState, type Stock } from "./inventory.ts";
import { ADDRESS, NOW, ORDER, emitted, ev, sent } from "./testing/test-kit.ts";

const created = (lines: Line[], orderId = ORDER) => ev({
  type: "order.OrderCreated.v1",
  payload: {
    orderId, customerId: "cust-1", items: lines.map((l) => ({ ...l, name: l.sku, unitPrice: 100 })),
    total: 100, currency: "EUR", shippingAddress: ADDRESS,
  },
}, orderId);
const retry = (lines: Line[], attempt: number, orderId = ORDER) =>
  ev({ type: "ops.RetryRequested.v1", payload: { orderId, step: "inventory", attempt, lines } }, orderId);
const cancelled = (orderId = ORDER) =>
  ev({ type: "order.OrderCancelled.v1", payload: { orderId, reason: "cancelled by customer", refund: false } }, orderId);
const compensate = (reason: string) =>
  ev({ type: "ops.CompensationRequested.v1", payload: { orderId: ORDER, action: "releaseInventory", reason } });
const shipped = (orderId = ORDER) =>
  ev({ type: "shipping.OrderShipped.v1", payload: { orderId, trackingNumber: "T", carrier: "Post", attempt: 1 } }, orderId);

/** Stock levels as `sku: [onHand, reserved]`, all in the one warehouse holds were kept in before there were more. */
const stock = (levels: Record<string, [number, number]>): Stock =>
  Object.fromEntries(Object.entries(levels).map(([sku, [onHand, reserved]]) => [sku, [{ ...BER, onHand, reserved }]]));
const BER = { warehouse: "BER", country: "DE", priority: 10 };
/** Decide, with the levels it returns as `stock` writes them (the moves each order made are checked on their own). */
const decide = (s: InventoryState | null, e: Envelope, res: Stock) => {
  const out = inventoryActor.decide(s, e, { now: NOW, res });
  return out.kind === "ok" && out.res ? { ...out, res: levelsOf(out.res), moves: movesOf(out.res) } : { ...out, moves: [] };
};
const levelsOf = (res: Stock): Stock =>
  Object.fromEntries(Object.entries(res).map(([sku, bins]) => [sku, bins.map(({ moves: _, ...b }) => b)]));
const movesOf = (res: Stock) => Object.entries(res).flatMap(([sku, bins]) => bins.flatMap((b) => (b.moves ?? []).map((m) => ({ sku, warehouse: b.warehouse, ...m }))));
/** Decide and insist on an ok outcome. */
function accepted(s: InventoryState | null, e: Envelope, res: Stock) {
  const out = decide(s, e, res);
  if (out.kind !== "ok") throw new Error(`${e.type} was not accepted: ${out.kind} ${out.reason}`);
  return out;
}
const HELD_LINES: Line[] = [{ sku: "MUG", qty: 2 }, { sku: "TEE", qty: 1 }];
/** A hold from before warehouses (no allocations): its units are in BER, where migration 0031 left them. */
const HELD: InventoryState = { held: HELD_LINES, sold: false, cancelled: false };
const HELD_AT = HELD_LINES.map((l) => ({ ...l, warehouse: "BER" }));

function expectSane(res: Stock | undefined) {
  for (const l of Object.values(res ?? {}).flat()) {
    expect(l.reserved).toBeGreaterThanOrEqual(0);
    expect(l.reserved).toBeLessThanOrEqual(l.onHand);
  }
}

/** The stock after a good reservation, or the shortages `[sku, requested, available]` of a failed one. */
type Case = [name: string, lines: Line[], before: Stock, after: { stock: Stock } | { short: [string, number, number][] }];
const CASES: Case[] = [
  ["every line available", [{ sku: "MUG", qty: 2 }, { sku: "TEE", qty: 1 }],
    stock({ MUG: [5, 0], TEE: [1, 0] }), { stock: stock({ MUG: [5, 2], TEE: [1, 1] }) }],
  ["exactly the last free units", [{ sku: "MUG", qty: 2 }, { sku: "TEE", qty: 1 }],
    stock({ MUG: [2, 0], TEE: [3, 2] }), { stock: stock({ MUG: [2, 2], TEE: [3, 3] }) }],
  ["duplicate SKUs merged into one line", [{ sku: "MUG", qty: 2 }, { sku: "MUG", qty: 3 }],
    stock({ MUG: [5, 0] }), { stock: stock({ MUG: [5, 5] }) }],
  ["one short line fails the whole order", [{ sku: "MUG", qty: 2 }, { sku: "TEE", qty: 1 }],
    stock({ MUG: [5, 0], TEE: [0, 0] }), { short: [["TEE", 1, 0]] }],
  ["others' reservations count against availability", [{ sku: "MUG", qty: 2 }, { sku: "TEE", qty: 1 }],
    stock({ MUG: [5, 4], TEE: [5, 0] }), { short: [["MUG", 2, 1]] }],
  ["an unknown SKU has nothing available", [{ sku: "MUG", qty: 1 }, { sku: "TEE", qty: 1 }],
    stock({ MUG: [5, 0] }), { short: [["TEE", 1, 0]] }],
  ["merged duplicates exceed stock though each line fits", [{ sku: "MUG", qty: 2 }, { sku: "MUG", qty: 3 }],
    stock({ MUG: [4, 0] }), { short: [["MUG", 5, 4]] }],
  ["every short line is reported", [{ sku: "MUG", qty: 9 }, { sku: "TEE", qty: 9 }],
    stock({ MUG: [5, 0], TEE: [1, 0] }), { short: [["MUG", 9, 5], ["TEE", 9, 1]] }],
];

describe("inventory reservation is all or nothing", () => {
  const entries = [["OrderCreated", created, 1], ["RetryRequested", (ls: Line[]) => retry(ls, 3), 3]] as const;
  for (const [via, make, attempt] of entries) {
    test.each(CASES)(`via ${via}: %s`, (_, lines, before, after) => {
      const out = decide(null, make(lines), before);
      if (out.kind !== "ok" || !out.state) throw new Error(`reservation not decided: ${JSON.stringify(out)}`);
      if ("short" in after) {
        expect(out.res).toBeUndefined(); // no stock change at all
        expect(out.state.held).toBeNull();
        expect(sent(out.emit)).toEqual(["inventory.InventoryFailed.v1"]);
        const failed = emitted(out.emit, "inventory.InventoryFailed.v1");
        expect(failed?.attempt).toBe(attempt);
        expect(failed?.code).toBe("OUT_OF_STOCK");
        expect(failed?.shortages).toEqual(after.short.map(([sku, requested, available]) => ({ sku, requested, available })));
        for (const [sku] of after.short) expect(failed?.reason).toContain(sku);
        return;
      }
      expect(out.res).toEqual(after.stock);
      expectSane(out.res);
      expect(sent(out.emit)).toEqual(["inventory.InventoryReserved.v1"]);
      const held = Object.entries(after.stock).map(([sku, [l]]) => ({ sku, qty: l!.reserved - (before[sku]?.[0]?.reserved ?? 0) }));
      expect(out.state.held).toEqual(held);
      const allocations = held.map((l) => ({ ...l, warehouse: "BER" }));
      expect(out.state.alloc).toEqual(allocations);
      expect(emitted(out.emit, "inventory.InventoryReserved.v1")).toEqual({ orderId: ORDER, lines: held, attempt, allocations });
    });
  }

  test("a second request while stock is held answers again with the same lines and touches no stock", () => {
    const out = accepted(HELD, retry([{ sku: "MUG", qty: 7 }], 2), stock({ MUG: [2, 2], TEE: [1, 1] }));
    expect(out.state).toEqual(HELD);
    expect(out.res).toBeUndefined();
    expect(emitted(out.emit, "inventory.InventoryReserved.v1")).toEqual({ orderId: ORDER, lines: HELD_LINES, attempt: 2, allocations: HELD_AT });
  });
});

describe("inventory release and commit", () => {
  const levels = stock({ MUG: [5, 2], TEE: [1, 1] });

  test("OrderCancelled gives held stock back and marks the order cancelled", () => {
    const out = accepted(HELD, cancelled(), levels);
    expect(out.state).toEqual({ held: null, sold: false, cancelled: true });
    expect(out.res).toEqual(stock({ MUG: [5, 0], TEE: [1, 0] }));
    expect(emitted(out.emit, "inventory.InventoryReleased.v1")).toEqual({ orderId: ORDER, lines: HELD_LINES, reason: "order cancelled", allocations: HELD_AT });
  });

  test("a releaseInventory compensation gives held stock back with its reason", () => {
    const out = accepted(HELD, compensate("reservation expired"), levels);
    expect(out.state).toEqual({ held: null, sold: false, cancelled: false });
    expect(out.res).toEqual(stock({ MUG: [5, 0], TEE: [1, 0] }));
    expect(emitted(out.emit, "inventory.InventoryReleased.v1")?.reason).toBe("reservation expired");
  });

  test.each([
    ["OrderCancelled", cancelled()],
    ["releaseInventory", compensate("released by admin")],
  ])("%s with nothing held changes nothing and says nothing", (_, e) => {
    const out = accepted({ held: null, sold: false, cancelled: false }, e, levels);
    expect(out.emit).toEqual([]);
    expect(out.res).toBeUndefined();
  });

  test("OrderShipped commits the held stock: onHand and reserved both drop", () => {
    const out = accepted(HELD, shipped(), levels);
    expect(out.state).toEqual({ held: null, sold: true, cancelled: false });
    expect(out.res).toEqual(stock({ MUG: [3, 0], TEE: [0, 0] }));
    expect(emitted(out.emit, "inventory.StockCommitted.v1")).toEqual({ orderId: ORDER, lines: HELD_LINES, allocations: HELD_AT });
  });

  test("each change is kept as its order's move, so the movement log names the order: reserved, released, shipped", () => {
    const one = inventoryActor.decide(null, created([{ sku: "MUG", qty: 2 }], "order-1"), { now: NOW, res: stock({ MUG: [5, 0] }) });
    if (one.kind !== "ok" || !one.res) throw new Error("not reserved");
    // a second order in the same batch: the levels carry the first one's move along
    const two = inventoryActor.decide(null, created([{ sku: "MUG", qty: 1 }], "order-2"), { now: NOW, res: one.res });
    if (two.kind !== "ok" || !two.res) throw new Error("not reserved");
    expect(two.res.MUG).toEqual([{ ...BER, onHand: 5, reserved: 3, moves: [{ orderId: "order-1", onHand: 0, reserved: 2 }, { orderId: "order-2", onHand: 0, reserved: 1 }] }]);
    expect(accepted(HELD, shipped(), levels).moves).toEqual([
      { sku: "MUG", warehouse: "BER", orderId: ORDER, onHand: -2, reserved: -2 }, { sku: "TEE", warehouse: "BER", orderId: ORDER, onHand: -1, reserved: -1 },
    ]);
    expect(accepted(HELD, cancelled(), levels).moves.map((m) => [m.sku, m.onHand, m.reserved])).toEqual([["MUG", 0, -2], ["TEE", 0, -1]]);
  });

  test("a reservation request answered before, delivered again after its stock was released, reserves nothing", () => {
    const plenty = stock({ MUG: [99, 0], TEE: [99, 0] });
    const reserved = accepted(null, created(HELD_LINES), plenty);
    const released = accepted(reserved.state, compensate("reservation expired"), reserved.res!);
    expect(decide(released.state, created(HELD_LINES), released.res!).kind).toBe("ignore");
    const failed = accepted(null, created(HELD_LINES), stock({ MUG: [0, 0], TEE: [0, 0] }));
    expect(decide(failed.state, created(HELD_LINES), plenty).kind).toBe("ignore");
    expect(accepted(failed.state, retry(HELD_LINES, 2), plenty).state).toEqual({ held: HELD_LINES, alloc: HELD_AT, sold: false, cancelled: false, answered: 2 });
  });

  test("OrderShipped with nothing held is ignored", () => {
    expect(decide(null, shipped(), levels).kind).toBe("ignore");
  });

  const gone: [string, InventoryState][] = [
    ["cancelled", { held: null, sold: false, cancelled: true }],
    ["sold", { held: null, sold: true, cancelled: false }],
  ];
  test.each(gone)("a %s order never reserves again", (_, s) => {
    const plenty = stock({ MUG: [99, 0], TEE: [99, 0] });
    expect(decide(s, created(HELD_LINES), plenty).kind).toBe("ignore");
    expect(decide(s, retry(HELD_LINES, 2), plenty).kind).toBe("ignore");
  });

  test("a cancellation that overtakes the retry request leaves nothing reserved", () => {
    const plenty = stock({ MUG: [99, 0], TEE: [99, 0] });
    const first = accepted(null, cancelled(), plenty);
    expect(first.emit).toEqual([]);
    expect(decide(first.state, retry(HELD_LINES, 2), plenty).kind).toBe("ignore");
  });

  test.each([
    ["a payment retry", ev({ type: "ops.RetryRequested.v1", payload: { orderId: ORDER, step: "refund", attempt: 1, amount: 1 } })],
    ["a refund compensation", ev({ type: "ops.CompensationRequested.v1", payload: { orderId: ORDER, action: "refundPayment", amount: 1, attempt: 1 } })],
    ["a payment answer", ev({ type: "payment.PaymentFailed.v1", payload: { orderId: ORDER, code: "CARD_DECLINED", reason: "x", attempt: 1 } })],
  ])("%s is not for inventory", (_, e) => {
    expect(decide(HELD, e, levels).kind).toBe("ignore");
  });

  test("a stock row the runner did not load is an error, not a silent zero", () => {
    expect(() => decide(HELD, cancelled(), stock({ MUG: [5, 2] }))).toThrow("TEE");
  });
});

test("skusOf names exactly the stock rows a message may touch", () => {
  const dup = [{ sku: "MUG", qty: 1 }, { sku: "CAP", qty: 1 }];
  expect(skusOf(null, created(dup))).toEqual(["MUG", "CAP"]);
  expect(skusOf(null, retry(dup, 2))).toEqual(["MUG", "CAP"]);
  expect(skusOf(HELD, cancelled())).toEqual(["MUG", "TEE"]);
  expect(skusOf(HELD, shipped())).toEqual(["MUG", "TEE"]);
  expect(skusOf(null, shipped())).toEqual([]);
});

test("many orders competing for scarce stock: never oversold, never negative", () => {
  let levels = stock({ MUG: [10, 0] });
  const states = new Map<string, InventoryState | null>();
  const step = (orderId: string, e: Envelope) => {
    const out = decide(states.get(orderId) ?? null, e, levels);
    if (out.kind === "ok") {
      states.set(orderId, out.state);
      levels = out.res ?? levels;
    }
    expectSane(levels);
    return out.kind === "ok" ? sent(out.emit) : [];
  };
  const ids = Array.from({ length: 8 }, (_, i) => `order-${i}`);
  const answers = ids.map((id) => step(id, created([{ sku: "MUG", qty: 3 }], id))[0]);
  expect(answers.filter((a) => a === "inventory.InventoryReserved.v1")).toHaveLength(3);
  expect(levels).toEqual(stock({ MUG: [10, 9] }));
  step("order-0", shipped("order-0"));
  step("order-1", cancelled("order-1"));
  expect(levels).toEqual(stock({ MUG: [7, 3] }));
  expect(step("order-3", retry([{ sku: "MUG", qty: 3 }], 2, "order-3"))).toEqual(["inventory.InventoryReserved.v1"]);
  expect(step("order-4", retry([{ sku: "MUG", qty: 3 }], 2, "order-4"))).toEqual(["inventory.InventoryFailed.v1"]);
  step("order-1", retry([{ sku: "MUG", qty: 3 }], 2, "order-1")); // cancelled: ignored
  expect(levels).toEqual(stock({ MUG: [7, 6] }));
});

describe("warehouses", () => {
  /** One SKU's bins: `warehouse: [country, priority, onHand, reserved]`. */
  const bins = (sku: string, at: Record<string, [string, number, number, number]>): Stock => ({
    [sku]: Object.entries(at).map(([warehouse, [country, priority, onHand, reserved]]) => ({ warehouse, country, priority, onHand, reserved })),
  });
  const spread = () => bins("MUG", { BER: ["DE", 10, 3, 1], LYS: ["FR", 20, 4, 0], NJ: ["US", 30, 5, 0] });
  const to = (country: string, qty: number) => ev({
    type: "order.OrderCreated.v1",
    payload: {
      orderId: ORDER, customerId: "c", items: [{ sku: "MUG", qty, name: "Mug", unitPrice: 1 }], total: 1, currency: "EUR",
      shippingAddress: { ...ADDRESS, country },
    },
  });
  const held = (e: Envelope, res = spread()) => {
    const out = accepted(null, e, res);
    return { out, allocations: emitted(out.emit, "inventory.InventoryReserved.v1")?.allocations };
  };

  test.each([
    ["the customer's country first", "FR", 2, [["LYS", 2]]],
    ["then by priority when none is in the country", "GB", 2, [["BER", 2]]],
    ["a line split across warehouses when the first runs short", "DE", 5, [["BER", 2], ["LYS", 3]]],
    ["the home warehouse, then the others by priority", "US", 8, [["NJ", 5], ["BER", 2], ["LYS", 1]]],
    ["every free unit of every warehouse", "DE", 11, [["BER", 2], ["LYS", 4], ["NJ", 5]]],
  ] as const)("reserves %s", (_, country, qty, expected) => {
    const { out, allocations } = held(to(country, qty));
    expect(allocations).toEqual(expected.map(([warehouse, n]) => ({ sku: "MUG", warehouse, qty: n })));
    expect(out.state?.alloc).toEqual(allocations);
    expectSane(out.res);
    const total = (r: Stock) => r.MUG!.reduce((n, b) => n + b.reserved, 0);
    expect(total(out.res!)).toBe(total(spread()) + qty);
  });

  test("more than all warehouses hold together fails with the sum available", () => {
    const out = accepted(null, to("DE", 12), spread());
    expect(out.res).toBeUndefined();
    expect(emitted(out.emit, "inventory.InventoryFailed.v1")?.shortages).toEqual([{ sku: "MUG", requested: 12, available: 11 }]);
  });

  test("equal priority falls back to the code; a retry without a country goes by priority", () => {
    const tie = bins("MUG", { ZED: ["DE", 10, 5, 0], AAA: ["FR", 10, 5, 0] });
    expect(held(to("GB", 1), tie).allocations).toEqual([{ sku: "MUG", warehouse: "AAA", qty: 1 }]);
    expect(held(retry([{ sku: "MUG", qty: 1 }], 2), spread()).allocations).toEqual([{ sku: "MUG", warehouse: "BER", qty: 1 }]);
  });

  test("a release and a shipment move exactly what each warehouse holds", () => {
    const { out } = held(to("DE", 5));
    const released = accepted(out.state, compensate("payment failed"), out.res!);
    expect(released.res).toEqual(spread());
    expect(emitted(released.emit, "inventory.InventoryReleased.v1")?.allocations).toEqual(out.state?.alloc);
    const sold = accepted(out.state, shipped(), out.res!);
    expect(sold.res).toEqual(bins("MUG", { BER: ["DE", 10, 1, 1], LYS: ["FR", 20, 1, 0], NJ: ["US", 30, 5, 0] }));
    expect(sold.state).toEqual({ held: null, sold: true, cancelled: false, answered: 1 });
  });
});
