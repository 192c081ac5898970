/**
 * The order actor orchestrates the saga for one orderId:
 *
 *   CREATED ─reserve─▶ INVENTORY_RESERVED ─authorize─▶ PAYMENT_AUTHORIZED ─ship─▶ SHIPPED ─▶ DELIVERED
 *      │                     │                               │
 *      ▼                     ▼                               ▼
 *   INVENTORY_FAILED     PAYMENT_FAILED ─expiry─▶ RELEASED  SHIPPING_FAILED ─refund─▶ REFUNDED
 *
 * It is the only writer of the order aggregate: participants answer its requests, and it
 * alone decides whether an answer still matters (a late authorization after a cancel is voided).
 */
import type { Emit, Envelope, OrderTimer } from "./contracts/index.ts";
import { ignore, ok, unreachable, type Actor } from "./runtime/actor.ts";
import { decideCommand, expiryTimer, handlingTimer, reservedUntil, type OrderCommand } from "./order-commands.ts";
import { stallFired, watchStall } from "./order-stall.ts";
import { lines, move, parcelsOf, traced, type OrderConfig, type OrderOutcome, type OrderRejection, type OrderState } from "./order-state.ts";

export type OrderInput = { kind: "event"; env: Envelope } | { kind: "command"; command: OrderCommand };
type Out = OrderOutcome;

/** The order actor: its timers are the order's (see contracts/timers.ts); it calls no provider. */
export type OrderActor = Actor<OrderState, OrderInput, undefined, unknown, OrderTimer, never, OrderRejection>;

/** The order actor for a given configuration (reservation TTL, handling time). */
export function orderActor(cfg: OrderConfig): OrderActor {
  return {
    kind: "order",
    reads: [
      "inventory.InventoryReserved.v1", "inventory.InventoryFailed.v1", "inventory.InventoryReleased.v1",
      "payment.PaymentAuthorized.v1", "payment.PaymentFailed.v1", "payment.PaymentCaptured.v1",
      "payment.PaymentRefunded.v1", "payment.RefundFailed.v1",
      "shipping.OrderShipped.v1", "shipping.ShippingFailed.v1", "order.TimerFired.v1",
    ],
    decide(s, input, { now }) {
      if (input.kind === "command") return watchStall(s, decideCommand(s, input.command, now, cfg), now, cfg);
      if (!s) return ignore("no such order");
      return traced(s, watchStall(s, onEvent(s, input.env, now, cfg), now, cfg), input.env);
    },
  };
}

