import type { Address, Emit, OrderItem, OrderStatus, OrderTimer } from "./contracts/index.ts";
import { ok, reject, unreachable, type TimerSet } from "./runtime/actor.ts";
import { lines, move, parcelsOf, type OrderConfig, type OrderOutcome, type OrderState } from "./order-state.ts";

/** Commands the edge sends to the order aggregate; answered synchronously (202 or 409). */
export type OrderCommand =
  | {
      type: "Place";
      orderId: string;
      customerId: string;
      /** unit prices already converted to `currency` */
      items: OrderItem[];
      currency: string;
      /** units of `currency` per US dollar the prices were converted at, e.g. "0.92000000" */
      fxRate: string;
      shippingAddress: Address;
      paymentToken: string;
    }
  | { type: "Cancel"; by: "customer" | "admin" }
  | { type: "Retry" }
  /** the customer's own retry of a declined payment, with another card, while the reservation holds */
  | { type: "PayAgain"; paymentToken: string }
  | { type: "Compensate"; action: "refundPayment" | "releaseInventory" }
  | { type: "SetStatus"; status: "DELIVERED" | "PROCESSING" | "PAYMENT_AUTHORIZED" };

type Out = OrderOutcome;
const cause = (c: OrderCommand) => `command.${c.type}`;

/** The timer that hands a paid order to the carrier once the handling time is over. */
export const handlingTimer = (s: OrderState, now: Date, cfg: OrderConfig): TimerSet<OrderTimer> => ({
  name: "handlingElapsed",
  at: new Date(now.getTime() + cfg.handlingMs),
  token: `payment:${s.attempts.payment}:holds:${s.holds}`,
});
/** The timer that gives the stock back when a reservation is not paid in time. */
export const expiryTimer = (s: OrderState, now: Date, cfg: OrderConfig): TimerSet<OrderTimer> => ({
  name: "reservationExpiry",
  at: new Date(now.getTime() + cfg.reservationTtlMs),
  token: `inventory:${s.attempts.inventory}:payment:${s.attempts.payment}`,
});

/** Decide a command. `null` state means the order does not exist yet. */
export function decideCommand(s: OrderState | null, c: OrderCommand, now: Date, cfg: OrderConfig): Out {
  if (c.type === "Place") return place(s, c, now);
  if (!s) return reject(null, "order does not exist");
  switch (c.type) {
    case "Cancel":
      return cancel(s, c, now);
    case "Retry":
      return retry(s, now, cfg);
    case "PayAgain":
      return payAgain(s, c, now, cfg);
    case "Compensate":
      return compensate(s, c, now);
    case "SetStatus":
      return setStatus(s, c, now, cfg);
    default:
      return unreachable(c);
  }
}

function place(s: OrderState | null, c: Extract<OrderCommand, { type: "Place" }>, now: Date): Out {
  if (s) return reject(s.status, "order already exists");
  const at = now.toISOString();
  const total = c.items.reduce((sum, i) => sum + i.unitPrice * i.qty, 0);
  const state: OrderState = {
    orderId: c.orderId, customerId: c.customerId, status: "CREATED", items: c.items, total,
    currency: c.currency, fxRate: c.fxRate, shippingAddress: c.shippingAddress, paymentToken: c.paymentToken,
    attempts: { inventory: 1, payment: 0, shipping: 0, refund: 0 },
    reserved: false, paymentId: null, captured: false, shipmentRequested: false,
    trackingNumber: null, refundGoal: null, holds: 0, createdAt: at, updatedAt: at,
    history: [{ status: "CREATED", at, cause: cause(c), reason: "order placed", details: { total } }],
  };
  return ok(state, [{
    type: "order.OrderCreated.v1",
    payload: {
      orderId: c.orderId, customerId: c.customerId, items: c.items, total,
      currency: c.currency, fxRate: c.fxRate, shippingAddress: c.shippingAddress,
    },
  }]);
}

/** What a cancel does per status: release (unpaid), refund (paid) or nothing; a Record, so a new status must be decided here. */
const CANCEL: Record<OrderStatus, "release" | "refund" | null> = {
  CREATED: "release", INVENTORY_FAILED: "release", INVENTORY_RESERVED: "release", PAYMENT_FAILED: "release",
  // closed already: its stock went back and nothing was kept; there is nothing left to cancel
  INVENTORY_RELEASED: null,
  PAYMENT_AUTHORIZED: "refund", PROCESSING: "refund", SHIPPING_FAILED: "refund",
  SHIPPED: null, DELIVERED: null, CANCELLED: null, REFUND_PENDING: null, REFUND_FAILED: null, REFUNDED: null,
};

/**
 * Whether an order in `status` may be cancelled: the Cancel command's own rule. The status
 * cannot tell a paid order already handed to the carrier; the command refuses that one (409).
 */
export const canCancel = (status: OrderStatus): boolean => CANCEL[status] !== null;

