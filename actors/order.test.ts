import { describe, expect, test } from "bun:test";
import { ContractError, ORDER_STATUSES, parseEnvelope, type Envelope, type OrderStatus } from "./contracts/index.ts";
import type { OrderCommand } from "./order-commands.ts";
import type { OrderState } from "./order-state.ts";
import { orderActor } from "./order.ts";
import {
  CFG, COMP, NOW, ORDER, PLACE, SC, SITUATION_NAMES, SITUATIONS, TOTAL, decideOrder, drive, emitted, ev, expectMove,
  expectStill, expiryToken, handlingToken, stallTimer, msg, reach, run, sent, type Expect, type Situation,
} from "./testing/test-kit.ts";

test("the situations reach every one of the 14 statuses", () => {
  const reached = SITUATION_NAMES.map((n) => reach(n).status);
  expect(reached).toEqual(SITUATION_NAMES.map((n) => SITUATIONS[n].status));
  expect(new Set(reached)).toEqual(new Set(ORDER_STATUSES));
});

// ---- commands: status x command ---------------------------------------------------

const COMMANDS = {
  Place: PLACE,
  Cancel: { type: "Cancel", by: "customer" },
  Retry: { type: "Retry" },
  "Compensate refundPayment": { type: "Compensate", action: "refundPayment" },
  "Compensate releaseInventory": { type: "Compensate", action: "releaseInventory" },
  "SetStatus DELIVERED": { type: "SetStatus", status: "DELIVERED" },
  "SetStatus PROCESSING": { type: "SetStatus", status: "PROCESSING" },
  "SetStatus PAYMENT_AUTHORIZED": { type: "SetStatus", status: "PAYMENT_AUTHORIZED" },
} satisfies Record<string, OrderCommand>;
type Cmd = keyof typeof COMMANDS;

const CANCEL_UNPAID: Expect = ["CANCELLED", ["order.OrderCancelled.v1", SC]];
const CANCEL_PAID: Expect = ["REFUND_PENDING", ["order.OrderCancelled.v1", "order.RefundRequested.v1", SC]];
const retryTo = (to: OrderStatus): Expect => [to, ["ops.RetryRequested.v1", SC]];

/** The legal commands per situation; every other pair must be a 409 naming the current status. */
const LEGAL_COMMANDS: Record<Situation, Partial<Record<Cmd, Expect>>> = {
  CREATED: { Cancel: CANCEL_UNPAID },
  INVENTORY_RESERVED: { Cancel: CANCEL_UNPAID },
  INVENTORY_FAILED: { Cancel: CANCEL_UNPAID, Retry: retryTo("CREATED") },
  PAYMENT_AUTHORIZED: { Cancel: CANCEL_PAID, "SetStatus PROCESSING": ["PROCESSING", [SC]] },
  "PAYMENT_AUTHORIZED, handed to carrier": {},
  PAYMENT_FAILED: {
    Cancel: CANCEL_UNPAID, Retry: retryTo("INVENTORY_RESERVED"),
    "Compensate releaseInventory": ["INVENTORY_RELEASED", [COMP, SC]],
  },
  PROCESSING: { Cancel: CANCEL_PAID, "SetStatus PAYMENT_AUTHORIZED": ["PAYMENT_AUTHORIZED", [SC]] },
  SHIPPED: { "SetStatus DELIVERED": ["DELIVERED", [SC]] },
  SHIPPING_FAILED: {
    Cancel: CANCEL_PAID, Retry: retryTo("PAYMENT_AUTHORIZED"),
    "Compensate refundPayment": ["REFUND_PENDING", [COMP, COMP, SC]],
  },
  DELIVERED: {},
  CANCELLED: {},
  REFUND_PENDING: {},
  REFUND_FAILED: { Retry: retryTo("REFUND_PENDING") },
  REFUNDED: {},
  INVENTORY_RELEASED: {},
};

