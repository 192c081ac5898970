/**
 * The stock actions the JSON API and the console share, each written to the audit log with
 * the admin, the product (or the batch) and the units available before and after.
 */
import type { Catalog } from "../../actors/catalog/catalog.ts";
import { parseRestockCsv, reasonOf, type StockRow } from "../../actors/catalog/stock-admin.ts";
import { InputError } from "../../actors/contracts/errors.ts";
import type { Admin, AuditLog } from "../../actors/ops/audit.ts";

export type StockActionDeps = { catalog: Catalog; audit: AuditLog };

/** A batch in the audit log: its SKUs, shortened past a few. */
const batchName = (skus: string[]) => (skus.length <= 5 ? skus.join(", ") : `${skus.slice(0, 5).join(", ")} and ${skus.length - 5} more`);
const signed = (n: number) => `${n > 0 ? "+" : ""}${n}`;

/** The most a restock file may hold, in bytes. */
export const RESTOCK_FILE_LIMIT = 500_000;

/** A restock file's bytes as text: at most RESTOCK_FILE_LIMIT bytes of UTF-8, or a 400 naming `field`. */
export function restockText(bytes: Uint8Array, field: string): string {
  if (bytes.length > RESTOCK_FILE_LIMIT) throw new InputError(field, `${field}: a restock file is at most ${RESTOCK_FILE_LIMIT} bytes`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(field, `${field}: the restock file is not UTF-8 text`);
  }
}

/**
 * What an admin asks to change: a product, by how many units, why (a category or free text), a
 * note, and in which warehouse (see Adjustment for when it may be left out).
 */
export type AdjustRequest = { sku: string; delta: number; reason: string; note: string; warehouse?: string | undefined };

/**
 * One product's adjustment in one warehouse (an archived product's too: its stock is still
 * counted); `reason` a category (or the API's older free text, kept as a manual note).
 * Returns the stock after, summed over the warehouses.
 */
export async function auditedAdjust(d: StockActionDeps, admin: Admin, { sku, delta, reason, note, warehouse }: AdjustRequest): Promise<StockRow> {
  const r = reasonOf(reason, note);
  const before = await d.catalog.stock.row(sku);
  return d.audit.record(admin, {
    action: "stock.adjust", objectType: "product", objectId: sku, fromState: `${before.available} available`,
    reason: [r.reason, r.note].filter(Boolean).join(": "),
  }, async () => {
    await d.catalog.applyStock([{ sku, delta, ...r, actor: admin.sub, ...(warehouse ? { warehouse } : {}) }]);
    return d.catalog.stock.row(sku);
  }, (after) => `${after.available} available (${signed(delta)}${warehouse ? ` in ${warehouse}` : ""})`);
}

/** A restock file applied as one batch: every line or none (a bad line is a 400 naming it). */
export async function auditedRestock(d: StockActionDeps, admin: Admin, csv: string, note: string): Promise<{ products: number; units: number }> {
  const lines = parseRestockCsv(csv);
  const units = lines.reduce((n, l) => n + l.quantity, 0);
  return d.audit.record(admin, { action: "stock.restock", objectType: "product", objectId: batchName(lines.map((l) => (l.warehouse ? `${l.sku}@${l.warehouse}` : l.sku))), reason: note.trim() },
    async () => {
      await d.catalog.applyStock(lines.map((l) => ({ sku: l.sku, ...(l.warehouse ? { warehouse: l.warehouse } : {}), delta: l.quantity, reason: "restock" as const, note: note.trim(), actor: admin.sub, line: l.line })));
      return { products: lines.length, units };
    }, (r) => `${r.products} products, +${r.units} units`);
}
