/**
 * Available stock, said once: units on hand that no order has reserved. Every read of
 * what a shopper may still buy (listings, search, carts, the fast add's guard) uses it.
 */
import { eq, sql, type SQL } from "drizzle-orm";
import { products, stockTotals } from "../../db/schema.ts";

/** Available units of the joined stock row; 0 when a product has none (a left join found no row). */
export const available = sql<number>`coalesce(${stockTotals.onHand} - ${stockTotals.reserved}, 0)`.mapWith(Number);

/** Available units of `sku` as a scalar subquery, for statements that do not join the stock. */
export const availableOf = (sku: string): SQL => sql`(SELECT ${available} FROM ${stockTotals} WHERE ${eq(stockTotals.sku, sku)})`;

/**
 * Low stock, said once (the console's list, the dashboard, the alerts): a product on sale whose
 * available units are under its threshold, once it has ever received stock. A product created
 * at 0 is "not stocked yet" rather than low: nothing fell, and an alert would only say what its
 * creator knows. Received means a movement ever added units on hand (the opening stock, a
 * restock, a return or a count up); movements are the business's record and are never purged.
 */
export const everStocked = sql<boolean>`EXISTS (SELECT 1 FROM inventory.movements m WHERE m.sku = ${products.sku} AND m.delta_on_hand > 0)`;
export const isLow = sql<boolean>`(${products.archivedAt} IS NULL AND ${available} < ${products.lowStockThreshold} AND ${everStocked})`;