describe("order commands: every status x every command", () => {
  for (const situation of SITUATION_NAMES) {
    for (const [name, command] of Object.entries(COMMANDS) as [Cmd, OrderCommand][]) {
      const legal = LEGAL_COMMANDS[situation][name];
      test(`${situation} + ${name} -> ${legal ? legal[0] : "409"}`, () => {
        const before = reach(situation);
        if (legal) {
          const out = expectMove(before, command, legal);
          expect(out.state?.history.at(-1)?.cause).toBe(`command.${command.type}`);
          return;
        }
        const snapshot = structuredClone(before);
        const out = decideOrder(before, command);
        expect(out).toEqual({ kind: "reject", status: before.status, reason: expect.any(String) });
        expect(before).toEqual(snapshot);
      });
    }
  }

  test.each(Object.entries(COMMANDS).filter(([n]) => n !== "Place"))("%s on a missing order -> rejected naming no status (a 404)", (_, c) => {
    expect(decideOrder(null, c)).toEqual({ kind: "reject", status: null, reason: "order does not exist" });
  });
});

describe("order command details", () => {
  test("Place creates the order with a server-computed total and one history entry", () => {
    const out = decideOrder(null, PLACE);
    if (out.kind !== "ok" || !out.state) throw new Error("place was not accepted");
    expect(out.state).toMatchObject({
      status: "CREATED", total: TOTAL, reserved: false, paymentId: null,
      attempts: { inventory: 1, payment: 0, shipping: 0, refund: 0 },
    });
    expect(out.state.history).toEqual([
      { status: "CREATED", at: NOW.toISOString(), cause: "command.Place", reason: "order placed", details: { total: TOTAL } },
    ]);
    // Creation is announced by OrderCreated (the projector opens the timeline from it), not a StatusChanged.
    expect(sent(out.emit)).toEqual(["order.OrderCreated.v1"]);
    expect(emitted(out.emit, "order.OrderCreated.v1")).toMatchObject({ orderId: ORDER, total: TOTAL, currency: "EUR" });
  });

  test.each([
    ["CREATED", false], ["PAYMENT_FAILED", false], ["PAYMENT_AUTHORIZED", true], ["SHIPPING_FAILED", true],
  ] as const)("Cancel by admin in %s: OrderCancelled says refund=%p", (situation, refund) => {
    const out = decideOrder(reach(situation), { type: "Cancel", by: "admin" });
    if (out.kind !== "ok" || !out.state) throw new Error("cancel was not accepted");
    expect(emitted(out.emit, "order.OrderCancelled.v1")).toEqual({ orderId: ORDER, reason: "cancelled by admin", refund });
    expect(out.state.history.at(-1)?.reason).toBe("cancelled by admin");
    if (!refund) return expect(out.cancelTimers).toEqual(["reservationExpiry", "sagaStalled"]);
    expect(out.state.refundGoal).toBe("CANCELLED");
    expect(out.cancelTimers).toEqual(["handlingElapsed", "reservationExpiry"]);
    expect(emitted(out.emit, "order.RefundRequested.v1")).toMatchObject({ amount: TOTAL, attempt: 1 });
  });

  test.each([
    ["INVENTORY_FAILED", { step: "inventory", attempt: 2 }, { inventory: 2 }],
    ["PAYMENT_FAILED", { step: "payment", attempt: 2, amount: TOTAL, paymentToken: "tok_visa" }, { payment: 2 }],
    ["SHIPPING_FAILED", { step: "shipping", attempt: 2 }, { shipping: 2 }],
    ["REFUND_FAILED", { step: "refund", attempt: 2, amount: TOTAL }, { refund: 2 }],
  ] as const)("Retry in %s asks for the next attempt of the failed step", (situation, request, attempts) => {
    const out = decideOrder(reach(situation), { type: "Retry" });
    if (out.kind !== "ok" || !out.state) throw new Error("retry was not accepted");
    expect(emitted(out.emit, "ops.RetryRequested.v1")).toMatchObject({ orderId: ORDER, ...request });
    expect(out.state.attempts).toMatchObject(attempts);
  });

  test("a payment retry restarts the reservation expiry under a new token", () => {
    const out = decideOrder(reach("PAYMENT_FAILED"), { type: "Retry" });
    expect(out).toMatchObject({ kind: "ok", timers: [{ name: "reservationExpiry", token: expiryToken(1, 2) }, { name: "sagaStalled" }] });
    if (out.kind === "ok") expect(out.timers?.[0]?.at).toEqual(new Date(NOW.getTime() + CFG.reservationTtlMs));
  });

  test("a shipping retry hands the order to the carrier at once, so it can no longer be held or cancelled", () => {
    const s = drive([{ type: "Retry" }], reach("SHIPPING_FAILED"));
    expect(s).toMatchObject({ status: "PAYMENT_AUTHORIZED", shipmentRequested: true });
    expect(decideOrder(s, { type: "Cancel", by: "customer" })).toMatchObject({ kind: "reject", status: "PAYMENT_AUTHORIZED" });
    expect(decideOrder(s, { type: "SetStatus", status: "PROCESSING" })).toMatchObject({ kind: "reject" });
  });

  test("Compensate refundPayment aims the refund at REFUNDED", () => {
    const out = decideOrder(reach("SHIPPING_FAILED"), { type: "Compensate", action: "refundPayment" });
    if (out.kind !== "ok" || !out.state) throw new Error("compensation was not accepted");
    expect(out.state.refundGoal).toBe("REFUNDED");
    expect(emitted(out.emit, COMP)).toEqual({ orderId: ORDER, action: "refundPayment", amount: TOTAL, attempt: 1 });
  });

  test("Compensate releaseInventory releases the held stock and stops the expiry", () => {
    const out = decideOrder(reach("PAYMENT_FAILED"), { type: "Compensate", action: "releaseInventory" });
    expect(out).toMatchObject({ kind: "ok", cancelTimers: ["reservationExpiry", "sagaStalled"] });
    if (out.kind === "ok") expect(emitted(out.emit, COMP)).toMatchObject({ action: "releaseInventory" });
  });

  test("Compensate releaseInventory is refused when inventory already gave the stock back", () => {
    const s = drive([msg.released()], reach("PAYMENT_FAILED"));
    expect(decideOrder(s, { type: "Compensate", action: "releaseInventory" }))
      .toMatchObject({ kind: "reject", status: "PAYMENT_FAILED" });
  });

  test("holding stops the handling timer; lifting the hold starts it again", () => {
    expect(decideOrder(reach("PAYMENT_AUTHORIZED"), { type: "SetStatus", status: "PROCESSING" }))
      .toMatchObject({ kind: "ok", cancelTimers: ["handlingElapsed", "sagaStalled"] });
    const out = decideOrder(reach("PROCESSING"), { type: "SetStatus", status: "PAYMENT_AUTHORIZED" });
    expect(out).toMatchObject({ kind: "ok", timers: [{ name: "handlingElapsed", token: handlingToken(1, 1) }, { name: "sagaStalled" }] });
    if (out.kind === "ok") expect(out.timers?.[0]?.at).toEqual(new Date(NOW.getTime() + CFG.handlingMs));
  });
});

