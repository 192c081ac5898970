import type { Address, Allocation, Emit, Failure, FailureCode, OrderItem, OrderStatus, OrderTimer, Parcel, ShippedParcel } from "./contracts/index.ts";
import { parcelsOf as grouped } from "./warehouses/allocate.ts";
import type { Outcome } from "./runtime/actor.ts";

/** One entry of an order's timeline. */
export type TimelineEntry = {
  status: OrderStatus;
  at: string;
  cause: string;
  reason: string;
  /** what failed, when the entry records a failure (entries from before codes were recorded have none) */
  code?: FailureCode;
  details: Record<string, unknown>;
  /** the message that caused the entry (absent for commands from the edge, and on entries from before it was recorded) */
  message?: MessageTrace;
};

/** Which message caused a transition: its id (the causation id of what the order emitted) and the saga's trace. */
export type MessageTrace = { eventId: string; correlationId: string; causationId: string | null };

/** The order aggregate: what the order actor keeps per orderId. */
export type OrderState = {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  items: OrderItem[];
  /** in minor units of `currency`: the sum of each converted unit price times its quantity */
  total: number;
  currency: string;
  /** units of `currency` per US dollar when the order was placed; absent on orders from before it was recorded (USD) */
  fxRate?: string;
  shippingAddress: Address;
  paymentToken: string;
  attempts: { inventory: number; payment: number; shipping: number; refund: number };
  /** inventory holds stock for this order */
  reserved: boolean;
  /** which warehouse holds what, as the last reservation said (absent before warehouses) */
  allocations?: Allocation[];
  /** the parcels the carrier booked, each with its warehouse (absent before warehouses) */
  parcels?: ShippedParcel[];
  paymentId: string | null;
  captured: boolean;
  /** the shipment has been handed to the shipping provider */
  shipmentRequested: boolean;
  trackingNumber: string | null;
  /** where a pending refund leads: a cancellation, a compensation after failed shipping, or back where a void started */
  refundGoal: "CANCELLED" | "REFUNDED" | "INVENTORY_RELEASED" | null;
  /** admin holds so far; part of the handling timer's token, so a timer from before a hold never ships */
  holds: number;
  createdAt: string;
  updatedAt: string;
  history: TimelineEntry[];
};

export type OrderConfig = {
  reservationTtlMs: number;
  handlingMs: number;
  /** an order in CREATED or INVENTORY_RESERVED, or paid past its handling time, this long is stalled */
  stallAfterMs: number;
  /** a refund pending this long is stalled */
  refundStallAfterMs: number;
};

/** What a refused command names: the order's current status, or null when there is no order (a 404). */
export type OrderRejection = OrderStatus | null;
/** A decision of the order actor: its timers are the order's, its rejections name a status. */
export type OrderOutcome = Outcome<OrderState, never, OrderTimer, OrderRejection>;

/**
 * Move to `to`, recording the transition in the history and as an order.StatusChanged.v1.
 * `why` is a reason, or a failure whose code both records carry.
 */
export function move(
  s: OrderState,
  to: OrderStatus,
  now: Date,
  cause: string,
  why: string | Failure,
  details: Record<string, unknown> = {},
): { state: OrderState; emit: Emit } {
  const at = now.toISOString();
  const { reason, code } = typeof why === "string" ? { reason: why, code: undefined } : why;
  const failed = code ? { code } : {};
  const state = {
    ...s,
    status: to,
    updatedAt: at,
    history: [...s.history, { status: to, at, cause, reason, ...failed, details }],
  };
  return {
    state,
    emit: {
      type: "order.StatusChanged.v1",
      payload: { orderId: s.orderId, from: s.status, to, reason, ...failed, details },
    },
  };
}

/**
 * Mark the history entries a decision added with the message that caused them, so an admin
 * can follow an order's transitions back through the log by id.
 */
export function traced(before: OrderState, out: OrderOutcome, e: { eventId: string; correlationId: string; causationId: string | null }): OrderOutcome {
  if (out.kind !== "ok" || !out.state || out.state.history.length <= before.history.length) return out;
  const message = { eventId: e.eventId, correlationId: e.correlationId, causationId: e.causationId };
  const history = out.state.history.map((h, i) => (i < before.history.length ? h : { ...h, message }));
  return { ...out, state: { ...out.state, history } };
}

export const lines = (s: OrderState) => s.items.map(({ sku, qty }) => ({ sku, qty }));

/** A shipment request's parcels, one per warehouse the reservation holds stock in; nothing for an order reserved before warehouses. */
export const parcelsOf = (s: OrderState): { parcels?: Parcel[] } => (s.allocations ? { parcels: grouped(s.allocations) } : {});
