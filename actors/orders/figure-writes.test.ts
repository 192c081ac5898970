/**
 * The dashboard's counters on each engine: the projector's transaction adds to them, a
 * redelivered batch adds nothing, the migration back-fills the same figures from existing
 * orders, and the dashboard reads them back.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { Database } from "../../db/client.ts";
import { seedCatalog } from "../../db/seed.ts";
import { figuresByDay, figuresByHour, figuresByProduct, figuresByStatus, orderViews } from "../../db/schema.ts";
import { databases, ENGINES } from "../../test/engines.ts";
import { backfillFigures, writeOrderViews } from "../../test/order-fixture.ts";
import { envelope, topicOf, type Emit, type Envelope, type OrderStatus } from "../contracts/index.ts";
import { OrderView } from "../contracts/order-view.ts";
import { projectorActor } from "../projector.ts";
import { ActorGroup } from "../runtime/actor-group.ts";
import type { Delivered } from "../runtime/bus.ts";
import { Runner, type RunnerDeps } from "../runtime/runner.ts";
import { orderAlertResources, viewStore } from "../stores.ts";
import type { OrderAlerts } from "../ops/alert-rules.ts";
import { Dashboard } from "./dashboard.ts";
import { figuresOf, rowsOf, sumOf } from "./figures.ts";

const dbs = databases();
afterAll(() => dbs.closeAll());

const NOW = new Date();
let offset = 0;
function delivered(e: Emit, key: string, at = NOW): Delivered {
  const env = envelope(e, key, at, null, crypto.randomUUID());
  return { topic: topicOf(env.type), key, value: JSON.stringify(env), partition: 0, offset: offset++ };
}
const ADDRESS = { name: "A", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };
const created = (orderId: string, currency = "USD", fxRate?: string): Emit => ({
  type: "order.OrderCreated.v1",
  payload: {
    orderId, customerId: "c-1", currency, ...(fxRate ? { fxRate } : {}), shippingAddress: ADDRESS, total: 2 * 1999 + 350,
    items: [{ sku: "LAP-001", qty: 2, name: "Laptop", unitPrice: 1999 }, { sku: "MUG-001", qty: 1, name: "Mug", unitPrice: 350 }],
  },
});
const moved = (orderId: string, from: OrderStatus, to: OrderStatus): Emit => ({
  type: "order.StatusChanged.v1", payload: { orderId, from, to, reason: `${from} to ${to}`, details: {} },
});

function projector(database: Database) {
  const deps: RunnerDeps = { sql: database.sql, call: () => Promise.resolve(undefined), now: () => new Date(), maxAttempts: 3, onOutbox: () => {} };
  const group = new ActorGroup([new Runner<OrderView, Envelope, OrderAlerts, unknown>({ actor: projectorActor, store: viewStore, input: (e) => e, resources: orderAlertResources }, deps)], deps);
  return (...messages: Delivered[]) => group.handleBatch({ messages });
}

/** The four tables as figures.ts's rows, sorted the way rowsOf sorts them (zero rows left out). */
async function stored(database: Database) {
  const { db } = database;
  const days = (await db.select().from(figuresByDay)).sort((a, b) => a.day.localeCompare(b.day));
  return {
    days: days.filter((d) => d.orders || d.paid || d.revenueCents || d.cancellations || d.refunds),
    hours: (await db.select().from(figuresByHour)).filter((h) => h.orders !== 0).map((h) => ({ hour: h.hour.toISOString(), orders: h.orders }))
      .sort((a, b) => a.hour.localeCompare(b.hour)),
    statuses: (await db.select().from(figuresByStatus)).filter((s) => s.orders !== 0).sort((a, b) => (a.status < b.status ? -1 : 1)),
    products: (await db.select().from(figuresByProduct)).filter((p) => p.units !== 0)
      .sort((a, b) => `${a.day} ${a.sku}`.localeCompare(`${b.day} ${b.sku}`)),
  };
}

/** What figures.ts says the orders there are add up to. */
async function expected(database: Database) {
  const views = await database.db.select({ view: orderViews.view }).from(orderViews);
  return rowsOf(sumOf(views.map((r) => figuresOf(OrderView.parse(r.view)))));
}