// ---- events: every participant answer and timer in every status --------------------

const cur = (attempt: number) => Math.max(1, attempt);
/** Each message as it would arrive for the state's current attempt (or the first one). */
const EVENTS = {
  InventoryReserved: (s: OrderState) => msg.reserved(cur(s.attempts.inventory)),
  InventoryFailed: (s: OrderState) => msg.invFailed(cur(s.attempts.inventory)),
  PaymentAuthorized: (s: OrderState) => msg.authorized(cur(s.attempts.payment)),
  PaymentFailed: (s: OrderState) => msg.payFailed(cur(s.attempts.payment)),
  OrderShipped: (s: OrderState) => msg.shipped(cur(s.attempts.shipping)),
  ShippingFailed: (s: OrderState) => msg.shipFailed(cur(s.attempts.shipping)),
  PaymentRefunded: () => msg.refunded(),
  RefundFailed: () => msg.refundFailed(),
  "reservationExpiry timer": (s: OrderState) =>
    msg.timer("reservationExpiry", expiryToken(s.attempts.inventory, s.attempts.payment)),
  "handlingElapsed timer": (s: OrderState) => msg.timer("handlingElapsed", handlingToken(s.attempts.payment)),
} satisfies Record<string, (s: OrderState) => Envelope>;
type Ev = keyof typeof EVENTS;

