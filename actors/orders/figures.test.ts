import { describe, expect, test } from "bun:test";
import type { Envelope, OrderStatus } from "../contracts/index.ts";
import { toBaseCents } from "../money/currency.ts";
import { projectorActor, type OrderView } from "../projector.ts";
import { ADDRESS, ITEMS, NOW, ORDER, TOTAL, ev } from "../testing/test-kit.ts";
import { changeOf, figuresOf, rowsOf, sumOf } from "./figures.ts";

const DAY = NOW.toISOString().slice(0, 10);
const NEXT_DAY = "2030-01-02";
const created = (currency = "USD", fxRate?: string) => ev({
  type: "order.OrderCreated.v1",
  payload: { orderId: ORDER, customerId: "cust-1", items: ITEMS, total: TOTAL, currency, ...(fxRate ? { fxRate } : {}), shippingAddress: ADDRESS },
});
const changed = (from: OrderStatus, to: OrderStatus) => ev({
  type: "order.StatusChanged.v1", payload: { orderId: ORDER, from, to, reason: `${from} to ${to}`, details: {} },
});

/** The projector's view after each message it takes (an ignored message leaves the view as it was). */
function views(messages: Envelope[]): OrderView[] {
  const out: OrderView[] = [];
  let v: OrderView | null = null;
  for (const e of messages) {
    const d = projectorActor.decide(v, e, { now: NOW, res: {} });
    if (d.kind === "ok" && d.state) v = d.state;
    out.push(v!);
  }
  return out;
}

/** Every change a sequence of messages makes, added up as the projector would write them. */
const total = (messages: Envelope[]) => {
  const vs = views(messages);
  return rowsOf(sumOf(vs.map((v, i) => changeOf(i === 0 ? null : vs[i - 1]!, v))));
};

/** A path through the statuses, from CREATED. */
const path = (...to: OrderStatus[]) => [created(), ...to.map((s, i) => changed(i === 0 ? "CREATED" : to[i - 1]!, s))];

/** The day's cancellations and refunds after `statuses`, the last one's timeline entry a day later. */
function closing(...to: OrderStatus[]) {
  const messages = path(...to);
  const vs = views(messages);
  const last = vs.at(-1)!;
  // the moves happen the next day: cancellations and refunds count on the day they happen
  const later = { ...last, timeline: last.timeline.map((e, i) => (i === 0 ? e : { ...e, at: `${NEXT_DAY}T10:00:00.000Z` })) };
  return rowsOf(changeOf(null, later));
}

