/**
 * What must hold after a chaos run, as pure checks over what was read at the end: the
 * orders' rows, the stock, the outbox and the dead letters from the database; the card
 * processor's ledger and the carrier's parcels from the provider service; what the customers
 * sent and were answered; the faults made and the processes that died. Each check counts
 * what it looked at and names a few offenders, so a failure can be looked up.
 */
import type { Line } from "../../actors/contracts/index.ts";

export type OrderRow = {
  id: string;
  status: string;
  items: Line[];
  /** inventory holds stock for this order (the order actor's view of it) */
  reserved: boolean;
  trackingNumber: string | null;
  /** the tracking number of each parcel the order recorded (one per warehouse), when it recorded them */
  parcels?: string[];
  createdAt: number;
  /** when the order reached its current status (epoch ms) */
  settledAt: number;
  /** when it first came to rest (a status out of IN_FLIGHT), before any later change a customer or admin asked for */
  firstRestAt?: number;
  /** what else its saga holds (tries per step, a shipment asked for), for a stuck order's example */
  saga?: string;
  /** its statuses with the ms since creation each came at, for the slowest orders' examples */
  path?: string;
};
/** One idempotency key a customer sent: the order id it must name, and every id answered for it. */
export type SentKey = { key: string; orderId: string; answered: string[] };
export type LedgerRow = { kind: "authorize" | "capture" | "refund"; paymentId: string; orderId?: string };
export type ParcelRow = { orderId?: string; trackingNumber: string; warehouse?: string };
export type StockRow = { sku: string; onHand: number; reserved: number };
export type DeadLetterRow = { id: number; consumer: string; key: string | null; error: string; firstSeenAt: number; at: number };
export type FaultEvent = { at: number; kind: string; detail: string };
export type Death = { name: string; at: number; code: number | null; signal: string | null };

export type World = {
  sent: SentKey[];
  orders: OrderRow[];
  ledger: LedgerRow[];
  parcels: ParcelRow[];
  stockBefore: StockRow[];
  stockAfter: StockRow[];
  /** stock adjustments made during the run, by SKU */
  adjustments: Record<string, number>;
  outboxPending: { count: number; examples: string[] };
  deadLetters: DeadLetterRow[];
  faults: FaultEvent[];
  deaths: Death[];
  /** requests the clients sent, and those an edge left unanswered past the client's timeout */
  requests: { sent: number; hung: string[] };
  /** how long before a dead letter's first failure a fault may have caused it */
  explainMs: number;
  /** orders a provider fault touched whatever the time (their answers were lost): their dead letters are explained */
  faultedOrders: string[];
};

export type Check = { name: string; ok: boolean; checked: number; failed: number; examples: string[] };

/** Statuses an order leaves by itself; one still in them at the end is stuck. */
export const IN_FLIGHT = new Set(["CREATED", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "PROCESSING", "REFUND_PENDING"]);
const SHIPPED = new Set(["SHIPPED", "DELIVERED"]);
/** Where a refund may lead: the order was cancelled, refunded, or voided a late authorization. */
const REFUND_ENDS = new Set(["CANCELLED", "REFUNDED", "INVENTORY_RELEASED"]);
/** Statuses that keep an authorization for an admin to decide on. */
const HOLDS_PAYMENT = new Set(["SHIPPING_FAILED", "REFUND_FAILED"]);
const EXAMPLES = 5;

