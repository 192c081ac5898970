/**
 * Available stock, said once: units on hand that no order has reserved. Every read of
 * what a shopper may still buy (listings, search, carts, the fast add's guard) uses it.
 */
import { eq, sql, type SQL } from "drizzle-orm";
import { stockTotals } from "../../db/schema.ts";

/** Available units of the joined stock row; 0 when a product has none (a left join found no row). */
export const available = sql<number>`coalesce(${stockTotals.onHand} - ${stockTotals.reserved}, 0)`.mapWith(Number);

/** Available units of `sku` as a scalar subquery, for statements that do not join the stock. */
export const availableOf = (sku: string): SQL => sql`(SELECT ${available} FROM ${stockTotals} WHERE ${eq(stockTotals.sku, sku)})`;
