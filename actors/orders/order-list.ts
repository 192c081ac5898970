/**
 * The order list: every filter the admin table and the API share, sorted by placed at,
 * total or status, in keyset pages (order-cursor.ts). Each row comes with its customer's
 * name and email from the same query (one join, never a lookup per row).
 */
import { and, asc, desc, eq, gte, ilike, inArray, like, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { orderViews, users } from "../../db/schema.ts";
import type { PgColumn } from "drizzle-orm/pg-core";
import { OrderStatus } from "../contracts/index.ts";
import type { OrderView } from "../contracts/order-view.ts";
import { encodeCursor, type Cursor, type OrderSort, type SortDir } from "./order-cursor.ts";
import { visibleCustomer, type Viewer } from "./visibility.ts";

/** What a list may be narrowed to; every field optional, all of them together (AND). */
export type OrderFilter = {
  statuses?: OrderStatus[];
  /** placed at or after */
  from?: Date;
  /** placed before */
  to?: Date;
  /** part of the customer's email or name, any case */
  customer?: string;
  /** total in USD cents (at the order's own rate), inclusive */
  minTotal?: number;
  maxTotal?: number;
  currency?: string;
  /** the order id starts with this */
  idPrefix?: string;
};

export type OrderListQuery = OrderFilter & {
  sort: OrderSort;
  dir: SortDir;
  after?: Cursor;
  limit: number;
  /** only these orders (a live page asks whether the orders that just moved still match) */
  only?: string[];
};

export type OrderRow = { view: OrderView; baseTotal: number; customer: { name: string; email: string } | null };
export type OrderPage = { rows: OrderRow[]; /** the cursor of the page after this one, or null on the last */ next: string | null };

/**
 * Whether `f` narrows the list at all: a live table whose filter does not need not ask
 * again which of the orders that moved still match. Every field is named (the type checks
 * it), as `where` reads it.
 */
export function narrows(f: OrderFilter): boolean {
  const given: Record<keyof OrderFilter, boolean> = {
    statuses: Boolean(f.statuses?.length), from: Boolean(f.from), to: Boolean(f.to), customer: Boolean(f.customer),
    minTotal: f.minTotal !== undefined, maxTotal: f.maxTotal !== undefined, currency: Boolean(f.currency), idPrefix: Boolean(f.idPrefix),
  };
  return Object.values(given).some(Boolean);
}

/** Escape LIKE's wildcards so the customer text matches as typed. */
const literal = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** The columns each sort orders by, the id last. */
const COLUMNS: Record<OrderSort, PgColumn[]> = {
  placed: [orderViews.createdAt, orderViews.id],
  total: [orderViews.baseTotal, orderViews.id],
  status: [orderViews.status, orderViews.createdAt, orderViews.id],
};

function where(viewer: Viewer, q: OrderListQuery): SQL | undefined {
  const w: (SQL | undefined)[] = [];
  const own = visibleCustomer(viewer);
  if (own !== null) w.push(eq(orderViews.customerId, own));
  if (q.statuses?.length) w.push(inArray(orderViews.status, q.statuses));
  if (q.from) w.push(gte(orderViews.createdAt, q.from));
  if (q.to) w.push(lt(orderViews.createdAt, q.to));
  if (q.customer) {
    const text = `%${literal(q.customer)}%`;
    w.push(or(ilike(users.email, text), ilike(users.name, text)));
  }
  if (q.minTotal !== undefined) w.push(gte(orderViews.baseTotal, q.minTotal));
  if (q.maxTotal !== undefined) w.push(lte(orderViews.baseTotal, q.maxTotal));
  if (q.currency) w.push(eq(orderViews.currency, q.currency));
  if (q.idPrefix) w.push(like(orderViews.id, `${literal(q.idPrefix)}%`));
  if (q.only) w.push(inArray(orderViews.id, q.only));
  if (q.after) w.push(after(q.sort, q.dir, q.after.after));
  return and(...w);
}

/** Rows strictly past the cursor's key: one row comparison, which the sort's index serves. */
function after(sort: OrderSort, dir: SortDir, key: (string | number)[]): SQL {
  const cols = COLUMNS[sort];
  const values = cols.map((col, i) => (col === orderViews.createdAt ? sql`${key[i]}::timestamptz` : sql`${key[i]}`));
  const left = sql.join(cols, sql`, `);
  const right = sql.join(values, sql`, `);
  return dir === "desc" ? sql`(${left}) < (${right})` : sql`(${left}) > (${right})`;
}

/** One page of the orders `viewer` may see that match `q`, with the cursor of the next. */
export async function listOrders(db: Db, viewer: Viewer, q: OrderListQuery): Promise<OrderPage> {
  const by = q.dir === "desc" ? desc : asc;
  const found = await db.select({
    view: orderViews.view, baseTotal: orderViews.baseTotal, status: orderViews.status, createdAt: orderViews.createdAt,
    id: orderViews.id, name: users.name, email: users.email,
  }).from(orderViews)
    .leftJoin(users, eq(users.id, orderViews.customerId))
    .where(where(viewer, q))
    .orderBy(...COLUMNS[q.sort].map((col) => by(col)))
    .limit(q.limit + 1); // one more says whether there is a next page
  const rows = found.slice(0, q.limit);
  const last = rows.at(-1);
  return {
    rows: rows.map((r) => ({
      view: r.view as OrderView, baseTotal: r.baseTotal,
      customer: r.name === null || r.email === null ? null : { name: r.name, email: r.email },
    })),
    next: found.length > q.limit && last
      ? encodeCursor(q.sort, q.dir, { placed: last.createdAt.toISOString(), total: last.baseTotal, status: OrderStatus.parse(last.status), id: last.id })
      : null,
  };
}
