/**
 * Small builders shared by the actors' `decide` tests. Every envelope is built with the
 * real `envelope()` and read back through `parseEnvelope`, so each test message also
 * exercises its contract schema.
 */
import { expect } from "bun:test";
import {
  PAYLOADS, envelope, parseEnvelope, type Address, type Emit, type Envelope, type EventType, type OrderItem,
  type OrderStatus, type OrderTimer, type PayloadOf,
} from "../contracts/index.ts";
import type { OrderCommand } from "../order-commands.ts";
import type { OrderConfig, OrderOutcome, OrderState } from "../order-state.ts";
import { orderActor } from "../order.ts";

export const NOW = new Date("2030-01-01T00:00:00.000Z");
export const ORDER = "order-1";

let seq = 0;
/** A fresh, valid UUID (v4 layout) per call; deterministic within a run. */
export const nextId = () => `00000000-0000-4000-8000-${(++seq).toString(16).padStart(12, "0")}`;

/** Send an envelope over the "wire": JSON and back through the contract schemas. */
export const wire = (env: Envelope): Envelope => parseEnvelope(JSON.stringify(env));

/** An envelope for `e`, keyed by the order, validated through its schema. */
export const ev = (e: Emit, key = ORDER, cause: Envelope | null = null): Envelope =>
  wire(envelope(e, key, NOW, cause, nextId()));

/** The types of what a decision emitted, after checking every one against its schema. */
export const sent = (emit: Emit[]): string[] => emit.map((e) => ev(e).type);

export const ADDRESS: Address = { name: "Ada", line1: "1 Loop Rd", city: "Bern", postalCode: "3000", country: "CH" };
export const ITEMS: OrderItem[] = [
  { sku: "MUG", name: "Mug", qty: 2, unitPrice: 1200 },
  { sku: "TEE", name: "T-shirt", qty: 1, unitPrice: 2500 },
];
export const TOTAL = 2 * 1200 + 2500;
export const LINES = ITEMS.map(({ sku, qty }) => ({ sku, qty }));

// ---- the order actor, driven through real transitions --------------------------------

export const CFG: OrderConfig = { reservationTtlMs: 15 * 60_000, handlingMs: 5_000, stallAfterMs: 120_000, refundStallAfterMs: 300_000 };
export const order = orderActor(CFG);

export const PLACE: OrderCommand = {
  type: "Place", orderId: ORDER, customerId: "cust-1", items: ITEMS, currency: "EUR", fxRate: "0.92000000",
  shippingAddress: ADDRESS, paymentToken: "tok_visa",
};

const id = { orderId: ORDER };
/** Participant answers and timers, as the order actor receives them. */
export const msg = {
  reserved: (attempt: number) => ev({ type: "inventory.InventoryReserved.v1", payload: { ...id, lines: LINES, attempt } }),
  invFailed: (attempt: number) => ev({
    type: "inventory.InventoryFailed.v1",
    payload: { ...id, code: "OUT_OF_STOCK", reason: "insufficient stock for TEE", attempt, shortages: [{ sku: "TEE", requested: 1, available: 0 }] },
  }),
  released: () => ev({ type: "inventory.InventoryReleased.v1", payload: { ...id, lines: LINES, reason: "order cancelled" } }),
  authorized: (attempt: number, paymentId = "pay-1") =>
    ev({ type: "payment.PaymentAuthorized.v1", payload: { ...id, paymentId, amount: TOTAL, attempt } }),
  payFailed: (attempt: number) => ev({ type: "payment.PaymentFailed.v1", payload: { ...id, code: "CARD_DECLINED", reason: "card declined", attempt } }),
  captured: () => ev({ type: "payment.PaymentCaptured.v1", payload: { ...id, paymentId: "pay-1", amount: TOTAL } }),
  refunded: () => ev({ type: "payment.PaymentRefunded.v1", payload: { ...id, paymentId: "pay-1", amount: TOTAL } }),
  refundFailed: () => ev({ type: "payment.RefundFailed.v1", payload: { ...id, code: "REFUND_TIMEOUT", reason: "provider down" } }),
  shipped: (attempt: number) =>
    ev({ type: "shipping.OrderShipped.v1", payload: { ...id, trackingNumber: "TRK-1", carrier: "Post", attempt } }),
  shipFailed: (attempt: number) => ev({ type: "shipping.ShippingFailed.v1", payload: { ...id, code: "CARRIER_REJECTED", reason: "no carrier", attempt } }),
  timer: (timer: OrderTimer, token: string) => ev({ type: "order.TimerFired.v1", payload: { ...id, timer, token } }),
};
/** The tokens the order actor gives its timers (a changed attempt makes an older timer stale). */
export const expiryToken = (inventory: number, payment: number) => `inventory:${inventory}:payment:${payment}`;
export const handlingToken = (payment: number, holds = 0) => `payment:${payment}:holds:${holds}`;
/** The stall timer an order in `status` at version `version` (its history's length) arms, due `afterMs` from NOW. */
export const stallTimer = (status: OrderStatus, version: number, afterMs: number) =>
  ({ name: "sagaStalled" as const, at: new Date(NOW.getTime() + afterMs), token: `${status}:${version}` });

export type Step = OrderCommand | Envelope;

/** Decide one step (a command from the edge or a message from the log) for the order actor. */
export const decideOrder = (s: OrderState | null, step: Step) =>
  order.decide(s, "eventId" in step ? { kind: "event", env: step } : { kind: "command", command: step }, {
    now: NOW, res: undefined,
  });

