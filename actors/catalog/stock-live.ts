/**
 * Live stock for product pages: what a shopper is told about availability, and the
 * after-commit fan-out of each changed SKU's available units (best effort, like all live
 * updates: the database stays the truth and a page load always reads it).
 */
import { inArray } from "drizzle-orm";
import { z } from "zod";
import type { Q } from "../../db/client.ts";
import { stockTotals } from "../../db/schema.ts";
import type { PubSub } from "../runtime/pubsub.ts";
import { subjects } from "../contracts/subjects.ts";
import { available } from "./stock-sql.ts";

/** Below this many units a product page says "Only X left!". */
export const LOW_STOCK = 10;

export type StockLevel = { kind: "out" } | { kind: "low"; left: number } | { kind: "in" };

/** How available units read to a shopper: out of stock, only a few left, or in stock. */
export function stockLevel(units: number): StockLevel {
  if (units <= 0) return { kind: "out" };
  if (units < LOW_STOCK) return { kind: "low", left: units };
  return { kind: "in" };
}

/** Whether a product with this many available units can be added to a cart. */
export const canBuy = (units: number) => stockLevel(units).kind !== "out";

/** What subjects.stock(sku) carries; parse it, since it may come over NATS. */
export const StockUpdate = z.object({ sku: z.string().min(1), available: z.number().int() });
export type StockUpdate = z.infer<typeof StockUpdate>;

/**
 * Publish the available units of `skus` as they are now, one query for all. Read after the
 * commit rather than taken from it, so a late message still carries a current figure.
 */
export async function publishStock(q: Q, pubsub: PubSub, skus: string[]): Promise<void> {
  if (skus.length === 0) return;
  const rows = await q.select({ sku: stockTotals.sku, available }).from(stockTotals).where(inArray(stockTotals.sku, skus));
  for (const row of rows) pubsub.publish(subjects.stock(row.sku), { sku: row.sku, available: row.available } satisfies StockUpdate);
  pubsub.publish(subjects.stockLevels, { skus });
}