function cancel(s: OrderState, c: Extract<OrderCommand, { type: "Cancel" }>, now: Date): Out {
  const why = `cancelled by ${c.by}`;
  const kind = CANCEL[s.status];
  if (kind === "release") {
    // Not paid: stock goes back (inventory releases on OrderCancelled) and we are done.
    const m = move(s, "CANCELLED", now, cause(c), why);
    return ok(m.state, [
      { type: "order.OrderCancelled.v1", payload: { orderId: s.orderId, reason: why, refund: false } },
      m.emit,
    ], { cancelTimers: ["reservationExpiry"] });
  }
  if (kind === "refund") {
    if (s.status === "PAYMENT_AUTHORIZED" && s.shipmentRequested) {
      return reject(s.status, "the order has already been handed to the carrier");
    }
    const attempt = s.attempts.refund + 1;
    const m = move({ ...s, refundGoal: "CANCELLED", attempts: { ...s.attempts, refund: attempt } },
      "REFUND_PENDING", now, cause(c), why);
    return ok(m.state, [
      { type: "order.OrderCancelled.v1", payload: { orderId: s.orderId, reason: why, refund: true } },
      { type: "order.RefundRequested.v1", payload: { orderId: s.orderId, amount: s.total, reason: why, attempt } },
      m.emit,
    ], { cancelTimers: ["handlingElapsed", "reservationExpiry"] });
  }
  return reject(s.status, `an order in status ${s.status} cannot be cancelled`);
}

function retry(s: OrderState, now: Date, cfg: OrderConfig): Out {
  const a = s.attempts;
  const id = s.orderId;
  let next: OrderState;
  let request: Emit;
  switch (s.status) {
    case "INVENTORY_FAILED":
      next = { ...s, attempts: { ...a, inventory: a.inventory + 1 } };
      request = {
        type: "ops.RetryRequested.v1",
        payload: { orderId: id, step: "inventory", attempt: a.inventory + 1, lines: lines(s), country: s.shippingAddress.country },
      };
      return done(move(next, "CREATED", now, "command.Retry", "inventory retried by admin"), request);
    case "PAYMENT_FAILED": {
      next = { ...s, attempts: { ...a, payment: a.payment + 1 } };
      request = {
        type: "ops.RetryRequested.v1",
        payload: { orderId: id, step: "payment", attempt: a.payment + 1, amount: s.total, currency: s.currency, paymentToken: s.paymentToken },
      };
      // An admin retry keeps the reservation: its expiry starts again.
      const expiry = expiryTimer(next, now, cfg);
      const m = move(next, "INVENTORY_RESERVED", now, "command.Retry", "payment retried by admin", { reservedUntil: expiry.at.toISOString() });
      return ok(m.state, [request, m.emit], { timers: [expiry] });
    }
    case "SHIPPING_FAILED":
      next = { ...s, shipmentRequested: true, attempts: { ...a, shipping: a.shipping + 1 } };
      request = {
        type: "ops.RetryRequested.v1",
        payload: { orderId: id, step: "shipping", attempt: a.shipping + 1, shippingAddress: s.shippingAddress, items: lines(s), ...parcelsOf(s) },
      };
      return done(move(next, "PAYMENT_AUTHORIZED", now, "command.Retry", "shipping retried by admin"), request);
    case "REFUND_FAILED":
      next = { ...s, attempts: { ...a, refund: a.refund + 1 } };
      request = { type: "ops.RetryRequested.v1", payload: { orderId: id, step: "refund", attempt: a.refund + 1, amount: s.total } };
      return done(move(next, "REFUND_PENDING", now, "command.Retry", "refund retried by admin"), request);
    default:
      return reject(s.status, `an order in status ${s.status} has no failed step to retry`);
  }
}

/**
 * Until when the stock of an order waiting for payment is held: what the last move into
 * INVENTORY_RESERVED set (a customer's new card keeps the deadline it found and records it;
 * a reservation or an admin's retry started a full TTL).
 */
export function reservedUntil(s: OrderState, cfg: OrderConfig): Date | null {
  const entry = s.history.findLast((e) => e.status === "INVENTORY_RESERVED");
  if (!entry) return null;
  const recorded = entry.details.reservedUntil;
  return typeof recorded === "string" ? new Date(recorded) : new Date(Date.parse(entry.at) + cfg.reservationTtlMs);
}

/**
 * A new authorization with the customer's new card: a new payment attempt (so its own
 * idempotency key at the provider), back to INVENTORY_RESERVED where the answer is awaited.
 * The reservation keeps its deadline; a new timer carries it, since the old one's token
 * named the previous attempt.
 */
function payAgain(s: OrderState, c: Extract<OrderCommand, { type: "PayAgain" }>, now: Date, cfg: OrderConfig): Out {
  if (s.status === "INVENTORY_RELEASED" && s.history.at(-1)?.code === "RESERVATION_EXPIRED") {
    return reject(s.status, "the reservation has expired and the items went back on sale: please order again");
  }
  if (s.status !== "PAYMENT_FAILED") return reject(s.status, `only a declined payment can be paid with another card, not an order in ${s.status}`);
  const until = reservedUntil(s, cfg);
  if (!s.reserved || !until || until.getTime() <= now.getTime()) {
    return reject(s.status, "the reservation has expired and the items went back on sale: please order again");
  }
  const attempt = s.attempts.payment + 1;
  const next = { ...s, paymentToken: c.paymentToken, attempts: { ...s.attempts, payment: attempt } };
  const m = move(next, "INVENTORY_RESERVED", now, "command.PayAgain", "payment retried with another card", { reservedUntil: until.toISOString() });
  return ok(m.state, [{
    type: "order.PaymentRequested.v1",
    payload: { orderId: s.orderId, amount: s.total, currency: s.currency, paymentToken: c.paymentToken, attempt },
  }, m.emit], { timers: [{ ...expiryTimer(next, now, cfg), at: until }] });
}