/** A move, or a quiet ok (no status change, these emits); anything not listed is ignored. */
type EvExpect = { move: Expect } | { quiet: string[] };
const mv = (to: OrderStatus, ...emits: string[]): EvExpect => ({ move: [to, emits] });
const quiet = (...emits: string[]): EvExpect => ({ quiet: emits });
// A PaymentRefunded outside REFUND_PENDING answers a voided authorization: it only forgets the payment id.
const FORGET = { PaymentRefunded: quiet() };
// A reservation answer overtaken by a cancellation only notes the stock is held (inventory releases it).
const NOTE_HELD = { InventoryReserved: quiet() };

const ON_EVENT: Record<Situation, Partial<Record<Ev, EvExpect>>> = {
  CREATED: {
    ...FORGET,
    InventoryReserved: mv("INVENTORY_RESERVED", SC, "order.PaymentRequested.v1"),
    InventoryFailed: mv("INVENTORY_FAILED", SC),
  },
  INVENTORY_RESERVED: {
    ...FORGET,
    PaymentAuthorized: mv("PAYMENT_AUTHORIZED", SC),
    PaymentFailed: mv("PAYMENT_FAILED", SC),
    "reservationExpiry timer": mv("INVENTORY_RELEASED", COMP, SC),
  },
  INVENTORY_FAILED: { ...FORGET, ...NOTE_HELD },
  PAYMENT_AUTHORIZED: { ...FORGET, "handlingElapsed timer": quiet("order.ShipmentRequested.v1") },
  "PAYMENT_AUTHORIZED, handed to carrier": {
    ...FORGET,
    OrderShipped: mv("SHIPPED", SC, "order.PaymentCaptureRequested.v1"),
    ShippingFailed: mv("SHIPPING_FAILED", SC),
  },
  PAYMENT_FAILED: { ...FORGET, "reservationExpiry timer": mv("INVENTORY_RELEASED", COMP, SC) },
  PROCESSING: { ...FORGET },
  SHIPPED: { ...FORGET, ...NOTE_HELD },
  SHIPPING_FAILED: { ...FORGET },
  DELIVERED: { ...FORGET, ...NOTE_HELD },
  CANCELLED: { ...FORGET, PaymentAuthorized: quiet("order.RefundRequested.v1") },
  REFUND_PENDING: { PaymentRefunded: mv("CANCELLED", SC), RefundFailed: mv("REFUND_FAILED", SC) },
  REFUND_FAILED: { ...FORGET },
  REFUNDED: { ...FORGET },
  INVENTORY_RELEASED: { ...FORGET, PaymentAuthorized: quiet("order.RefundRequested.v1") },
};

