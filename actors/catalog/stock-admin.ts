/**
 * Stock in the console: each product's units on hand, reserved and available (summed over
 * its warehouses, and per warehouse) against its low-stock threshold; an admin's adjustment
 * of one warehouse with a reason category; the movement log per product and warehouse
 * (keyset on id); and a bulk restock read from CSV (SKU, warehouse, quantity), applied as
 * one batch.
 *
 * Every adjustment writes `inventory.StockAdjusted.v1` to the outbox in its transaction, and
 * `inventory.LowStock.v1` when it takes the product from at or over its threshold to under it.
 */
import { and, asc, count, desc, eq, gte, ilike, inArray, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Q } from "../../db/client.ts";
import { movements, products, stock, stockTotals, users, warehouses } from "../../db/schema.ts";
import { InputError, NotFound, StockConflict } from "../contracts/errors.ts";
import { listWarehouses } from "../warehouses/warehouses.ts";
import { outbox } from "./catalog-admin.ts";
import { available, everStocked, isLow } from "./stock-sql.ts";
import { SAGA_REASON, STOCK_REASONS, WarehouseCode, type Movement, type StockReason, type StockRow } from "./stock-rules.ts";

export { movementKind, SAGA_REASON, STOCK_REASON_LABELS, STOCK_REASONS, stockState, WarehouseCode, type Movement, type StockReason, type StockRow, type StockState } from "./stock-rules.ts";