/** Every check, in the order the report prints them. */
export function checkInvariants(w: World): Check[] {
  const byOrder = <T extends { orderId?: string }>(rows: T[]) => {
    const m = new Map<string, T[]>();
    for (const r of rows) if (r.orderId) (m.get(r.orderId) ?? m.set(r.orderId, []).get(r.orderId)!).push(r);
    return m;
  };
  const money = byOrder(w.ledger);
  const parcels = byOrder(w.parcels);
  const faulted = new Set(w.faultedOrders);
  const of = (id: string, kind: LedgerRow["kind"]) => (money.get(id) ?? []).filter((e) => e.kind === kind).length;
  return [
    acceptedOnce(w),
    check("no order stuck in a non-final state", w.orders, (o) => (IN_FLIGHT.has(o.status) ? `${o.id} ${o.status} since ${new Date(o.settledAt).toISOString()}${o.saga ? ` (${o.saga})` : ""}` : null)),
    check("every capture once and only for a shipped order", w.orders, (o) => {
      const n = of(o.id, "capture");
      if (n > 1) return `${o.id} captured ${n} times`;
      if (n === 1 && !SHIPPED.has(o.status)) return `${o.id} captured but ${o.status}`;
      if (n === 0 && SHIPPED.has(o.status)) return `${o.id} ${o.status} but never captured`;
      return null;
    }),
    check("refunds once and only for cancelled or refunded orders, every one that was paid", w.orders, (o) => {
      const n = of(o.id, "refund");
      if (n > 1) return `${o.id} refunded ${n} times`;
      if (n === 1 && !REFUND_ENDS.has(o.status)) return `${o.id} refunded but ${o.status}`;
      if (n === 0 && REFUND_ENDS.has(o.status) && of(o.id, "authorize") > 0) return `${o.id} ${o.status} with its authorization never refunded`;
      return null;
    }),
    check("every authorization is captured, refunded, or held for an admin", w.orders, (o) => {
      const n = of(o.id, "authorize");
      if (n > 1) return `${o.id} authorized ${n} times`;
      if (n === 1 && of(o.id, "capture") + of(o.id, "refund") === 0 && !HOLDS_PAYMENT.has(o.status)) return `${o.id} ${o.status} holds an authorization nobody settles`;
      return null;
    }),
    stock(w),
    check("each shipment once and only for a shipped order", w.orders, (o) => {
      const ps = parcels.get(o.id) ?? [];
      // one parcel per warehouse: two from the same one (or two with none named) is a shipment booked twice
      if (new Set(ps.map((p) => p.warehouse ?? "")).size < ps.length) return `${o.id} has ${ps.length} parcels from ${ps.map((p) => p.warehouse ?? "?").join(", ")}`;
      if (ps.length > 0 && !SHIPPED.has(o.status)) return `${o.id} ${o.status} but a parcel was booked (${ps[0]!.trackingNumber})`;
      if (ps.length === 0 && SHIPPED.has(o.status)) return `${o.id} ${o.status} with no parcel booked`;
      const tracked = [...(o.parcels ?? (o.trackingNumber ? [o.trackingNumber] : []))].sort().join(", ");
      const booked = ps.map((p) => p.trackingNumber).sort().join(", ");
      if (ps.length > 0 && tracked !== booked) return `${o.id} tracks ${tracked || "nothing"}, the carrier booked ${booked}`;
      return null;
    }),
    { name: "outbox drained", ok: w.outboxPending.count === 0, checked: 1, failed: w.outboxPending.count, examples: w.outboxPending.examples.slice(0, EXAMPLES) },
    check("dead letters only where a fault explains them", w.deadLetters, (d) => {
      const explained = (d.key !== null && faulted.has(d.key)) || w.faults.some((f) => f.at >= d.firstSeenAt - w.explainMs && f.at <= d.at);
      return explained ? null : `#${d.id} ${d.consumer} ${d.key ?? ""}: ${d.error.slice(0, 80)}`;
    }),
    {
      name: "every request answered in time (a 503 if the shop cannot serve it)", ok: w.requests.hung.length === 0,
      checked: w.requests.sent, failed: w.requests.hung.length, examples: w.requests.hung.slice(0, EXAMPLES),
    },
    check("no process died that was not killed", w.deaths, (d) => `${d.name} exited (${d.signal ?? `code ${d.code}`}) at ${new Date(d.at).toISOString()}`),
  ];
}

/** A check of `items`: `bad` names what is wrong with one, or null. */
function check<T>(name: string, items: T[], bad: (item: T) => string | null): Check {
  const problems = items.map(bad).filter((p): p is string => p !== null);
  return { name, ok: problems.length === 0, checked: items.length, failed: problems.length, examples: problems.slice(0, EXAMPLES) };
}

/** Each key names one order, the one derived from it, and it exists; no order came from nowhere. */
function acceptedOnce(w: World): Check {
  const ids = new Set(w.orders.map((o) => o.id));
  const keyed = new Set(w.sent.map((s) => s.orderId));
  const bad: string[] = [];
  for (const s of w.sent) {
    const answered = new Set(s.answered);
    if (answered.size > 1) bad.push(`key ${s.key} answered ${[...answered].join(", ")}`);
    else if (answered.size === 1 && !answered.has(s.orderId)) bad.push(`key ${s.key} answered ${s.answered[0]}, not ${s.orderId}`);
    else if (answered.size === 1 && !ids.has(s.orderId)) bad.push(`key ${s.key}: order ${s.orderId} was accepted but does not exist`);
  }
  for (const o of w.orders) if (!keyed.has(o.id)) bad.push(`order ${o.id} matches no key sent`);
  return { name: "every accepted order exists once per key", ok: bad.length === 0, checked: w.sent.length, failed: bad.length, examples: bad.slice(0, EXAMPLES) };
}

/** Stock never negative, and what is on hand and reserved is what the orders say it should be. */
function stock(w: World): Check {
  const shipped = new Map<string, number>();
  const held = new Map<string, number>();
  const add = (m: Map<string, number>, l: Line) => m.set(l.sku, (m.get(l.sku) ?? 0) + l.qty);
  for (const o of w.orders) {
    if (SHIPPED.has(o.status)) o.items.forEach((l) => add(shipped, l));
    if (o.reserved) o.items.forEach((l) => add(held, l));
  }
  const before = new Map(w.stockBefore.map((s) => [s.sku, s]));
  return check("stock: never negative; on hand = initial - shipped + adjustments; reserved = what orders hold", w.stockAfter, (s) => {
    const b = before.get(s.sku) ?? { onHand: 0, reserved: 0 };
    if (s.onHand < 0 || s.reserved < 0 || s.reserved > s.onHand) return `${s.sku} on hand ${s.onHand}, reserved ${s.reserved}`;
    const onHand = b.onHand - (shipped.get(s.sku) ?? 0) + (w.adjustments[s.sku] ?? 0);
    if (s.onHand !== onHand) return `${s.sku} on hand ${s.onHand}, expected ${onHand} (${b.onHand} - ${shipped.get(s.sku) ?? 0} shipped + ${w.adjustments[s.sku] ?? 0})`;
    const reserved = b.reserved + (held.get(s.sku) ?? 0);
    if (s.reserved !== reserved) return `${s.sku} reserved ${s.reserved}, orders hold ${reserved - b.reserved}`;
    return null;
  });
}