describe("order events: every answer and timer in every status", () => {
  for (const situation of SITUATION_NAMES) {
    for (const [name, make] of Object.entries(EVENTS) as [Ev, (s: OrderState) => Envelope][]) {
      const want = ON_EVENT[situation][name];
      const label = !want ? "ignored" : "move" in want ? want.move[0] : `kept, emits [${want.quiet.join(", ")}]`;
      test(`${situation} + ${name} -> ${label}`, () => {
        const before = reach(situation);
        const e = make(before);
        if (!want) expectStill(before, e, "ignore");
        else if ("move" in want) expectMove(before, e, want.move);
        else expectStill(before, e, want.quiet);
      });
    }
  }

  test.each(SITUATION_NAMES)("%s: InventoryReleased and PaymentCaptured only update the flags", (situation) => {
    const before = reach(situation);
    const released = expectStill(before, msg.released(), []);
    expect(released.kind === "ok" && released.state?.reserved).toBe(false);
    const captured = expectStill(before, msg.captured(), []);
    expect(captured.kind === "ok" && captured.state?.captured).toBe(true);
  });

  test("StockCommitted (for the projector, not the order) is ignored", () => {
    expectStill(reach("PAYMENT_AUTHORIZED"), ev({ type: "inventory.StockCommitted.v1", payload: { orderId: ORDER, lines: [] } }), "ignore");
  });

  test("an unknown timer never reaches the order: it breaks the TimerFired contract", () => {
    const fired = msg.timer("handlingElapsed", handlingToken(1));
    const raw = JSON.stringify({ ...fired, payload: { ...fired.payload, timer: "bogus" } });
    expect(() => parseEnvelope(raw)).toThrow(ContractError);
    expect(() => parseEnvelope(raw)).toThrow(/bad payload for order.TimerFired.v1: timer/);
  });

  test("events for an order that does not exist are ignored", () => {
    expect(decideOrder(null, msg.reserved(1))).toMatchObject({ kind: "ignore", reason: "no such order" });
  });
});

describe("stale answers and timers in the right status are ignored", () => {
  const retried = {
    inventory: drive([{ type: "Retry" }], reach("INVENTORY_FAILED")),
    payment: drive([{ type: "Retry" }], reach("PAYMENT_FAILED")),
    shipping: drive([{ type: "Retry" }], reach("SHIPPING_FAILED")),
  };

  test.each([
    ["InventoryFailed", retried.inventory, msg.invFailed(1)],
    ["PaymentAuthorized", retried.payment, msg.authorized(1)],
    ["PaymentFailed", retried.payment, msg.payFailed(1)],
    ["OrderShipped", retried.shipping, msg.shipped(1)],
    ["ShippingFailed", retried.shipping, msg.shipFailed(1)],
    ["reservationExpiry of the first payment attempt", retried.payment, msg.timer("reservationExpiry", expiryToken(1, 1))],
    ["handlingElapsed with another payment's token", reach("PAYMENT_AUTHORIZED"), msg.timer("handlingElapsed", handlingToken(2))],
  ] as const)("%s from attempt 1 after a retry", (_, before, e) => {
    expectStill(before, e, "ignore");
  });

  test.each([
    ["InventoryReserved", retried.inventory, msg.reserved(2), "INVENTORY_RESERVED"],
    ["PaymentAuthorized", retried.payment, msg.authorized(2), "PAYMENT_AUTHORIZED"],
    ["PaymentFailed", retried.payment, msg.payFailed(2), "PAYMENT_FAILED"],
    ["OrderShipped", retried.shipping, msg.shipped(2), "SHIPPED"],
    ["ShippingFailed", retried.shipping, msg.shipFailed(2), "SHIPPING_FAILED"],
    ["reservationExpiry", retried.payment, msg.timer("reservationExpiry", expiryToken(1, 2)), "INVENTORY_RELEASED"],
  ] as const)("%s of the retried attempt is taken", (_, before, e, to) => {
    expect(decideOrder(before, e)).toMatchObject({ kind: "ok", state: { status: to } });
  });

  test("a stale reservation answer only notes the stock is held; the retried attempt still moves on", () => {
    const noted = drive([msg.reserved(1)], retried.inventory);
    expect(noted).toMatchObject({ status: "CREATED", reserved: true });
    expectMove(noted, msg.reserved(2), ["INVENTORY_RESERVED", [SC, "order.PaymentRequested.v1"]]);
  });

  test("handlingElapsed asks for shipment once: a second firing is ignored", () => {
    const once = drive([msg.timer("handlingElapsed", handlingToken(1))], reach("PAYMENT_AUTHORIZED"));
    expect(once).toMatchObject({ shipmentRequested: true, attempts: { shipping: 1 } });
    expectStill(once, msg.timer("handlingElapsed", handlingToken(1)), "ignore");
  });
});

