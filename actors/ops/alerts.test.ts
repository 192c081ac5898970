/** The alerts table on both engines: reconciling letters and stock, acknowledging, one unresolved per subject, retention. */
import { afterAll, describe, expect, test } from "bun:test";
import { databases, ENGINES } from "../../test/engines.ts";
import { waitUntil } from "../../test/kit.ts";
import { migrate } from "../../db/migrate.ts";
import { movements, products, stock } from "../../db/schema.ts";
import { AlertConflict } from "../contracts/errors.ts";
import { together } from "../../db/sql.ts";
import { orderAlertResources } from "../stores.ts";
import { orderAlertKey, type OrderAlerts } from "./alert-rules.ts";
import { Alerts, resolvedAlertsUpkeep } from "./alerts.ts";

const DAY = 24 * 3600_000;

describe.each(ENGINES)("alerts on %s", (engine) => {
  const dbs = databases();
  afterAll(() => dbs.closeAll());

  async function open() {
    const { db, sql } = await dbs.open(engine);
    const changes: number[] = [];
    return { db, sql, alerts: new Alerts(db, sql, (n) => changes.push(n)), changes };
  }

  /** Stock rows received as the seed receives its opening stock: with a movement of the units on hand. */
  async function received(db: Awaited<ReturnType<typeof open>>["db"], rows: { sku: string; onHand: number; reserved: number }[]) {
    await db.insert(stock).values(rows.map((r) => ({ ...r, warehouse: "BER" })));
    await db.insert(movements).values(rows.map((r) => ({ sku: r.sku, warehouse: "BER", deltaOnHand: r.onHand, deltaReserved: 0, reason: "initial stock", ref: "seed" })));
  }

  test("low stock opens under 10 available, once, and resolves at 10 or more", async () => {
    const { db, alerts, changes } = await open();
    await db.insert(products).values([
      { sku: "A-1", name: "Lamp", category: "Home", brand: "B", description: "", price: 100, rating: 4, images: [] },
      { sku: "A-2", name: "Desk", category: "Home", brand: "B", description: "", price: 100, rating: 4, images: [] },
    ]);
    await received(db, [{ sku: "A-1", onHand: 12, reserved: 3 }, { sku: "A-2", onHand: 50, reserved: 0 }]);
    expect(await alerts.syncLowStock()).toBe(1);
    expect(await alerts.syncLowStock(["A-1", "A-2"])).toBe(0);
    const [low] = (await alerts.page({ kind: "lowStock", limit: 10 })).alerts;
    expect(low).toMatchObject({ subject: "A-1", summary: "Lamp (A-1): 9 left", details: { available: 9, threshold: 10 } });
    await db.update(stock).set({ reserved: 2 });
    expect(await alerts.syncLowStock(["A-1"])).toBe(1);
    expect((await alerts.get(low!.id)).resolvedAt).not.toBeNull();
    expect(await alerts.syncLowStock([])).toBe(0);
    expect(changes).toEqual([1, 1]);
  });

  test("each product's own low-stock threshold decides: raising it opens an alert, lowering it resolves it", async () => {
    const { db, alerts } = await open();
    await db.insert(products).values([
      { sku: "T-1", name: "Rug", category: "Home", brand: "B", description: "", price: 100, rating: 4, images: [], lowStockThreshold: 3 },
      { sku: "T-2", name: "Vase", category: "Home", brand: "B", description: "", price: 100, rating: 4, images: [], lowStockThreshold: 40 },
    ]);
    await received(db, [{ sku: "T-1", onHand: 5, reserved: 0 }, { sku: "T-2", onHand: 30, reserved: 0 }]);
    expect(await alerts.syncLowStock(["T-1", "T-2"])).toBe(1);
    const [low] = (await alerts.page({ kind: "lowStock", limit: 10 })).alerts;
    expect(low).toMatchObject({ subject: "T-2", details: { available: 30, threshold: 40 } });
    await db.update(products).set({ lowStockThreshold: 6 });
    expect(await alerts.syncLowStock(["T-1", "T-2"])).toBe(2);
    expect((await alerts.page({ kind: "lowStock", limit: 10 })).alerts.map((a) => a.subject)).toEqual(["T-1"]);
  });

  test("a product never stocked is not low (created at 0: nothing fell); once it received units it is; archived it is not", async () => {
    const { db, alerts } = await open();
    await db.insert(products).values([{ sku: "N-1", name: "New", category: "Home", brand: "B", description: "", price: 100, rating: 4, images: [] }]);
    await db.insert(stock).values([{ sku: "N-1", warehouse: "BER", onHand: 0, reserved: 0 }]);
    expect(await alerts.syncLowStock(["N-1"])).toBe(0);
    expect(await alerts.syncLowStock()).toBe(0);
    // a first delivery of 3 (under the threshold of 10): received, and low
    await db.update(stock).set({ onHand: 3 });
    await db.insert(movements).values({ sku: "N-1", warehouse: "BER", deltaOnHand: 3, deltaReserved: 0, reason: "restock", ref: "admin" });
    expect(await alerts.syncLowStock(["N-1"])).toBe(1);
    const [low] = (await alerts.page({ kind: "lowStock", limit: 10 })).alerts;
    expect(low).toMatchObject({ subject: "N-1", summary: "New (N-1): 3 left" });
    // off the storefront, its stock is nobody's worry: the alert resolves
    await db.update(products).set({ archivedAt: new Date() });
    expect(await alerts.syncLowStock(["N-1"])).toBe(1);
    expect((await alerts.get(low!.id)).resolvedAt).not.toBeNull();
  });

  test("a waiting dead letter has one alert until it is replayed or discarded", async () => {
    const { sql, alerts } = await open();
    const park = (key: string, offset: string) => sql.query<{ id: string }>(`INSERT INTO runtime.dead_letters (consumer, topic, partition, "offset", key, error, attempts, message)
      VALUES ('payment', 'order.events', 0, $2, $1, 'boom', 5, '{}') RETURNING id::text`, [key, offset]);
    const [a] = await park("o-1", "1");
    await park("o-2", "2");
    expect(await alerts.syncDeadLetters()).toBe(2);
    expect(await alerts.syncDeadLetters()).toBe(0);
    const opened = (await alerts.page({ kind: "deadLetter", limit: 10 })).alerts;
    expect(opened.map((x) => x.summary)).toContain("payment could not handle a message on order.events for o-1");
    await sql.query("UPDATE runtime.dead_letters SET discarded_at = now() WHERE id = $1::bigint", [a!.id]);
    expect(await alerts.syncDeadLetters()).toBe(1);
    expect((await alerts.page({ kind: "deadLetter", limit: 10 })).alerts.map((x) => x.subject)).not.toContain(a!.id);
  });

  test("reconciling in the background after many changes runs again once, not once per change", async () => {
    const { sql, alerts, changes } = await open();
    await sql.query(`INSERT INTO runtime.dead_letters (consumer, topic, partition, "offset", key, error, attempts, message)
      VALUES ('shipping', 'order.events', 1, '7', 'o-3', 'boom', 5, '{}')`);
    for (let i = 0; i < 20; i++) alerts.syncDeadLettersSoon();
    await waitUntil(async () => (await alerts.counts()).total === 1, 10_000, "the letter's alert");
    await Bun.sleep(50);
    expect(changes).toEqual([1]);
    expect(await alerts.syncDeadLetters()).toBe(0);
  });

  test("the projector's rows: opened, resolved, and a failure again in one batch reopens its row unacknowledged", async () => {
    const { sql, alerts } = await open();
    const NOW = new Date();
    const write = async (before: OrderAlerts, after: OrderAlerts) => {
      const { stmts, changed } = orderAlertResources.saving(before, after, NOW);
      const all = together(stmts);
      if (all) await sql.query(all.text, all.params);
      return changed;
    };
    const failed = (orderId: string, reason: string, id: number | null = null): OrderAlerts => ({
      [orderAlertKey("failed", orderId)]: { id, kind: "failed", subject: orderId, summary: reason, details: { reason }, openedAt: NOW.toISOString() },
    });
    expect(await write({}, { ...failed("o-1", "declined"), ...failed("o-2", "undeliverable") })).toEqual(["o-1", "o-2"]);
    const loaded = await sql.transaction((tx) => orderAlertResources.load(tx, ["o-1", "o-2", "o-3"]));
    expect(Object.keys(loaded).sort()).toEqual([orderAlertKey("failed", "o-1"), orderAlertKey("failed", "o-2")]);
    const one = loaded[orderAlertKey("failed", "o-1")]!;
    await alerts.acknowledge(one.id!, { sub: "admin-1" }, "");

    expect(await write(loaded, { ...failed("o-1", "declined again") })).toEqual(["o-2", "o-1"]);
    expect(await alerts.get(one.id!)).toMatchObject({ summary: "declined again", acknowledgedAt: null, resolvedAt: null });
    expect((await alerts.page({ limit: 10 })).alerts.map((a) => a.subject)).toEqual(["o-1"]);
  });

  test("an acknowledged alert leaves the open list but still holds its subject; acknowledging twice is a conflict", async () => {
    const { sql, alerts } = await open();
    const [row] = await sql.query<{ id: string }>(`INSERT INTO admin.alerts (kind, subject, summary) VALUES ('failed', 'o-9', 'failed') RETURNING id::text`);
    const id = Number(row!.id);
    expect(await alerts.counts()).toEqual({ total: 1, byKind: { failed: 1 } });
    const done = await alerts.acknowledge(id, { sub: "admin-1", name: "Ada" }, "on it");
    expect(done).toMatchObject({ acknowledgedBy: "Ada", ackReason: "on it" });
    expect(await alerts.counts()).toEqual({ total: 0, byKind: {} });
    expect(await alerts.summary()).toEqual({ open: 0, latest: [] });
    await expect(alerts.acknowledge(id, { sub: "admin-1" }, "")).rejects.toBeInstanceOf(AlertConflict);
    // one unresolved alert per (kind, subject), acknowledged or not
    await expect(sql.query(`INSERT INTO admin.alerts (kind, subject, summary) VALUES ('failed', 'o-9', 'again')`)).rejects.toThrow();
  });

  test("sagas that failed before there were alerts start with an open one", async () => {
    const { db, sql, alerts } = await open();
    await sql.query("DROP TABLE admin.alerts");
    await sql.query("DELETE FROM public.schema_migrations WHERE name LIKE '0017_%'");
    await sql.query(`INSERT INTO ordering.order_views (id, customer_id, status, total, base_total, currency, created_at, updated_at, view)
      VALUES ('o-old', 'c', 'SHIPPING_FAILED', 1, 1, 'USD', now(), now(), '{"timeline": [{"reason": "placed"}, {"reason": "address is undeliverable"}]}'),
             ('o-fine', 'c', 'SHIPPED', 1, 1, 'USD', now(), now(), '{"timeline": []}')`);
    await migrate(db);
    expect((await alerts.page({ limit: 10 })).alerts).toEqual([expect.objectContaining({
      kind: "failed", subject: "o-old", summary: "Order o-old is SHIPPING_FAILED: address is undeliverable",
    })]);
  });

  test("resolved alerts go after their retention; open and acknowledged ones stay, however old", async () => {
    const { sql } = await open();
    const alert = (subject: string, opened: string, acknowledged: string | null, resolved: string | null) => sql.query(
      `INSERT INTO admin.alerts (kind, subject, summary, opened_at, acknowledged_at, resolved_at)
       VALUES ('stalled', $1, 's', now() - $2::text::interval, now() - $3::text::interval, now() - $4::text::interval)`,
      [subject, opened, acknowledged, resolved]);
    await alert("old-resolved", "90 days", null, "31 days");
    await alert("new-resolved", "90 days", null, "2 days");
    await alert("old-open", "90 days", null, null);
    await alert("old-acknowledged", "90 days", "60 days", null);
    await resolvedAlertsUpkeep(30 * DAY)(sql);
    expect((await sql.query<{ subject: string }>("SELECT subject FROM admin.alerts ORDER BY id")).map((r) => r.subject))
      .toEqual(["new-resolved", "old-open", "old-acknowledged"]);
  });
});
