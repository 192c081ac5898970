/**
 * Keyset pages of the order list. A page ends on a row; the cursor holds that row's sort
 * key (and its id, which breaks ties), so the next page starts right after it whatever was
 * added meanwhile - no row twice, none skipped, unlike an offset. Opaque to clients: base64url
 * of a small JSON, checked field by field when it comes back.
 */
import { z } from "zod";
import { OrderStatus } from "../contracts/index.ts";

export const ORDER_SORTS = ["placed", "total", "status"] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];
export type SortDir = "asc" | "desc";

/** The last row of a page as its sort sees it: placed at, total in USD cents, status; id last. */
export type OrderKey = { placed: string; total: number; status: OrderStatus; id: string };

const Iso = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)));
const Id = z.string().min(1).max(200);

/** Per sort, the key values a cursor carries, in the order the list sorts them. */
const KEYS = {
  placed: z.tuple([Iso, Id]),
  total: z.tuple([z.number().int().min(0).max(2 ** 31), Id]),
  status: z.tuple([OrderStatus, Iso, Id]),
} satisfies Record<OrderSort, z.ZodType>;

const Wire = z.object({ s: z.enum(ORDER_SORTS), d: z.enum(["asc", "desc"]), k: z.array(z.unknown()) });

export type Cursor = { sort: OrderSort; dir: SortDir; after: (string | number)[] };

/** The values the list compares a row against, in sort order. */
export function keyOf(sort: OrderSort, row: OrderKey): (string | number)[] {
  switch (sort) {
    case "placed": return [row.placed, row.id];
    case "total": return [row.total, row.id];
    case "status": return [row.status, row.placed, row.id];
  }
}

/** The cursor of the page after `row`. */
export function encodeCursor(sort: OrderSort, dir: SortDir, row: OrderKey): string {
  return Buffer.from(JSON.stringify({ s: sort, d: dir, k: keyOf(sort, row) })).toString("base64url");
}

/** The cursor's position, or a sentence saying why it is not one for this sort. */
export function decodeCursor(text: string, sort: OrderSort, dir: SortDir): Cursor | string {
  if (text.length > 600 || !/^[A-Za-z0-9_-]+$/.test(text)) return "not a cursor this list gave out";
  let wire: z.infer<typeof Wire>;
  try {
    wire = Wire.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
  } catch {
    return "not a cursor this list gave out";
  }
  if (wire.s !== sort || wire.d !== dir) return `belongs to a list sorted by ${wire.s} ${wire.d}; start again without it`;
  const key = KEYS[sort].safeParse(wire.k);
  if (!key.success) return "not a cursor this list gave out";
  return { sort, dir, after: key.data };
}
