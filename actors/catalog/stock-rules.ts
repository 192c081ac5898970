/**
 * Stock as the console tells it, pure: why an admin moves stock, what a row of figures says at
 * a glance, and what a movement was in words. The queries are in stock-admin.ts.
 */

import { z } from "zod";

/** A warehouse's code as requests carry it. */
export const WarehouseCode = z.string().trim().regex(/^[A-Z0-9]{2,8}$/, "a warehouse code (2-8 capital letters or digits)");

/** Why an admin moved stock; `count` is a count correction. */
export const STOCK_REASONS = ["restock", "return", "damage", "count", "manual"] as const;
export type StockReason = (typeof STOCK_REASONS)[number];
export const STOCK_REASON_LABELS: Record<StockReason, string> = {
  restock: "Restock", return: "Return", damage: "Damage", count: "Count correction", manual: "Manual",
};
/** What the saga's own movements say (reservations, releases, shipments). */
export const SAGA_REASON = "saga";

/** `low`: under its threshold and ever stocked (stock-sql.ts); `stocked`: it ever received units. */
export type StockRow = {
  sku: string; name: string; onHand: number; reserved: number; available: number; threshold: number; low: boolean; stocked: boolean; archived: boolean;
};
/** What a row's figures say at a glance, worst first. */
export type StockState = "archived" | "unstocked" | "out" | "low" | "ok";
export function stockState(r: StockRow): StockState {
  if (r.archived) return "archived";
  if (!r.stocked) return "unstocked";
  if (r.available <= 0) return "out";
  return r.low ? "low" : "ok";
}

/** What a movement was, in the console's words: an admin's reason, or what the saga did with orders' units. */
export function movementKind(m: Pick<Movement, "reason" | "deltaOnHand" | "deltaReserved">): string {
  const admin = STOCK_REASONS.find((r) => r === m.reason);
  if (admin) return STOCK_REASON_LABELS[admin];
  if (m.reason === "initial stock") return "Opening stock";
  if (m.reason === "transfer") return "Moved between warehouses";
  if (m.reason !== SAGA_REASON) return m.reason;
  if (m.deltaOnHand < 0 && m.deltaReserved < 0) return "Shipped";
  if (m.deltaOnHand === 0 && m.deltaReserved > 0) return "Reserved for an order";
  if (m.deltaOnHand === 0 && m.deltaReserved < 0) return "Released (order cancelled or failed)";
  return "Orders";
}

/** `actor` the admin's id and `actorName` their name when the account exists; both null for the saga's movements. */
export type Movement = {
  id: number; sku: string; warehouse: string; deltaOnHand: number; deltaReserved: number; reason: string; note: string | null;
  orderId: string | null; actor: string | null; actorName: string | null; at: string;
};