/** Fold `steps` through the order actor; every step must be accepted. Returns all it emitted. */
export function run(steps: Step[], from: OrderState | null = null): { state: OrderState; emit: Emit[] } {
  let s = from;
  const emit: Emit[] = [];
  for (const step of steps) {
    const out = decideOrder(s, step);
    if (out.kind !== "ok") throw new Error(`step ${step.type} was not accepted: ${out.kind} ${out.reason}`);
    s = out.state;
    emit.push(...out.emit);
  }
  if (!s) throw new Error("no order after running the steps");
  return { state: s, emit };
}

/** The order state after `steps`. */
export const drive = (steps: Step[], from: OrderState | null = null): OrderState => run(steps, from).state;

const reserved: Step[] = [PLACE, msg.reserved(1)];
const authorized: Step[] = [...reserved, msg.authorized(1)];
const handedOver: Step[] = [...authorized, msg.timer("handlingElapsed", handlingToken(1))];
const shipFailed: Step[] = [...handedOver, msg.shipFailed(1)];
const payFailed: Step[] = [...reserved, msg.payFailed(1)];
const refundPending: Step[] = [...authorized, { type: "Cancel", by: "customer" }];

/**
 * One realistic way into every status (plus a paid order already handed to the carrier),
 * each reached through the actor itself so no test starts from a state it cannot reach.
 */
export const SITUATIONS = {
  CREATED: { status: "CREATED", steps: [PLACE] },
  INVENTORY_RESERVED: { status: "INVENTORY_RESERVED", steps: reserved },
  INVENTORY_FAILED: { status: "INVENTORY_FAILED", steps: [PLACE, msg.invFailed(1)] },
  PAYMENT_AUTHORIZED: { status: "PAYMENT_AUTHORIZED", steps: authorized },
  "PAYMENT_AUTHORIZED, handed to carrier": { status: "PAYMENT_AUTHORIZED", steps: handedOver },
  PAYMENT_FAILED: { status: "PAYMENT_FAILED", steps: payFailed },
  PROCESSING: { status: "PROCESSING", steps: [...authorized, { type: "SetStatus", status: "PROCESSING" }] },
  SHIPPED: { status: "SHIPPED", steps: [...handedOver, msg.shipped(1)] },
  SHIPPING_FAILED: { status: "SHIPPING_FAILED", steps: shipFailed },
  DELIVERED: { status: "DELIVERED", steps: [...handedOver, msg.shipped(1), { type: "SetStatus", status: "DELIVERED" }] },
  CANCELLED: { status: "CANCELLED", steps: [...reserved, { type: "Cancel", by: "customer" }] },
  REFUND_PENDING: { status: "REFUND_PENDING", steps: refundPending },
  REFUND_FAILED: { status: "REFUND_FAILED", steps: [...refundPending, msg.refundFailed()] },
  REFUNDED: {
    status: "REFUNDED",
    steps: [...shipFailed, { type: "Compensate", action: "refundPayment" }, msg.refunded()],
  },
  INVENTORY_RELEASED: { status: "INVENTORY_RELEASED", steps: [...payFailed, { type: "Compensate", action: "releaseInventory" }] },
} satisfies Record<string, { status: OrderStatus; steps: Step[] }>;
export type Situation = keyof typeof SITUATIONS;
export const SITUATION_NAMES = Object.keys(SITUATIONS) as Situation[];

/** The order state of a named situation. */
export const reach = (name: Situation): OrderState => drive(SITUATIONS[name].steps);

// ---- order assertions --------------------------------------------------------------

export const SC = "order.StatusChanged.v1";
export const COMP = "ops.CompensationRequested.v1";
export type Expect = [to: OrderStatus, emits: string[]];

/** Decide `step` in `before` and check the transition: one history entry, one StatusChanged. */
export function expectMove(before: OrderState, step: Step, [to, emits]: Expect) {
  const snapshot = structuredClone(before);
  const out = decideOrder(before, step);
  expect(before).toEqual(snapshot); // decide is pure: the input state is untouched
  if (out.kind !== "ok" || !out.state) throw new Error(`expected a move to ${to}, got ${JSON.stringify(out)}`);
  expect(out.state.status).toBe(to);
  expect(sent(out.emit)).toEqual(emits);
  expect(out.state.history).toHaveLength(before.history.length + 1);
  expect(out.state.history.at(-1)).toMatchObject({ status: to, at: NOW.toISOString() });
  const changes = out.emit.filter((e) => e.type === SC);
  expect(changes).toHaveLength(1);
  expect(changes[0]?.payload).toMatchObject({ orderId: ORDER, from: before.status, to });
  return out;
}

/** Decide `step` and check nothing happened to the status or the history. */
export function expectStill(before: OrderState, step: Step, emits: string[] | "ignore"): OrderOutcome {
  const snapshot = structuredClone(before);
  const out = decideOrder(before, step);
  expect(before).toEqual(snapshot);
  if (emits === "ignore") {
    expect(out.kind).toBe("ignore");
    return out;
  }
  if (out.kind !== "ok" || !out.state) throw new Error(`expected a quiet ok, got ${JSON.stringify(out)}`);
  expect(out.state.status).toBe(before.status);
  expect(out.state.history).toEqual(before.history);
  expect(sent(out.emit)).toEqual(emits);
  return out;
}

/** The payload of the first emitted event of `type`. */
export function emitted<T extends EventType>(emit: Emit[], type: T): PayloadOf<T> | undefined {
  const e = emit.find((x) => x.type === type);
  // Parsed by the type's own schema; TS cannot tie a generic key to that schema's output, hence the cast.
  return e && (PAYLOADS[type].parse(e.payload) as PayloadOf<T>);
}