function compensate(s: OrderState, c: Extract<OrderCommand, { type: "Compensate" }>, now: Date): Out {
  if (c.action === "refundPayment") {
    if (s.status !== "SHIPPING_FAILED") {
      return reject(s.status, `payment can only be refunded by compensation after shipping failed, not in ${s.status}`);
    }
    const attempt = s.attempts.refund + 1;
    const next = { ...s, refundGoal: "REFUNDED" as const, attempts: { ...s.attempts, refund: attempt } };
    // The order will not ship: its stock goes back now, whatever the refund's fate.
    return done(move(next, "REFUND_PENDING", now, cause(c), "payment refund requested by admin"), {
      type: "ops.CompensationRequested.v1",
      payload: { orderId: s.orderId, action: "refundPayment", amount: s.total, attempt },
    }, {
      type: "ops.CompensationRequested.v1",
      payload: { orderId: s.orderId, action: "releaseInventory", reason: "order refunded" },
    });
  }
  if (!(s.status === "PAYMENT_FAILED" && s.reserved)) {
    return reject(s.status, `inventory can only be released after a failed payment, not in ${s.status}`);
  }
  const m = move(s, "INVENTORY_RELEASED", now, cause(c), "inventory released by admin");
  return ok(m.state, [{
    type: "ops.CompensationRequested.v1",
    payload: { orderId: s.orderId, action: "releaseInventory", reason: "released by admin" },
  }, m.emit], { cancelTimers: ["reservationExpiry"] });
}

function setStatus(s: OrderState, c: Extract<OrderCommand, { type: "SetStatus" }>, now: Date, cfg: OrderConfig): Out {
  const by = "command.SetStatus";
  if (c.status === "DELIVERED" && s.status === "SHIPPED") {
    return done(move(s, "DELIVERED", now, by, "delivery confirmed by admin"));
  }
  if (c.status === "PROCESSING" && s.status === "PAYMENT_AUTHORIZED" && !s.shipmentRequested) {
    const m = move({ ...s, holds: s.holds + 1 }, "PROCESSING", now, by, "held for processing by admin");
    return ok(m.state, [m.emit], { cancelTimers: ["handlingElapsed"] });
  }
  if (c.status === "PAYMENT_AUTHORIZED" && s.status === "PROCESSING") {
    const handling = handlingTimer(s, now, cfg);
    const m = move(s, "PAYMENT_AUTHORIZED", now, by, "hold lifted by admin", { shipsAt: handling.at.toISOString() });
    return ok(m.state, [m.emit], { timers: [handling] });
  }
  return reject(s.status, `an order in status ${s.status} cannot be set to ${c.status}`);
}

const done = (m: { state: OrderState; emit: Emit }, ...before: Emit[]): Out => ok(m.state, [...before, m.emit]);

/** The admin's saga tools, each the command it sends. */
export const ADMIN_TOOLS = {
  retry: { type: "Retry" },
  refundPayment: { type: "Compensate", action: "refundPayment" },
  releaseInventory: { type: "Compensate", action: "releaseInventory" },
  cancel: { type: "Cancel", by: "admin" },
  hold: { type: "SetStatus", status: "PROCESSING" },
  liftHold: { type: "SetStatus", status: "PAYMENT_AUTHORIZED" },
  markDelivered: { type: "SetStatus", status: "DELIVERED" },
} as const satisfies Record<string, Exclude<OrderCommand, { type: "Place" }>>;

export type AdminTool = keyof typeof ADMIN_TOOLS;

/** The tools whose command would not be refused (which ones apply does not depend on the timers' lengths). */
export function adminTools(s: OrderState, now: Date): AdminTool[] {
  const cfg: OrderConfig = { reservationTtlMs: 0, handlingMs: 0, stallAfterMs: 0, refundStallAfterMs: 0 };
  return (Object.keys(ADMIN_TOOLS) as AdminTool[]).filter((tool) => decideCommand(s, ADMIN_TOOLS[tool], now, cfg).kind === "ok");
}

/** An order command as the audit log names it: order.retry, order.refundPayment, order.status.DELIVERED... */
export function auditName(c: Exclude<OrderCommand, { type: "Place" }>): string {
  switch (c.type) {
    case "Retry": return "order.retry";
    case "PayAgain": return "order.payAgain";
    case "Cancel": return "order.cancel";
    case "Compensate": return `order.${c.action}`;
    case "SetStatus": return `order.status.${c.status}`;
  }
}
