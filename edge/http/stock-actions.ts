/**
 * The stock actions the JSON API and the console share, each written to the audit log with
 * the admin, the product (or the batch) and the units available before and after.
 */
import type { Catalog } from "../../actors/catalog/catalog.ts";
import { parseRestockCsv, reasonOf } from "../../actors/catalog/stock-admin.ts";
import type { Admin, AuditLog } from "../../actors/ops/audit.ts";

export type StockActionDeps = { catalog: Catalog; audit: AuditLog };

/** A batch in the audit log: its SKUs, shortened past a few. */
const batchName = (skus: string[]) => (skus.length <= 5 ? skus.join(", ") : `${skus.slice(0, 5).join(", ")} and ${skus.length - 5} more`);
const signed = (n: number) => `${n > 0 ? "+" : ""}${n}`;

/**
 * One product's adjustment in one warehouse (see Adjustment for when it may be left out);
 * `reason` a category (or the API's older free text, kept as a manual note).
 */
export async function auditedAdjust(d: StockActionDeps, admin: Admin, sku: string, delta: number, reason: string, note: string, warehouse?: string) {
  const r = reasonOf(reason, note);
  const before = await d.catalog.stock.row(sku);
  return d.audit.record(admin, {
    action: "stock.adjust", objectType: "product", objectId: sku, fromState: `${before.available} available`,
    reason: [r.reason, r.note].filter(Boolean).join(": "),
  }, () => d.catalog.adjustStock(sku, delta, r.reason, admin.sub, r.note, warehouse),
  (after) => `${after.available} available (${signed(delta)}${warehouse ? ` in ${warehouse}` : ""})`);
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