describe("order event details", () => {
  test("a reservation asks for payment attempt 1 and arms the expiry", () => {
    const out = decideOrder(reach("CREATED"), msg.reserved(1));
    if (out.kind !== "ok") throw new Error("reservation was not taken");
    expect(emitted(out.emit, "order.PaymentRequested.v1"))
      .toEqual({ orderId: ORDER, amount: TOTAL, currency: "EUR", paymentToken: "tok_visa", attempt: 1 });
    expect(out.timers).toEqual([
      { name: "reservationExpiry", at: new Date(NOW.getTime() + CFG.reservationTtlMs), token: expiryToken(1, 1) },
      stallTimer("INVENTORY_RESERVED", 2, CFG.stallAfterMs),
    ]);
  });

  test("an authorization keeps the payment id, stops the expiry and starts the handling time", () => {
    const out = decideOrder(reach("INVENTORY_RESERVED"), msg.authorized(1, "pay-42"));
    expect(out).toMatchObject({
      kind: "ok", state: { paymentId: "pay-42" }, cancelTimers: ["reservationExpiry"],
      timers: [
        { name: "handlingElapsed", at: new Date(NOW.getTime() + CFG.handlingMs), token: handlingToken(1) },
        stallTimer("PAYMENT_AUTHORIZED", 3, CFG.handlingMs + CFG.stallAfterMs),
      ],
    });
  });

  test("handlingElapsed requests the shipment with the address and lines", () => {
    const out = decideOrder(reach("PAYMENT_AUTHORIZED"), msg.timer("handlingElapsed", handlingToken(1)));
    if (out.kind !== "ok") throw new Error("timer was not taken");
    expect(emitted(out.emit, "order.ShipmentRequested.v1")).toMatchObject({ attempt: 1, items: [{ sku: "MUG", qty: 2 }, { sku: "TEE", qty: 1 }] });
  });

  test("shipping requests the capture and clears the reservation (inventory commits it)", () => {
    const out = decideOrder(reach("PAYMENT_AUTHORIZED, handed to carrier"), msg.shipped(1));
    expect(out).toMatchObject({ kind: "ok", state: { trackingNumber: "TRK-1", reserved: false } });
    if (out.kind === "ok") expect(emitted(out.emit, "order.PaymentCaptureRequested.v1")).toEqual({ orderId: ORDER, amount: TOTAL });
  });

  test("an expired reservation gives the stock back", () => {
    const out = decideOrder(reach("INVENTORY_RESERVED"), msg.timer("reservationExpiry", expiryToken(1, 1)));
    if (out.kind !== "ok") throw new Error("expiry was not taken");
    expect(emitted(out.emit, COMP)).toEqual({ orderId: ORDER, action: "releaseInventory", reason: "reservation expired" });
    expect(out.state?.history.at(-1)).toMatchObject({ status: "INVENTORY_RELEASED", code: "RESERVATION_EXPIRED", reason: "reservation expired" });
  });

  test.each([
    ["InventoryFailed", reach("CREATED"), msg.invFailed(1), "OUT_OF_STOCK", "insufficient stock for TEE"],
    ["PaymentFailed", reach("INVENTORY_RESERVED"), msg.payFailed(1), "CARD_DECLINED", "card declined"],
    ["ShippingFailed", reach("PAYMENT_AUTHORIZED, handed to carrier"), msg.shipFailed(1), "CARRIER_REJECTED", "no carrier"],
    ["RefundFailed", reach("REFUND_PENDING"), msg.refundFailed(), "REFUND_TIMEOUT", "provider down"],
  ] as const)("%s: its code and reason go on the history entry and the StatusChanged", (_, before, e, code, reason) => {
    const out = decideOrder(before, e);
    if (out.kind !== "ok") throw new Error("failure was not taken");
    expect(out.state?.history.at(-1)).toMatchObject({ code, reason });
    expect(emitted(out.emit, SC)).toMatchObject({ code, reason });
  });

  test("a move that records no failure carries no code", () => {
    const out = decideOrder(reach("INVENTORY_RESERVED"), msg.authorized(1));
    if (out.kind !== "ok") throw new Error("authorization was not taken");
    expect(out.state?.history.at(-1)).not.toHaveProperty("code");
    expect(emitted(out.emit, SC)).not.toHaveProperty("code");
  });
});

