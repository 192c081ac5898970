/**
 * The order list's query string, read the same way by the API (GET /api/orders), the admin
 * table and its CSV: filters, sort, keyset cursor and page size. A blank field of the admin's
 * GET form means "any"; `status` may repeat (or list statuses with commas). Bad values are an
 * InputError naming the parameter (a 400).
 */
import type { Context } from "hono";
import { z } from "zod";
import { InputError } from "../../actors/contracts/errors.ts";
import { ORDER_STATUSES, OrderStatus } from "../../actors/contracts/index.ts";
import { CURRENCY_CODES } from "../../actors/money/currency.ts";
import { decodeCursor, ORDER_SORTS } from "../../actors/orders/order-cursor.ts";
import type { OrderListQuery } from "../../actors/orders/order-list.ts";
import { fieldError } from "./http-errors.ts";
import { blankIsAny, printable } from "./query-fields.ts";

/**
 * A date bound of the order list: an ISO date or date-time between the years 1900 and 9999.
 * What Date would also take ("0", "-001000-01-01", "99999-01-01") the database cannot compare.
 */
const DateBound = z.string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/, "use a date like 2026-01-31 or 2026-01-31T12:00:00Z")
  .pipe(z.coerce.date({ error: "no such date" }))
  .refine((d) => d.getUTCFullYear() >= 1900 && d.getUTCFullYear() <= 9999, "use a year between 1900 and 9999");

/** Dollars and cents as typed ("12", "12.5", "12.50") -> cents. */
const Dollars = z.string().trim()
  .regex(/^\d{1,8}(\.\d{1,2})?$/, "use an amount in US dollars like 25 or 25.50")
  .transform((s) => Math.round(Number(s) * 100));

const Fields = z.object({
  from: blankIsAny(DateBound),
  to: blankIsAny(DateBound),
  customer: blankIsAny(printable(200).transform((s) => s.trim())),
  min: blankIsAny(Dollars),
  max: blankIsAny(Dollars),
  currency: blankIsAny(z.enum(CURRENCY_CODES, { error: `choose one of ${CURRENCY_CODES.join(", ")}` })),
  id: blankIsAny(z.string().regex(/^[0-9a-fA-F-]{1,36}$/, "give the start of an order id (hex digits and dashes)").transform((s) => s.toLowerCase())),
  sort: blankIsAny(z.enum(ORDER_SORTS, { error: `sort by one of ${ORDER_SORTS.join(", ")}` })),
  dir: blankIsAny(z.enum(["asc", "desc"], { error: "dir is asc or desc" })),
  cursor: blankIsAny(z.string()),
  limit: blankIsAny(z.coerce.number().int().min(1).max(200)),
})
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ["to"], message: "must not be before from" })
  .refine((q) => q.min === undefined || q.max === undefined || q.min <= q.max, { path: ["max"], message: "must not be below min" });

/** The names this reader knows but the cursor; the admin's links and the stream carry exactly these. */
const FILTER_NAMES = ["status", "from", "to", "customer", "min", "max", "currency", "id", "sort", "dir", "limit"] as const;

export type OrderListParams = {
  query: OrderListQuery;
  /** the filter, sort and page size as a normalized query string (no cursor), "" when empty */
  search: string;
};

/** Read `params` as an order list query; `limit` when none is given. */
export function readOrderList(params: URLSearchParams, limit = 50): OrderListParams {
  if (params.has("offset")) throw new InputError("offset", "offset: pages are keyset: pass the cursor the last page gave as next");
  const statuses = readStatuses(params.getAll("status"));
  const single = Object.fromEntries([...Fields.keyof().options].map((name) => [name, params.get(name) ?? undefined]));
  const parsed = Fields.safeParse(single);
  if (!parsed.success) throw fieldError(parsed.error);
  const p = parsed.data;
  const sort = p.sort ?? "placed";
  const dir = p.dir ?? "desc";
  let after;
  if (p.cursor !== undefined) {
    const cursor = decodeCursor(p.cursor, sort, dir);
    if (typeof cursor === "string") throw new InputError("cursor", `cursor: ${cursor}`);
    after = cursor;
  }
  const query: OrderListQuery = {
    ...(statuses.length ? { statuses } : {}),
    from: p.from,
    // a day without a time means the whole of that day
    to: p.to && isDay(params.get("to")) ? new Date(p.to.getTime() + 86_400_000) : p.to,
    customer: p.customer || undefined, minTotal: p.min, maxTotal: p.max, currency: p.currency, idPrefix: p.id,
    sort, dir, after, limit: p.limit ?? limit,
  };
  return { query, search: searchOf(params, statuses) };
}

const isDay = (text: string | null) => text !== null && /^\d{4}-\d{2}-\d{2}$/.test(text.trim());

function readStatuses(values: string[]): OrderStatus[] {
  const names = values.flatMap((v) => v.split(",")).map((s) => s.trim()).filter((s) => s !== "");
  const bad = names.find((s) => !OrderStatus.safeParse(s).success);
  if (bad !== undefined) {
    const shown = bad.length > 40 ? `${bad.slice(0, 40)}…` : bad;
    throw new InputError("status", `status: no status named ${JSON.stringify(shown)}; use ${ORDER_STATUSES.join(", ")}`);
  }
  return [...new Set(names.map((s) => OrderStatus.parse(s)))];
}

function searchOf(params: URLSearchParams, statuses: OrderStatus[]): string {
  const out = new URLSearchParams();
  for (const s of statuses) out.append("status", s);
  for (const name of FILTER_NAMES) {
    const value = params.get(name)?.trim();
    if (name !== "status" && value) out.set(name, value);
  }
  return out.size ? `?${out}` : "";
}

/** The request's query string, where `status` may repeat. */
export const searchParams = (c: Context) => new URL(c.req.url).searchParams;

/** `search` with one more parameter (a cursor, a format) appended. */
export function withParam(search: string, name: string, value: string): string {
  const q = new URLSearchParams(search.slice(1));
  q.set(name, value);
  return `?${q}`;
}