describe("the dashboard's figures", () => {
  test("a new order counts once on its day, its hour and its status; its revenue and products once it is paid", () => {
    expect(rowsOf(changeOf(null, views([created()])[0]!))).toEqual({
      days: [{ day: DAY, orders: 1, paid: 0, revenueCents: 0, cancellations: 0, refunds: 0 }],
      hours: [{ hour: "2030-01-01T00:00:00.000Z", orders: 1 }],
      statuses: [{ status: "CREATED", orders: 1 }],
      products: [],
    });
    const vs = views(path("INVENTORY_RESERVED", "PAYMENT_AUTHORIZED"));
    expect(rowsOf(changeOf(vs[1]!, vs[2]!))).toEqual({
      days: [{ day: DAY, orders: 0, paid: 1, revenueCents: TOTAL, cancellations: 0, refunds: 0 }],
      hours: [],
      statuses: [{ status: "INVENTORY_RESERVED", orders: -1 }, { status: "PAYMENT_AUTHORIZED", orders: 1 }],
      products: [
        { day: DAY, sku: "MUG", units: 2, revenueCents: 2400 },
        { day: DAY, sku: "TEE", units: 1, revenueCents: 2500 },
      ],
    });
  });

  test("an order in another currency counts at the rate it recorded", () => {
    const v = views([created("JPY", "151.2"), changed("CREATED", "INVENTORY_RESERVED"), changed("INVENTORY_RESERVED", "PAYMENT_AUTHORIZED")]).at(-1)!;
    const rows = rowsOf(changeOf(null, v));
    expect(rows.days[0]?.revenueCents).toBe(toBaseCents(TOTAL, { code: "JPY", minorUnits: 0, rate: "151.2" }));
    expect(rows.days[0]?.revenueCents).toBe(3241); // 4900 yen at 151.2 per dollar
    expect(rows.products.map((p) => p.revenueCents)).toEqual([
      toBaseCents(2400, { code: "JPY", minorUnits: 0, rate: "151.2" }), toBaseCents(2500, { code: "JPY", minorUnits: 0, rate: "151.2" }),
    ]);
  });

  test("a declined payment counts the order, and no revenue", () => {
    expect(total(path("INVENTORY_RESERVED", "PAYMENT_FAILED")).days).toEqual([
      { day: DAY, orders: 1, paid: 0, revenueCents: 0, cancellations: 0, refunds: 0 },
    ]);
  });

  test("a replayed or redelivered event does not count twice", () => {
    const [v1, v2] = views([created(), created()]);
    expect(v2).toBe(v1!); // the projector ignores the second creation
    const [a, b, c] = views([created(), changed("CREATED", "INVENTORY_RESERVED"), changed("CREATED", "INVENTORY_RESERVED")]);
    expect(c).toBe(b!); // and a status change it has seen
    expect(changeOf(b!, c!).size).toBe(0); // a view written again unchanged adds nothing
    expect(total([created(), created(), changed("CREATED", "INVENTORY_RESERVED"), changed("CREATED", "INVENTORY_RESERVED")]))
      .toEqual(rowsOf(figuresOf(b!)));
    expect(a?.status).toBe("CREATED");
  });

  test("a status move takes one from the old status and gives it to the new", () => {
    const [v1, v2] = views(path("INVENTORY_RESERVED"));
    expect(rowsOf(changeOf(v1!, v2!))).toEqual({
      days: [], hours: [], products: [],
      statuses: [{ status: "CREATED", orders: -1 }, { status: "INVENTORY_RESERVED", orders: 1 }],
    });
  });

  test("every path adds up to the figures of where it ends: one order, in one status", () => {
    const steps = path("INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPED", "DELIVERED");
    const rows = total(steps);
    expect(rows).toEqual(rowsOf(figuresOf(views(steps).at(-1)!)));
    expect(rows.statuses).toEqual([{ status: "DELIVERED", orders: 1 }]);
    expect(rows.days).toEqual([{ day: DAY, orders: 1, paid: 1, revenueCents: TOTAL, cancellations: 0, refunds: 0 }]);
  });

  test("a cancelled order leaves revenue and the products, and counts one cancellation", () => {
    const rows = total(path("CANCELLED"));
    expect(rows.days).toEqual([{ day: DAY, orders: 1, paid: 0, revenueCents: 0, cancellations: 1, refunds: 0 }]);
    expect(rows.products).toEqual([]);
    expect(rows.statuses).toEqual([{ status: "CANCELLED", orders: 1 }]);
  });

  test("a cancellation and a refund count once, even when the order passes there again", () => {
    // cancelled after payment; voiding a late authorization fails; an admin retries; it goes through
    const steps = path("INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "REFUND_PENDING", "REFUND_FAILED", "REFUND_PENDING", "CANCELLED",
      "REFUND_FAILED", "REFUND_PENDING", "CANCELLED");
    const rows = total(steps);
    expect(rows.days).toEqual([{ day: DAY, orders: 1, paid: 0, revenueCents: 0, cancellations: 1, refunds: 1 }]);
    expect(rows.statuses).toEqual([{ status: "CANCELLED", orders: 1 }]);
  });

  test("a refund after a failed shipment counts once, on the day it happened", () => {
    expect(closing("INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "SHIPPING_FAILED", "REFUND_PENDING", "REFUNDED").days).toEqual([
      { day: DAY, orders: 1, paid: 0, revenueCents: 0, cancellations: 0, refunds: 0 },
      { day: NEXT_DAY, orders: 0, paid: 0, revenueCents: 0, cancellations: 0, refunds: 1 },
    ]);
    expect(closing("CANCELLED").days[1]).toEqual({ day: NEXT_DAY, orders: 0, paid: 0, revenueCents: 0, cancellations: 1, refunds: 0 });
  });

  test("rows come sorted by key, so every writer locks them in the same order", () => {
    const paid = { ...views([created()])[0]!, status: "PAYMENT_AUTHORIZED" as const };
    const other = { ...paid, orderId: "order-2", createdAt: "2029-12-31T23:30:00.000Z", status: "SHIPPED" as const };
    const rows = rowsOf(sumOf([changeOf(null, paid), changeOf(null, other)]));
    expect(rows.days.map((d) => d.day)).toEqual(["2029-12-31", DAY]);
    expect(rows.hours.map((h) => h.hour)).toEqual(["2029-12-31T23:00:00.000Z", "2030-01-01T00:00:00.000Z"]);
    expect(rows.statuses.map((s) => s.status)).toEqual(["PAYMENT_AUTHORIZED", "SHIPPED"]);
    expect(rows.products.map((p) => `${p.day} ${p.sku}`)).toEqual(["2029-12-31 MUG", "2029-12-31 TEE", `${DAY} MUG`, `${DAY} TEE`]);
  });
});