describe.each(ENGINES)("the dashboard's counters on %s", (engine) => {
  test("the projector adds to them as orders move; a redelivered batch adds nothing", async () => {
    const database = await dbs.open(engine);
    const project = projector(database);
    const first = [delivered(created("o-1"), "o-1"), delivered(created("o-2", "EUR", "0.92"), "o-2"), delivered(created("o-3"), "o-3")];
    await project(...first);
    await project(...first); // redelivered
    const moves = [
      delivered(moved("o-1", "CREATED", "INVENTORY_RESERVED"), "o-1"), delivered(moved("o-3", "CREATED", "CANCELLED"), "o-3"),
      delivered(moved("o-2", "CREATED", "INVENTORY_RESERVED"), "o-2"),
    ];
    const paid = [
      delivered(moved("o-1", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED"), "o-1"), delivered(moved("o-2", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED"), "o-2"),
    ];
    await project(...moves);
    await project(...paid);
    await project(moves[1]!, ...paid, moves[0]!); // redelivered, out of order
    const rows = await stored(database);
    expect(rows).toEqual(await expected(database));
    expect(rows.statuses).toEqual([
      { status: "CANCELLED", orders: 1 }, { status: "PAYMENT_AUTHORIZED", orders: 2 },
    ]);
    const day = rows.days.at(-1)!;
    expect(day).toMatchObject({ orders: 3, paid: 2, cancellations: 1, refunds: 0 });
    // 4,348 cents in USD, and 4,348 euro cents at 0.92 euro per dollar
    expect(day.revenueCents).toBe(4348 + Math.round(4348 / 0.92));

    const seen = await new Dashboard(database.db).figures();
    expect(seen.today).toMatchObject({ orders: 3, cancellations: 1, revenueCents: day.revenueCents, averageCents: Math.round(day.revenueCents / 2) });
    expect(seen.inFlight).toBe(2);
    expect(seen.hours.reduce((n, h) => n + h.orders, 0)).toBe(3);
    expect(seen.days.at(-1)).toEqual({ day: NOW.toISOString().slice(0, 10), orders: 3, revenueCents: day.revenueCents });
    expect(seen.topProducts.map((p) => [p.sku, p.units])).toEqual([["LAP-001", 4], ["MUG-001", 2]]);
  });

  test("the migration back-fills the same figures from the orders there are", async () => {
    const database = await dbs.open(engine);
    const project = projector(database);
    const lastWeek = new Date(NOW.getTime() - 6 * 86_400_000);
    await project(
      delivered(created("b-1", "JPY", "151.2"), "b-1", lastWeek), delivered(created("b-2"), "b-2", lastWeek),
      delivered(created("b-3", "GBP", "0.79"), "b-3"), delivered(created("b-4"), "b-4"),
    );
    const path: [string, OrderStatus, OrderStatus][] = [
      ["b-2", "CREATED", "INVENTORY_RESERVED"], ["b-2", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED"],
      ["b-2", "PAYMENT_AUTHORIZED", "REFUND_PENDING"], ["b-2", "REFUND_PENDING", "CANCELLED"],
      ["b-4", "CREATED", "INVENTORY_RESERVED"], ["b-4", "INVENTORY_RESERVED", "PAYMENT_AUTHORIZED"],
      ["b-4", "PAYMENT_AUTHORIZED", "SHIPPING_FAILED"], ["b-4", "SHIPPING_FAILED", "REFUND_PENDING"], ["b-4", "REFUND_PENDING", "REFUNDED"],
    ];
    for (const [id, from, to] of path) await project(delivered(moved(id, from, to), id));
    const live = await stored(database);
    expect(live).toEqual(await expected(database));
    expect(live.days.reduce((n, d) => n + d.refunds, 0)).toBe(2);

    // the shop as it was before the dashboard: no counters; then the upgrade
    await backfillFigures(database);
    expect(await stored(database)).toEqual(live);
  });

  test("the bench's orders written with SQL are views the projector could have written, and back-fill alike", async () => {
    const database = await dbs.open(engine);
    await seedCatalog(database.db);
    await writeOrderViews(database, 500);
    const views = await database.db.select({ view: orderViews.view }).from(orderViews);
    expect(views).toHaveLength(500);
    for (const { view } of views) OrderView.parse(view);
    await backfillFigures(database);
    const rows = await stored(database);
    expect(rows).toEqual(await expected(database));
    expect(rows.days.reduce((n, d) => n + d.cancellations, 0)).toBe(50);
  });
});
