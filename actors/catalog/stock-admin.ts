/**
 * Stock in the console: each product's units on hand, reserved and available against its
 * low-stock threshold; an admin's adjustment with a reason category; the movement log per
 * product (keyset on id); and a bulk restock read from CSV, applied as one batch.
 *
 * Every adjustment writes `inventory.StockAdjusted.v1` to the outbox in its transaction, and
 * `inventory.LowStock.v1` when it takes the product from at or over its threshold to under it.
 */
import { and, asc, count, desc, eq, gte, ilike, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Q } from "../../db/client.ts";
import { movements, products, stock, users } from "../../db/schema.ts";
import { InputError, NotFound, StockConflict } from "../contracts/errors.ts";
import { outbox } from "./catalog-admin.ts";
import { available, everStocked, isLow } from "./stock-sql.ts";
import { SAGA_REASON, STOCK_REASONS, type Movement, type StockReason, type StockRow } from "./stock-rules.ts";

export { movementKind, SAGA_REASON, STOCK_REASON_LABELS, STOCK_REASONS, stockState, type Movement, type StockReason, type StockRow, type StockState } from "./stock-rules.ts";

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
  /** the first and last day shown (UTC), both included */
  from: Day,
  to: Day,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});
export type MovementFilter = z.infer<typeof MovementFilter>;

/** One adjustment: `reason` a category, `note` the admin's words (may be empty). */
export type Adjustment = { sku: string; delta: number; reason: StockReason; note: string; actor: string | null; /** its line in a restock file */ line?: number };

/** A reason as the API gets it: a category as is; any other text (the API's older free reason) is a manual adjustment noted with it. */
export function reasonOf(reason: string, note: string): { reason: StockReason; note: string } {
  const r = reason.trim();
  if ((STOCK_REASONS as readonly string[]).includes(r)) return { reason: r as StockReason, note: note.trim() };
  return { reason: "manual", note: [r, note.trim()].filter(Boolean).join(" - ") };
}

/** A restock file's lines: `sku,quantity`, an optional header, blank lines skipped; the first bad line is named. */
export function parseRestockCsv(text: string): { sku: string; quantity: number; line: number }[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const out: { sku: string; quantity: number; line: number }[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of lines.entries()) {
    const n = i + 1;
    const line = raw.trim();
    if (line === "") continue;
    if (/[\u0000-\u001f\u007f]/.test(line)) throw new InputError("csv", `line ${n}: contains a control character`);
    const cells = line.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1").trim());
    if (out.length === 0 && seen.size === 0 && cells[0]?.toLowerCase() === "sku" && cells[1]?.toLowerCase() === "quantity") {
      seen.add("\0header");
      continue;
    }
    if (cells.length !== 2) throw new InputError("csv", `line ${n}: expected 2 columns (sku,quantity), found ${cells.length}`);
    const [sku, qty] = cells as [string, string];
    if (!/^[A-Z0-9][A-Z0-9-]{0,31}$/.test(sku)) throw new InputError("csv", `line ${n}: "${sku.slice(0, 40)}" is not a SKU`);
    if (!/^\d{1,6}$/.test(qty) || Number(qty) < 1 || Number(qty) > 100_000) throw new InputError("csv", `line ${n}: quantity must be a whole number from 1 to 100000`);
    if (seen.has(sku)) throw new InputError("csv", `line ${n}: ${sku} is listed twice`);
    seen.add(sku);
    out.push({ sku, quantity: Number(qty), line: n });
  }
  if (out.length === 0) throw new InputError("csv", "the file lists no products (sku,quantity)");
  if (out.length > 5000) throw new InputError("csv", "at most 5000 lines per file");
  return out;
}

const rowColumns = {
  sku: products.sku, name: products.name, onHand: sql<number>`coalesce(${stock.onHand}, 0)`.mapWith(Number),
  reserved: sql<number>`coalesce(${stock.reserved}, 0)`.mapWith(Number), available, threshold: products.lowStockThreshold,
  low: sql<boolean>`coalesce(${isLow}, false)`.mapWith(Boolean), stocked: everStocked.mapWith(Boolean), archived: sql<boolean>`${products.archivedAt} IS NOT NULL`.mapWith(Boolean),
};

