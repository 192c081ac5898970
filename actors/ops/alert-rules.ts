/**
 * What raises an alert for the admins and what resolves it, as pure rules:
 *
 *   stalled     an order stayed in a status past its limit (actors/order-stall.ts) -> it moves
 *   failed      an order reached a *_FAILED status and waits for an admin      -> it leaves it
 *   deadLetter  a message was parked                                          -> replayed or discarded
 *   lowStock    a product's available units fell under its low_stock_threshold -> restocked
 *
 * An alert is open until an admin acknowledges it or it resolves; one per (kind, subject)
 * is unresolved at a time. The order's alerts are decided here, beside its read model (the
 * projector keeps them in the same transaction); letters and stock are reconciled from their
 * own rows (actors/ops/alerts.ts).
 */
import type { OrderStatus, PayloadOf } from "../contracts/index.ts";

export const ALERT_KINDS = ["stalled", "failed", "deadLetter", "lowStock"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What each kind of alert is called in the console. */
export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  stalled: "Stalled saga", failed: "Failed saga", deadLetter: "Dead letter", lowStock: "Low stock",
};

/** Where an alert's subject is looked after in the console (a product: its stock, to restock it). */
export function alertLink(kind: AlertKind, subject: string): string {
  const id = encodeURIComponent(subject);
  switch (kind) {
    case "stalled": case "failed": return `/admin/orders/${id}`;
    case "deadLetter": return `/admin/dead-letters/${id}`;
    case "lowStock": return `/admin/stock/${id}`;
  }
}

/** The statuses in which a saga waits for an admin. */
export const FAILED_STATUSES: readonly OrderStatus[] = ["INVENTORY_FAILED", "PAYMENT_FAILED", "SHIPPING_FAILED", "REFUND_FAILED"];
const isFailed = (s: OrderStatus | null) => s !== null && FAILED_STATUSES.includes(s);

/** An unresolved alert of an order: the row it is (`id`), or one to insert (`id` null). */
export type OrderAlert = {
  id: number | null;
  kind: "stalled" | "failed";
  subject: string;
  summary: string;
  details: Record<string, unknown>;
  openedAt: string;
};
/** The unresolved alerts of the orders a batch touches, by `orderAlertKey`. */
export type OrderAlerts = Record<string, OrderAlert>;

export const orderAlertKey = (kind: OrderAlert["kind"], orderId: string) => `${kind}:${orderId}`;

/**
 * After a status change: the order moved, so a stall is over; leaving a failed status
 * resolves its alert, and reaching one opens a new one (a failure again after a retry is
 * a new alert, even if the last one was acknowledged).
 */
export function alertsAfterChange(alerts: OrderAlerts, p: PayloadOf<"order.StatusChanged.v1">, at: string): OrderAlerts {
  const next = { ...alerts };
  delete next[orderAlertKey("stalled", p.orderId)];
  delete next[orderAlertKey("failed", p.orderId)];
  if (isFailed(p.to)) {
    next[orderAlertKey("failed", p.orderId)] = {
      id: null, kind: "failed", subject: p.orderId, openedAt: at,
      summary: `Order ${p.orderId} is ${p.to}: ${p.reason}`,
      details: { status: p.to, reason: p.reason, ...(p.code ? { code: p.code } : {}) },
    };
  }
  return next;
}

/** The order stalled: an alert opens, unless one is already there for it. */
export function alertsAfterStall(alerts: OrderAlerts, p: PayloadOf<"order.SagaStalled.v1">, at: string): OrderAlerts {
  const key = orderAlertKey("stalled", p.orderId);
  if (alerts[key]) return alerts;
  return {
    ...alerts,
    [key]: {
      id: null, kind: "stalled", subject: p.orderId, openedAt: at,
      summary: `Order ${p.orderId} has been ${p.status} for over ${duration(p.afterMs)}`,
      details: { status: p.status, since: p.since, afterMs: p.afterMs },
    },
  };
}

/** One open alert as the console's strip names it. */
export type AlertLine = { id: number; kind: AlertKind; subject: string; summary: string };
/** The open alerts, counted, and the newest few: what every admin page shows. */
export type AlertSummary = { open: number; latest: AlertLine[] };

/** A limit in words: "2 min", "90 s". */
const duration = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.max(1, Math.round(ms / 1000))} s`);

export type AlertState = "open" | "acknowledged" | "resolved";

/** An alert's state, read from its row: resolved once what raised it is over, else acknowledged or open. */
export const alertStateOf = (a: { acknowledgedAt: Date | null; resolvedAt: Date | null }): AlertState =>
  (a.resolvedAt ? "resolved" : a.acknowledgedAt ? "acknowledged" : "open");
