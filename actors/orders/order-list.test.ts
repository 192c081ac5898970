/**
 * The order list on a real database (PGlite in memory), filled with rows that tie on every
 * sort key: each sort, both ways, walked a keyset page at a time, gives every row once in
 * the order one unpaged query gives; a page with its customers is one query.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openPglite, type Database } from "../../db/client.ts";
import type { OrderStatus } from "../contracts/index.ts";
import { decodeCursor, ORDER_SORTS } from "./order-cursor.ts";
import { listOrders, narrows, type OrderListQuery } from "./order-list.ts";

const ADMIN = { sub: "admin", role: "admin" } as const;
const STATUSES: OrderStatus[] = ["SHIPPED", "PAYMENT_FAILED", "CREATED"];
const N = 61;
let database: Database;
let queries = 0;

beforeAll(async () => {
  database = await openPglite(undefined, { onQuery: () => void queries++ });
  await database.sql.query(`INSERT INTO accounts.users (id, email, name, password_hash, role)
    SELECT 'u' || i, 'user' || i || '@example.com', 'User ' || i, 'x', 'customer' FROM generate_series(0, 4) i`);
  // three timestamps, four totals and three statuses among 61 orders: every sort key ties
  const rows = Array.from({ length: N }, (_, i) => {
    const createdAt = new Date(Date.UTC(2026, 11, 1 + (i % 3))).toISOString();
    const view = {
      orderId: `o-${String(i).padStart(3, "0")}`, customerId: `u${i % 6}`, status: STATUSES[i % 3], items: [{ sku: "AUD-005", qty: 1, name: "x", unitPrice: 100 }],
      total: 100 * (i % 4), currency: i % 2 ? "EUR" : "USD", createdAt, updatedAt: createdAt, timeline: [],
    };
    return view;
  });
  await database.sql.query(`INSERT INTO ordering.order_views (id, customer_id, status, total, base_total, currency, created_at, updated_at, view)
    SELECT v->>'orderId', v->>'customerId', v->>'status', (v->>'total')::int, (v->>'total')::int, v->>'currency',
      (v->>'createdAt')::timestamptz, (v->>'updatedAt')::timestamptz, v
    FROM jsonb_array_elements($1::text::jsonb) v`, [JSON.stringify(rows)]);
});
afterAll(() => database.close());

const ids = (q: OrderListQuery) => listOrders(database.db, ADMIN, q).then((p) => p.rows.map((r) => r.view.orderId));

describe.each(ORDER_SORTS.flatMap((sort) => (["desc", "asc"] as const).map((dir) => ({ sort, dir }))))("sorted by $sort $dir", ({ sort, dir }) => {
  test("pages of 7 give every order once, in the order of one unpaged list", async () => {
    const whole = await ids({ sort, dir, limit: 200 });
    expect(whole).toHaveLength(N);
    const paged: string[] = [];
    let q: OrderListQuery = { sort, dir, limit: 7 };
    for (;;) {
      const page = await listOrders(database.db, ADMIN, q);
      paged.push(...page.rows.map((r) => r.view.orderId));
      if (page.next === null) break;
      const after = decodeCursor(page.next, sort, dir);
      if (typeof after === "string") throw new Error(after);
      q = { ...q, after };
    }
    expect(paged).toEqual(whole);
  });
});

describe("a page", () => {
  test("is one query, customers included; an order whose account is gone still lists", async () => {
    queries = 0;
    const page = await listOrders(database.db, ADMIN, { sort: "placed", dir: "desc", limit: 50 });
    expect(queries).toBe(1);
    expect(page.rows).toHaveLength(50);
    const byCustomer = new Map(page.rows.map((r) => [r.view.customerId, r.customer]));
    expect(byCustomer.get("u1")).toEqual({ name: "User 1", email: "user1@example.com" });
    expect(byCustomer.get("u5")).toBeNull(); // no such account
  });

  test("a customer's list holds only their orders, whatever the filter", async () => {
    const mine = await listOrders(database.db, { sub: "u2", role: "customer" }, { sort: "placed", dir: "desc", limit: 200, customer: "user" });
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(new Set(mine.rows.map((r) => r.view.customerId))).toEqual(new Set(["u2"]));
  });

  test("LIKE's wildcards in the customer text match themselves", async () => {
    expect(await ids({ sort: "placed", dir: "desc", limit: 200, customer: "%" })).toEqual([]);
    expect(await ids({ sort: "placed", dir: "desc", limit: 200, customer: "user_" })).toEqual([]);
  });

  test("filters combine", async () => {
    const found = await listOrders(database.db, ADMIN, {
      sort: "total", dir: "asc", limit: 200, statuses: ["SHIPPED", "CREATED"], currency: "EUR", minTotal: 100, maxTotal: 200, idPrefix: "o-0",
    });
    expect(found.rows.length).toBeGreaterThan(0);
    for (const { view } of found.rows) {
      expect(["SHIPPED", "CREATED"]).toContain(view.status);
      expect(view.currency).toBe("EUR");
      expect(view.total).toBeGreaterThanOrEqual(100);
      expect(view.total).toBeLessThanOrEqual(200);
      expect(view.orderId.startsWith("o-0")).toBe(true);
    }
  });

  test("narrows says whether a filter can leave an order out: one that does not lists every order", async () => {
    const all = { sort: "placed", dir: "desc", limit: 200 } as const;
    const empty = { ...all, statuses: [], customer: "", currency: "", idPrefix: "" };
    expect(narrows(empty)).toBe(false);
    expect(await ids(empty)).toEqual(await ids(all));
    for (const one of [{ statuses: ["SHIPPED" as const] }, { from: new Date(0) }, { to: new Date() }, { customer: "user" },
      { minTotal: 0 }, { maxTotal: 1_000_000 }, { currency: "EUR" }, { idPrefix: "o-" }]) {
      expect(narrows({ ...all, ...one })).toBe(true);
    }
  });
});