/** The movements of one product the filter selects (before the keyset cursor). */
function movementWhere(sku: string, f: MovementFilter) {
  const dayAfter = (day: string) => new Date(Date.parse(day) + 24 * 3600_000);
  return and(
    eq(movements.sku, sku), f.reason ? eq(movements.reason, f.reason) : undefined,
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
      this.db.select(rowColumns).from(products).leftJoin(stock, eq(stock.sku, products.sku)).where(where).orderBy(asc(products.sku)).limit(f.limit).offset(f.offset),
      this.db.select({ n: count(), low: sql<number>`count(*) FILTER (WHERE ${isLow})`.mapWith(Number) })
        .from(products).leftJoin(stock, eq(stock.sku, products.sku)).where(where),
    ]);
    return { rows, total: Number(total?.n ?? 0), lowTotal: total?.low ?? 0 };
  }

  async row(sku: string): Promise<StockRow> {
    const [row] = await this.db.select(rowColumns).from(products).leftJoin(stock, eq(stock.sku, products.sku)).where(eq(products.sku, sku));
    if (!row) throw new NotFound(`product ${sku} not found`);
    return row;
  }

  /** One product's movements, newest first; `next` is the `before` of the following page. */
  async movements(sku: string, f: MovementFilter): Promise<{ movements: Movement[]; next: number | null }> {
    await this.row(sku);
    const rows = await this.db.select({ m: movements, actorName: users.name }).from(movements).leftJoin(users, eq(users.id, movements.actor))
      .where(movementWhere(sku, f)).orderBy(desc(movements.id)).limit(f.limit + 1);
    const page = rows.slice(0, f.limit).map(({ m, actorName }) => ({
      id: m.id, sku: m.sku, deltaOnHand: m.deltaOnHand, deltaReserved: m.deltaReserved, reason: m.reason, note: m.note,
      orderId: m.ref && m.ref !== "admin" && m.ref !== "seed" ? m.ref : null, actor: m.actor, actorName, at: m.at.toISOString(),
    }));
    return { movements: page, next: rows.length > f.limit ? (page.at(-1)?.id ?? null) : null };
  }

  /** Apply adjustments all or none, in one transaction, each logged and announced; the SKUs changed. Rows are locked in SKU order (no deadlock between batches). */
  async apply(adjustments: Adjustment[]): Promise<string[]> {
    const ordered = [...adjustments].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    await this.db.transaction(async (tx) => {
      for (const a of ordered) await adjustOne(tx, a, a.line ? `line ${a.line}: ` : "");
    });
    return adjustments.map((a) => a.sku);
  }
}

async function adjustOne(tx: Q, a: Adjustment, where: string): Promise<void> {
  const [before] = await tx.select({ onHand: stock.onHand, reserved: stock.reserved, name: products.name, threshold: products.lowStockThreshold })
    .from(stock).innerJoin(products, eq(products.sku, stock.sku)).where(eq(stock.sku, a.sku)).for("update");
  if (!before) throw new NotFound(`${where}product ${a.sku} not found`);
  const onHand = before.onHand + a.delta;
  if (onHand < before.reserved) {
    const free = before.onHand - before.reserved;
    throw new StockConflict("RESERVED", `${where}cannot remove ${-a.delta} units of ${a.sku}: only ${free} are not reserved (on hand ${before.onHand}, reserved ${before.reserved})`);
  }
  await tx.update(stock).set({ onHand }).where(eq(stock.sku, a.sku));
  await tx.insert(movements).values({ sku: a.sku, deltaOnHand: a.delta, deltaReserved: 0, reason: a.reason, note: a.note || null, ref: "admin", actor: a.actor });
  const was = before.onHand - before.reserved;
  const now = onHand - before.reserved;
  await outbox(tx, a.sku, {
    type: "inventory.StockAdjusted.v1",
    payload: { sku: a.sku, delta: a.delta, reason: a.reason, note: a.note, onHand, reserved: before.reserved, available: now, actor: a.actor },
  });
  if (was >= before.threshold && now < before.threshold) {
    await outbox(tx, a.sku, { type: "inventory.LowStock.v1", payload: { sku: a.sku, name: before.name, available: now, threshold: before.threshold } });
  }
}