describe("void path: an authorization that arrives after the order stopped", () => {
  test.each(["CANCELLED", "INVENTORY_RELEASED"] as const)("in %s it is refunded once, without a status change", (situation) => {
    const out = expectStill(reach(situation), msg.authorized(1, "pay-late"), ["order.RefundRequested.v1"]);
    if (out.kind !== "ok" || !out.state) throw new Error("authorization was not voided");
    expect(emitted(out.emit, "order.RefundRequested.v1")).toMatchObject({ orderId: ORDER, amount: TOTAL, attempt: 1 });
    expect(out.state).toMatchObject({ paymentId: "pay-late", attempts: { refund: 1 } });
    // The same authorization again must not ask for a second refund.
    expectStill(out.state, msg.authorized(1, "pay-late"), "ignore");
    const after = expectStill(out.state, msg.refunded(), []);
    expect(after.kind === "ok" && after.state?.paymentId).toBeNull();
  });
});

describe("refunds: where REFUND_PENDING leads", () => {
  test("a cancellation refund ends CANCELLED and leaves the stock to OrderCancelled", () => {
    const before = reach("REFUND_PENDING");
    expect(before.refundGoal).toBe("CANCELLED");
    const out = expectMove(before, msg.refunded(), ["CANCELLED", [SC]]);
    expect(out.state?.refundGoal).toBeNull();
  });

  test("a compensation refund after failed shipping releases the inventory at once and ends REFUNDED", () => {
    const asked = decideOrder(reach("SHIPPING_FAILED"), { type: "Compensate", action: "refundPayment" });
    if (asked.kind !== "ok" || !asked.state) throw new Error("compensation refused");
    const comps = asked.emit.filter((e) => e.type === COMP).map((e) => e.payload);
    expect(comps).toEqual([
      { orderId: ORDER, action: "refundPayment", amount: TOTAL, attempt: 1 },
      { orderId: ORDER, action: "releaseInventory", reason: "order refunded" },
    ]);
    expect(asked.state).toMatchObject({ status: "REFUND_PENDING", refundGoal: "REFUNDED" });
    const out = expectMove(asked.state, msg.refunded(), ["REFUNDED", [SC]]);
    expect(out.state?.paymentId).toBeNull();
  });

  test("a failed compensation refund, retried, keeps aiming at REFUNDED", () => {
    const failed = drive([{ type: "Compensate", action: "refundPayment" }, msg.refundFailed()], reach("SHIPPING_FAILED"));
    expect(failed.status).toBe("REFUND_FAILED");
    const retried = drive([{ type: "Retry" }], failed);
    expect(retried).toMatchObject({ status: "REFUND_PENDING", refundGoal: "REFUNDED", attempts: { refund: 2 } });
    expectMove(retried, msg.refunded(), ["REFUNDED", [SC]]);
  });

  test.each(["CANCELLED", "INVENTORY_RELEASED"] as const)("a void that fails in %s surfaces as REFUND_FAILED; a retry returns there", (situation) => {
    const voiding = drive([msg.authorized(1, "pay-late")], reach(situation));
    const out = expectMove(voiding, msg.refundFailed(), ["REFUND_FAILED", [SC]]);
    expect(out.state?.refundGoal).toBe(situation);
    const retried = drive([{ type: "Retry" }], out.state!);
    expect(retried.status).toBe("REFUND_PENDING");
    expectMove(retried, msg.refunded(), [situation, [SC]]);
  });
});