function onEvent(s: OrderState, e: Envelope, now: Date, cfg: OrderConfig): Out {
  const cause = e.type;
  switch (e.type) {
    case "inventory.InventoryReserved.v1": {
      if (s.status !== "CREATED" || e.payload.attempt !== s.attempts.inventory) {
        // Inventory releases by itself when it sees the cancellation that overtook this answer.
        return s.reserved ? ignore("already reserved") : ok({ ...s, reserved: true });
      }
      const attempt = s.attempts.payment + 1;
      const { allocations } = e.payload;
      const next = { ...s, reserved: true, attempts: { ...s.attempts, payment: attempt }, ...(allocations ? { allocations } : {}) };
      const expiry = expiryTimer(next, now, cfg);
      // the deadline travels with the move, so the order page can say it the moment it changes
      const m = move(next, "INVENTORY_RESERVED", now, cause, "stock reserved", {
        lines: e.payload.lines, reservedUntil: expiry.at.toISOString(), ...(allocations ? { allocations } : {}),
      });
      return ok(m.state, [m.emit, {
        type: "order.PaymentRequested.v1",
        payload: { orderId: s.orderId, amount: s.total, currency: s.currency, paymentToken: s.paymentToken, attempt },
      }], { timers: [expiry] });
    }
    case "inventory.InventoryFailed.v1": {
      if (s.status !== "CREATED" || e.payload.attempt !== s.attempts.inventory) return ignore("stale answer");
      const m = move(s, "INVENTORY_FAILED", now, cause, e.payload, { shortages: e.payload.shortages });
      return ok(m.state, [m.emit]);
    }
    case "inventory.InventoryReleased.v1":
      return ok({ ...s, reserved: false });
    case "payment.PaymentAuthorized.v1": {
      const { paymentId, attempt } = e.payload;
      if (s.status === "INVENTORY_RESERVED" && attempt === s.attempts.payment) {
        const handling = handlingTimer({ ...s, paymentId }, now, cfg);
        const m = move({ ...s, paymentId }, "PAYMENT_AUTHORIZED", now, cause, "payment authorized", { paymentId, shipsAt: handling.at.toISOString() });
        // No handling time: the shipment is asked for at once, without a timer and the message it would fire.
        if (cfg.handlingMs <= 0) {
          const shipped = requestShipment(m.state);
          return ok(shipped.state, [m.emit, shipped.emit], { cancelTimers: ["reservationExpiry"] });
        }
        return ok(m.state, [m.emit], {
          timers: [handling],
          cancelTimers: ["reservationExpiry"],
        });
      }
      if (s.paymentId === null && (s.status === "CANCELLED" || s.status === "INVENTORY_RELEASED")) {
        // The order gave up while the authorization was in flight: void it.
        const refund = s.attempts.refund + 1;
        return ok({ ...s, paymentId, attempts: { ...s.attempts, refund } }, [{
          type: "order.RefundRequested.v1",
          payload: { orderId: s.orderId, amount: e.payload.amount, reason: "authorization arrived after the order stopped", attempt: refund },
        }]);
      }
      return ignore("stale authorization");
    }
    case "payment.PaymentFailed.v1": {
      if (s.status !== "INVENTORY_RESERVED" || e.payload.attempt !== s.attempts.payment) return ignore("stale answer");
      // The reservation is kept until it expires, so the customer (another card) or an admin can still pay.
      const until = reservedUntil(s, cfg);
      const m = move(s, "PAYMENT_FAILED", now, cause, e.payload, until ? { reservedUntil: until.toISOString() } : {});
      return ok(m.state, [m.emit]);
    }
    case "payment.PaymentCaptured.v1":
      return ok({ ...s, captured: true });
    case "payment.PaymentRefunded.v1": {
      if (s.status !== "REFUND_PENDING") return ok({ ...s, paymentId: null });
      const goal = s.refundGoal ?? "CANCELLED";
      const m = move({ ...s, refundGoal: null, paymentId: null }, goal, now, cause, "payment refunded", { amount: e.payload.amount });
      return ok(m.state, [m.emit]);
    }
    case "payment.RefundFailed.v1": {
      if (s.status === "REFUND_PENDING") {
        const m = move(s, "REFUND_FAILED", now, cause, e.payload);
        return ok(m.state, [m.emit]);
      }
      if (s.paymentId !== null && (s.status === "CANCELLED" || s.status === "INVENTORY_RELEASED")) {
        // Voiding a late authorization failed: money is held, so an admin must see it.
        const m = move({ ...s, refundGoal: s.status }, "REFUND_FAILED", now, cause, e.payload);
        return ok(m.state, [m.emit]);
      }
      return ignore("no refund pending");
    }
    case "shipping.OrderShipped.v1": {
      if (s.status !== "PAYMENT_AUTHORIZED" || e.payload.attempt !== s.attempts.shipping) return ignore("stale answer");
      const { trackingNumber, carrier, parcels } = e.payload;
      const shipped = parcels ? { parcels } : {};
      const m = move({ ...s, trackingNumber, reserved: false, ...shipped }, "SHIPPED", now, cause, "order shipped", { trackingNumber, carrier, ...shipped });
      return ok(m.state, [m.emit, {
        type: "order.PaymentCaptureRequested.v1",
        payload: { orderId: s.orderId, amount: s.total },
      }]);
    }
    case "shipping.ShippingFailed.v1": {
      if (s.status !== "PAYMENT_AUTHORIZED" || e.payload.attempt !== s.attempts.shipping) return ignore("stale answer");
      const m = move({ ...s, shipmentRequested: false }, "SHIPPING_FAILED", now, cause, e.payload);
      return ok(m.state, [m.emit]);
    }
    case "order.TimerFired.v1":
      return onTimer(s, e.payload.timer, e.payload.token, now, cfg);
    default:
      return ignore(`${e.type} is not for the order actor`);
  }
}

/** The paid order goes to the carrier: the next shipping attempt. */
function requestShipment(s: OrderState): { state: OrderState; emit: Emit } {
  const attempt = s.attempts.shipping + 1;
  return {
    state: { ...s, shipmentRequested: true, attempts: { ...s.attempts, shipping: attempt } },
    emit: { type: "order.ShipmentRequested.v1", payload: { orderId: s.orderId, shippingAddress: s.shippingAddress, items: lines(s), attempt, ...parcelsOf(s) } },
  };
}

function onTimer(s: OrderState, timer: OrderTimer, token: string, now: Date, cfg: OrderConfig): Out {
  switch (timer) {
    case "reservationExpiry": {
      const live = s.status === "INVENTORY_RESERVED" || s.status === "PAYMENT_FAILED";
      if (!live || !s.reserved || token !== expiryTimer(s, now, cfg).token) return ignore("reservation no longer pending");
      const reason = "reservation expired";
      const m = move(s, "INVENTORY_RELEASED", now, "order.TimerFired.v1", { code: "RESERVATION_EXPIRED", reason });
      return ok(m.state, [{
        type: "ops.CompensationRequested.v1",
        payload: { orderId: s.orderId, action: "releaseInventory", reason },
      }, m.emit]);
    }
    case "handlingElapsed": {
      if (s.status !== "PAYMENT_AUTHORIZED" || s.shipmentRequested || token !== handlingTimer(s, now, cfg).token) {
        return ignore("shipment not due");
      }
      const r = requestShipment(s);
      return ok(r.state, [r.emit]);
    }
    case "sagaStalled":
      return stallFired(s, token, cfg);
    default:
      return unreachable(timer);
  }
}