export const StockFilter = z.object({
  q: z.string().trim().max(100).default(""),
  low: z.enum(["", "1"]).default(""),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type StockFilter = z.infer<typeof StockFilter>;

const Day = z.union([z.literal(""), z.iso.date("must be a date like 2026-01-31")]).default("");

export const MovementFilter = z.object({
  reason: z.enum(["", ...STOCK_REASONS, SAGA_REASON]).default(""),
  warehouse: z.union([z.literal(""), WarehouseCode]).default(""),
  /** the first and last day shown (UTC), both included */
  from: Day,
  to: Day,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});
export type MovementFilter = z.infer<typeof MovementFilter>;

/** One SKU's stock in one warehouse. */
export type WarehouseStock = { sku: string; warehouse: string; onHand: number; reserved: number; available: number };

/**
 * One adjustment: `reason` a category, `note` the admin's words (may be empty). `warehouse`:
 * which one's stock moves - required when the product is stocked in more than one; otherwise
 * the one it is stocked in, or the first by priority.
 */
export type Adjustment = {
  sku: string; delta: number; reason: StockReason; note: string; actor: string | null; warehouse?: string; /** its line in a restock file */ line?: number;
};

/** A reason as the API gets it: a category as is; any other text (the API's older free reason) is a manual adjustment noted with it. */
export function reasonOf(reason: string, note: string): { reason: StockReason; note: string } {
  const r = reason.trim();
  if ((STOCK_REASONS as readonly string[]).includes(r)) return { reason: r as StockReason, note: note.trim() };
  return { reason: "manual", note: [r, note.trim()].filter(Boolean).join(" - ") };
}

/** One line of a restock file; no warehouse: the adjustment's default (see Adjustment). */
export type RestockLine = { sku: string; warehouse?: string; quantity: number; line: number };

/**
 * A restock file's lines: `sku,warehouse,quantity` (or `sku,quantity` for a product stocked in
 * one warehouse), an optional header, blank lines skipped; the first bad line is named.
 */
export function parseRestockCsv(text: string): RestockLine[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const out: RestockLine[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of lines.entries()) {
    const n = i + 1;
    const line = raw.trim();
    if (line === "") continue;
    if (/[\u0000-\u001f\u007f]/.test(line)) throw new InputError("csv", `line ${n}: contains a control character`);
    const cells = line.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1").trim());
    const header = cells.map((c) => c.toLowerCase()).join(",");
    if (out.length === 0 && seen.size === 0 && (header === "sku,quantity" || header === "sku,warehouse,quantity")) {
      seen.add("\0header");
      continue;
    }
    if (cells.length !== 2 && cells.length !== 3) throw new InputError("csv", `line ${n}: expected 3 columns (sku,warehouse,quantity), found ${cells.length}`);
    const [sku, warehouse, qty] = (cells.length === 3 ? cells : [cells[0], undefined, cells[1]]) as [string, string | undefined, string];
    if (!/^[A-Z0-9][A-Z0-9-]{0,31}$/.test(sku)) throw new InputError("csv", `line ${n}: "${sku.slice(0, 40)}" is not a SKU`);
    if (warehouse !== undefined && !WarehouseCode.safeParse(warehouse).success) throw new InputError("csv", `line ${n}: "${warehouse.slice(0, 40)}" is not a warehouse code`);
    if (!/^\d{1,6}$/.test(qty) || Number(qty) < 1 || Number(qty) > 100_000) throw new InputError("csv", `line ${n}: quantity must be a whole number from 1 to 100000`);
    const key = `${sku}@${warehouse ?? ""}`;
    if (seen.has(key)) throw new InputError("csv", `line ${n}: ${sku}${warehouse ? ` in ${warehouse}` : ""} is listed twice`);
    seen.add(key);
    out.push({ sku, ...(warehouse ? { warehouse } : {}), quantity: Number(qty), line: n });
  }
  if (out.length === 0) throw new InputError("csv", "the file lists no products (sku,warehouse,quantity)");
  if (out.length > 5000) throw new InputError("csv", "at most 5000 lines per file");
  return out;
}

const rowColumns = {
  sku: products.sku, name: products.name, onHand: sql<number>`coalesce(${stockTotals.onHand}, 0)`.mapWith(Number),
  reserved: sql<number>`coalesce(${stockTotals.reserved}, 0)`.mapWith(Number), available, threshold: products.lowStockThreshold,
  low: sql<boolean>`coalesce(${isLow}, false)`.mapWith(Boolean), stocked: everStocked.mapWith(Boolean), archived: sql<boolean>`${products.archivedAt} IS NOT NULL`.mapWith(Boolean),
};

/** The movements of one product the filter selects (before the keyset cursor). */
function movementWhere(sku: string, f: MovementFilter) {
  const dayAfter = (day: string) => new Date(Date.parse(day) + 24 * 3600_000);
  return and(
    eq(movements.sku, sku), f.reason ? eq(movements.reason, f.reason) : undefined, f.warehouse ? eq(movements.warehouse, f.warehouse) : undefined,
    f.from ? gte(movements.at, new Date(Date.parse(f.from))) : undefined, f.to ? lt(movements.at, dayAfter(f.to)) : undefined,
    f.before ? lt(movements.id, f.before) : undefined,
  );
}

export class StockAdmin {
  constructor(private db: Db) {}

  /** A page of products by SKU with their stock; `low`: only those under their threshold. `lowTotal`: how many the search finds low. */
  async list(f: StockFilter): Promise<{ rows: StockRow[]; total: number; lowTotal: number }> {
    const like = f.q ? `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
    const search = like ? or(ilike(products.sku, like), ilike(products.name, like)) : undefined;
    const where = and(search, f.low ? isLow : undefined);
    const [rows, [total]] = await Promise.all([
      this.db.select(rowColumns).from(products).leftJoin(stockTotals, eq(stockTotals.sku, products.sku)).where(where).orderBy(asc(products.sku)).limit(f.limit).offset(f.offset),
      this.db.select({ n: count(), low: sql<number>`count(*) FILTER (WHERE ${isLow})`.mapWith(Number) })
        .from(products).leftJoin(stockTotals, eq(stockTotals.sku, products.sku)).where(where),
    ]);
    return { rows, total: Number(total?.n ?? 0), lowTotal: total?.low ?? 0 };
  }

  async row(sku: string): Promise<StockRow> {
    const [row] = await this.db.select(rowColumns).from(products).leftJoin(stockTotals, eq(stockTotals.sku, products.sku)).where(eq(products.sku, sku));
    if (!row) throw new NotFound(`product ${sku} not found`);
    return row;
  }

  /** One product's movements, newest first; `next` is the `before` of the following page. */
  async movements(sku: string, f: MovementFilter): Promise<{ movements: Movement[]; next: number | null }> {
    await this.row(sku);
    const rows = await this.db.select({ m: movements, actorName: users.name }).from(movements).leftJoin(users, eq(users.id, movements.actor))
      .where(movementWhere(sku, f)).orderBy(desc(movements.id)).limit(f.limit + 1);
    const page = rows.slice(0, f.limit).map(({ m, actorName }) => ({
      id: m.id, sku: m.sku, warehouse: m.warehouse, deltaOnHand: m.deltaOnHand, deltaReserved: m.deltaReserved, reason: m.reason, note: m.note,
      orderId: m.ref && m.ref !== "admin" && m.ref !== "seed" ? m.ref : null, actor: m.actor, actorName, at: m.at.toISOString(),
    }));
    return { movements: page, next: rows.length > f.limit ? (page.at(-1)?.id ?? null) : null };
  }

  /** The products' stock per warehouse, by SKU then the warehouses' order; a warehouse with no row for a SKU is left out. */
  async byWarehouse(skus: string[]): Promise<WarehouseStock[]> {
    if (skus.length === 0) return [];
    const rows = await this.db.select({ sku: stock.sku, warehouse: stock.warehouse, onHand: stock.onHand, reserved: stock.reserved })
      .from(stock).innerJoin(warehouses, eq(warehouses.code, stock.warehouse))
      .where(inArray(stock.sku, skus)).orderBy(asc(stock.sku), asc(warehouses.priority), asc(warehouses.code));
    return rows.map((r) => ({ ...r, available: r.onHand - r.reserved }));
  }

  /** The warehouses, the first by priority first. */
  warehouses() {
    return listWarehouses(this.db);
  }

  /**
   * Apply adjustments all or none, in one transaction, each logged and announced; the SKUs
   * changed. A SKU's rows are locked in warehouse order and SKUs in order, as the inventory
   * actor locks them (no deadlock between batches and reservations).
   */
  async apply(adjustments: Adjustment[]): Promise<string[]> {
    await this.db.transaction(async (tx) => {
      const placed = await placeAll(tx, adjustments);
      const ordered = placed.sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.warehouse < b.warehouse ? -1 : a.warehouse > b.warehouse ? 1 : 0));
      for (const a of ordered) await adjustOne(tx, a, a.line ? `line ${a.line}: ` : "");
    });
    return [...new Set(adjustments.map((a) => a.sku))];
  }
}

/** Each adjustment with its warehouse: the one named (which must exist), else the default (see Adjustment). */
async function placeAll(tx: Q, adjustments: Adjustment[]): Promise<(Adjustment & { warehouse: string })[]> {
  const known = (await listWarehouses(tx)).map((w) => w.code);
  const held = await tx.select({ sku: stock.sku, warehouse: stock.warehouse }).from(stock)
    .where(inArray(stock.sku, [...new Set(adjustments.map((a) => a.sku))]));
  return adjustments.map((a) => {
    const where = a.line ? `line ${a.line}: ` : "";
    const field = a.line ? "csv" : "warehouse";
    if (a.warehouse !== undefined) {
      if (!known.includes(a.warehouse)) throw new InputError(field, `${where}warehouse: unknown warehouse ${a.warehouse} (known: ${known.join(", ")})`);
      return { ...a, warehouse: a.warehouse };
    }
    const mine = held.filter((h) => h.sku === a.sku).map((h) => h.warehouse);
    if (mine.length > 1) throw new InputError(field, `${where}warehouse: ${a.sku} is stocked in ${mine.sort().join(", ")}; say which`);
    const warehouse = mine[0] ?? known[0];
    if (!warehouse) throw new InputError(field, `${where}warehouse: there is no warehouse`);
    return { ...a, warehouse };
  });
}

async function adjustOne(tx: Q, a: Adjustment & { warehouse: string }, where: string): Promise<void> {
  const [product] = await tx.select({ name: products.name, threshold: products.lowStockThreshold }).from(products).where(eq(products.sku, a.sku));
  if (!product) throw new NotFound(`${where}product ${a.sku} not found`);
  // every row of the SKU, in warehouse order: the totals before and after are the SKU's
  const rows = await tx.select().from(stock).where(eq(stock.sku, a.sku)).orderBy(asc(stock.warehouse)).for("update");
  const bin = rows.find((r) => r.warehouse === a.warehouse) ?? { onHand: 0, reserved: 0 };
  const onHand = bin.onHand + a.delta;
  if (onHand < bin.reserved) {
    const free = bin.onHand - bin.reserved;
    throw new StockConflict("RESERVED", `${where}cannot remove ${-a.delta} units of ${a.sku} from ${a.warehouse}: only ${free} are not reserved there (on hand ${bin.onHand}, reserved ${bin.reserved})`);
  }
  await tx.insert(stock).values({ sku: a.sku, warehouse: a.warehouse, onHand, reserved: 0 })
    .onConflictDoUpdate({ target: [stock.sku, stock.warehouse], set: { onHand } });
  await tx.insert(movements).values({
    sku: a.sku, warehouse: a.warehouse, deltaOnHand: a.delta, deltaReserved: 0, reason: a.reason, note: a.note || null, ref: "admin", actor: a.actor,
  });
  const total = rows.reduce((t, r) => ({ onHand: t.onHand + r.onHand, reserved: t.reserved + r.reserved }), { onHand: 0, reserved: 0 });
  const was = total.onHand - total.reserved;
  const now = was + a.delta;
  await outbox(tx, a.sku, {
    type: "inventory.StockAdjusted.v1",
    payload: {
      sku: a.sku, delta: a.delta, reason: a.reason, note: a.note, onHand: total.onHand + a.delta, reserved: total.reserved, available: now, actor: a.actor,
      warehouse: a.warehouse,
    },
  });
  if (was >= product.threshold && now < product.threshold) {
    await outbox(tx, a.sku, { type: "inventory.LowStock.v1", payload: { sku: a.sku, name: product.name, available: now, threshold: product.threshold } });
  }
}