describe("admin hold", () => {
  test("a handling timer set before a hold does not ship after the hold is lifted", () => {
    const paid = reach("PAYMENT_AUTHORIZED");
    const held = drive([{ type: "SetStatus", status: "PROCESSING" }, { type: "SetStatus", status: "PAYMENT_AUTHORIZED" }], paid);
    expect(held.holds).toBe(1);
    expectStill(held, msg.timer("handlingElapsed", handlingToken(1, 0)), "ignore");
    const ship = decideOrder(held, msg.timer("handlingElapsed", handlingToken(1, 1)));
    expect(ship.kind === "ok" && ship.emit.map((e) => e.type)).toEqual(["order.ShipmentRequested.v1"]);
  });
});

test("a whole saga through every retry: history and StatusChanged tell the same story", () => {
  const { state, emit } = run([
    PLACE, msg.invFailed(1), { type: "Retry" }, msg.reserved(2), msg.payFailed(1), { type: "Retry" },
    msg.authorized(2), msg.timer("handlingElapsed", handlingToken(2)), msg.shipFailed(1), { type: "Retry" },
    msg.shipped(2), msg.captured(), { type: "SetStatus", status: "DELIVERED" },
  ]);
  const path: OrderStatus[] = [
    "CREATED", "INVENTORY_FAILED", "CREATED", "INVENTORY_RESERVED", "PAYMENT_FAILED", "INVENTORY_RESERVED",
    "PAYMENT_AUTHORIZED", "SHIPPING_FAILED", "PAYMENT_AUTHORIZED", "SHIPPED", "DELIVERED",
  ];
  expect(state.history.map((h) => h.status)).toEqual(path);
  const changes = emit.flatMap((e) => (e.type === SC ? [e.payload] : []));
  expect(changes.map((c) => [c.from, c.to])).toEqual(path.slice(1).map((to, i) => [path[i] ?? null, to]));
  expect(state).toMatchObject({ captured: true, attempts: { inventory: 2, payment: 2, shipping: 2, refund: 0 } });
});

test("each transition caused by a message records that message's ids; commands record none", () => {
  const placed = drive([PLACE]);
  const cause = msg.invFailed(1);
  const reserved = ev({ type: "inventory.InventoryReserved.v1", payload: { orderId: ORDER, lines: [{ sku: "TEE", qty: 2 }], attempt: 1 } }, ORDER, cause);
  const state = drive([reserved, { type: "Cancel", by: "customer" }], placed);
  const [created, onReserved, cancelled] = state.history;
  expect(created?.message).toBeUndefined();
  expect(onReserved?.message).toEqual({ eventId: reserved.eventId, correlationId: cause.correlationId, causationId: cause.eventId });
  expect(cancelled?.message).toBeUndefined();
  // a message that only changes state (no transition) adds no entry and marks none
  expect(drive([msg.released()], state).history).toEqual(state.history);
});

describe("no handling time", () => {
  const instant = orderActor({ ...CFG, handlingMs: 0 });
  const decide = (s: OrderState | null, env: Envelope) => instant.decide(s, { kind: "event", env }, { now: NOW, res: undefined });

  test("an authorized payment asks for the shipment at once: no handling timer, no message for it to fire", () => {
    const reserved = reach("INVENTORY_RESERVED");
    const out = decide(reserved, msg.authorized(1) as Envelope);
    if (out.kind !== "ok" || !out.state) throw new Error("not accepted");
    expect(out.emit.map((e) => e.type)).toEqual([SC, "order.ShipmentRequested.v1"]);
    expect(emitted(out.emit, "order.ShipmentRequested.v1")).toMatchObject({ orderId: ORDER, attempt: 1 });
    expect(out.timers?.map((t) => t.name)).toEqual(["sagaStalled"]);
    expect(out.cancelTimers).toEqual(["reservationExpiry"]);
    // the same state the handling timer would have led to
    const statuses = (o: OrderState) => ({ ...o, history: o.history.map((h) => h.status) });
    expect(statuses(out.state)).toEqual(statuses(drive([msg.timer("handlingElapsed", handlingToken(1))], reach("PAYMENT_AUTHORIZED"))));
    expect(decide(out.state, msg.timer("handlingElapsed", handlingToken(1)) as Envelope).kind).toBe("ignore");
  });
});
