/**
 * Stalled sagas. Every move of an order arms one durable timer, `sagaStalled`, for the
 * longest its new status may reasonably last; the next move replaces it, and a status
 * with no limit (final, failed - those wait for an admin and raise their own alert - or
 * held by one) cancels it. If it fires and the order is still where it was (same status,
 * same version), the saga has stalled: the order records order.SagaStalled.v1 and the
 * alerts raise it. No query ever scans the orders for this.
 */
import type { OrderStatus, OrderTimer } from "./contracts/index.ts";
import { ignore, ok, type TimerSet } from "./runtime/actor.ts";
import type { OrderConfig, OrderOutcome, OrderState } from "./order-state.ts";

/**
 * How long an order may stay in `status` before it counts as stalled, or null: no limit.
 * A paid order first waits out its handling time on purpose.
 */
export function stallAfterMs(status: OrderStatus, cfg: OrderConfig): number | null {
  switch (status) {
    case "CREATED":
    case "INVENTORY_RESERVED":
      return cfg.stallAfterMs;
    case "PAYMENT_AUTHORIZED":
      return cfg.handlingMs + cfg.stallAfterMs;
    case "REFUND_PENDING":
      return cfg.refundStallAfterMs;
    case "INVENTORY_FAILED": case "PAYMENT_FAILED": case "SHIPPING_FAILED": case "REFUND_FAILED":
    case "PROCESSING": case "SHIPPED": case "DELIVERED": case "CANCELLED": case "REFUNDED": case "INVENTORY_RELEASED":
      return null;
  }
}

/** The stall timer's token: the status and the order's version (its history's length), so a later move makes it stale. */
export const stallToken = (s: OrderState) => `${s.status}:${s.history.length}`;

/** The stall timer for the order as it is now, or null when its status has no limit. */
export function stallTimer(s: OrderState, now: Date, cfg: OrderConfig): TimerSet<OrderTimer> | null {
  const limit = stallAfterMs(s.status, cfg);
  return limit === null ? null : { name: "sagaStalled", at: new Date(now.getTime() + limit), token: stallToken(s) };
}

/**
 * After a decision: when it moved the order (a new version), arm the stall timer for the
 * new status or cancel the old one. Anything else passes through untouched.
 */
export function watchStall(before: OrderState | null, out: OrderOutcome, now: Date, cfg: OrderConfig): OrderOutcome {
  if (out.kind !== "ok" || !out.state) return out;
  const after = out.state;
  if (before && before.history.length === after.history.length) return out;
  const timer = stallTimer(after, now, cfg);
  if (timer) return { ...out, timers: [...(out.timers ?? []), timer] };
  // A new order always has a limit; only a move can leave a timer behind to cancel.
  return before ? { ...out, cancelTimers: [...(out.cancelTimers ?? []), "sagaStalled"] } : out;
}

/** The stall timer fired: record the stall if the order has not moved since it was armed. */
export function stallFired(s: OrderState, token: string, cfg: OrderConfig): OrderOutcome {
  const limit = stallAfterMs(s.status, cfg);
  if (limit === null || token !== stallToken(s)) return ignore("the order moved since");
  return ok(s, [{
    type: "order.SagaStalled.v1",
    payload: { orderId: s.orderId, status: s.status, since: s.updatedAt, afterMs: limit },
  }]);
}
