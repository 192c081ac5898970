/**
 * The dashboard's figures as counters the projector keeps beside the read model: orders,
 * revenue, cancellations and refunds per day, orders per hour, orders per status and units
 * per product and day. Every figure is a function of one order's view, so what a change of
 * the view adds is the figures of the new view minus those of the old: a view written
 * again unchanged (a redelivered event the projector ignores) adds nothing, a status move
 * takes one from the old status and gives it to the new, and an order counts its
 * cancellation or refund once however many times its timeline passes there.
 */
import type { OrderStatus } from "../contracts/index.ts";
import type { OrderView, ViewEntry } from "../contracts/order-view.ts";
import { BASE_CURRENCY, minorUnitsOf, toBaseCents } from "../money/currency.ts";

/** Where an order's status leaves it, for the dashboard's "now": total by type. */
export const STATUS_GROUP: Record<OrderStatus, "in flight" | "needs an admin" | "done"> = {
  CREATED: "in flight", INVENTORY_RESERVED: "in flight", PAYMENT_AUTHORIZED: "in flight", PROCESSING: "in flight",
  REFUND_PENDING: "in flight",
  INVENTORY_FAILED: "needs an admin", PAYMENT_FAILED: "needs an admin", SHIPPING_FAILED: "needs an admin", REFUND_FAILED: "needs an admin",
  SHIPPED: "done", DELIVERED: "done", CANCELLED: "done", REFUNDED: "done", INVENTORY_RELEASED: "done",
};

/**
 * Orders whose payment the shop holds: authorized, then captured as they ship, until a
 * refund goes through. Only they count towards revenue and the top products; an order
 * not yet paid, declined, cancelled, refunded or closed does not.
 */
const PAID: ReadonlySet<OrderStatus> = new Set([
  "PAYMENT_AUTHORIZED", "PROCESSING", "SHIPPED", "DELIVERED", "SHIPPING_FAILED", "REFUND_PENDING", "REFUND_FAILED",
]);

/** Does the order count towards revenue as it stands? */
export const isPaid = (status: OrderStatus) => PAID.has(status);

export type DayFigures = { orders: number; paid: number; revenueCents: number; cancellations: number; refunds: number };
export type FigureRows = {
  /** per UTC day (YYYY-MM-DD) */
  days: ({ day: string } & DayFigures)[];
  /** per UTC hour (ISO, whole hour) */
  hours: { hour: string; orders: number }[];
  statuses: { status: OrderStatus; orders: number }[];
  products: { day: string; sku: string; units: number; revenueCents: number }[];
};

const DAY_FIELDS = ["orders", "paid", "revenueCents", "cancellations", "refunds"] as const;

/** Counters by key: (d, day, field), (h, hour), (s, status), (p, day, sku, units | revenueCents). */
type Counters = Map<string, number>;

/** A counter's key; NUL cannot be in a SKU or a date. */
const k = (...parts: string[]) => parts.join("\0");

const dayOf = (iso: string) => new Date(iso).toISOString().slice(0, 10);
const hourOf = (iso: string) => `${new Date(iso).toISOString().slice(0, 13)}:00:00.000Z`;

/** An amount of the order's currency in base cents, at the rate the order recorded (USD before rates were). */
export const baseCentsOf = (v: Pick<OrderView, "currency" | "fxRate">, minor: number) =>
  toBaseCents(minor, { code: v.currency, minorUnits: minorUnitsOf(v.currency), rate: v.fxRate ?? "1" });

/** The first entry at which the order was cancelled, if it was. */
export const cancellationOf = (t: ViewEntry[]) => t.find((e) => e.status === "CANCELLED");

/** The first entry at which a refund went through: the move out of REFUND_PENDING that was not a failure. */
export const refundOf = (t: ViewEntry[]) => t.find((e, i) => i > 0 && t[i - 1]!.status === "REFUND_PENDING" && e.status !== "REFUND_FAILED");

/** Everything one order counts for, as it stands. */
export function figuresOf(v: OrderView): Counters {
  const c: Counters = new Map();
  const add = (key: string, n: number) => c.set(key, (c.get(key) ?? 0) + n);
  const day = dayOf(v.createdAt);
  add(k("d", day, "orders"), 1);
  add(k("h", hourOf(v.createdAt)), 1);
  add(k("s", v.status), 1);
  if (isPaid(v.status)) {
    add(k("d", day, "paid"), 1);
    add(k("d", day, "revenueCents"), v.currency === BASE_CURRENCY ? v.total : baseCentsOf(v, v.total));
    for (const i of v.items) {
      add(k("p", day, i.sku, "units"), i.qty);
      add(k("p", day, i.sku, "revenueCents"), baseCentsOf(v, i.unitPrice * i.qty));
    }
  }
  const cancelled = cancellationOf(v.timeline);
  if (cancelled) add(k("d", dayOf(cancelled.at), "cancellations"), 1);
  const refunded = refundOf(v.timeline);
  if (refunded) add(k("d", dayOf(refunded.at), "refunds"), 1);
  return c;
}

/** What a change of one order's view adds to the figures (the old view null for a new order); zeros left out. */
export function changeOf(before: OrderView | null, after: OrderView): Counters {
  const c = figuresOf(after);
  for (const [key, n] of before ? figuresOf(before) : []) c.set(key, (c.get(key) ?? 0) - n);
  for (const [key, n] of c) if (n === 0) c.delete(key);
  return c;
}

/** The changes of many orders added up (one row per counter, for one statement). */
export function sumOf(changes: Iterable<Counters>): Counters {
  const sum: Counters = new Map();
  for (const c of changes) for (const [key, n] of c) sum.set(key, (sum.get(key) ?? 0) + n);
  for (const [key, n] of sum) if (n === 0) sum.delete(key);
  return sum;
}

/** Counters as rows per table, each sorted by its key: every writer locks the rows in one order (no deadlocks). */
export function rowsOf(c: Counters): FigureRows {
  const days = new Map<string, DayFigures>();
  const products = new Map<string, { day: string; sku: string; units: number; revenueCents: number }>();
  const rows: FigureRows = { days: [], hours: [], statuses: [], products: [] };
  for (const [key, n] of [...c].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [table, a, b, field] = key.split("\0");
    if (table === "d") {
      const d = days.get(a!) ?? { orders: 0, paid: 0, revenueCents: 0, cancellations: 0, refunds: 0 };
      d[b as (typeof DAY_FIELDS)[number]] += n;
      days.set(a!, d);
    } else if (table === "h") rows.hours.push({ hour: a!, orders: n });
    else if (table === "s") rows.statuses.push({ status: a as OrderStatus, orders: n });
    else {
      const p = products.get(k(a!, b!)) ?? { day: a!, sku: b!, units: 0, revenueCents: 0 };
      p[field as "units" | "revenueCents"] += n;
      products.set(k(a!, b!), p);
    }
  }
  rows.days = [...days].map(([day, d]) => ({ day, ...d }));
  rows.products = [...products.values()];
  return rows;
}
