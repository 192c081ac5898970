/**
 * The two statements of a cart's fast add (actors/cart/cart.ts `add`): one read gathering what
 * the checks need, one write that upserts the cart and the line under a guard repeating
 * the checks in SQL, so a concurrent add or order can make it refuse but never overshoot.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { rowsOf } from "../../db/rows.ts";
import { cartItems, carts, products, stockTotals } from "../../db/schema.ts";
import { available, availableOf } from "../catalog/stock-sql.ts";
import { MAX_PER_PRODUCT } from "./cart-rules.ts";
import { whose, type CartOwner } from "./cart-owner.ts";

export type Seen = {
  name: string;
  price: number;
  available: number;
  /** the owner's cart, when there is one (maybe expired) */
  cartId: string | null;
  cartUpdatedAt: Date | null;
  /** units of the product already in that cart */
  had: number;
};

/** The product, its free stock, and the owner's cart and line, in one query; null for an unknown SKU. */
export async function peek(db: Db, owner: CartOwner, sku: string): Promise<Seen | null> {
  const mine = whose(owner);
  const cart = mine
    ? db.select({ id: carts.id, updatedAt: carts.updatedAt }).from(carts).where(mine).as("cart")
    : db.select({ id: sql<string>`null::text`.as("id"), updatedAt: sql<Date>`null::timestamptz`.as("updated_at") })
      .from(carts).where(sql`false`).as("cart");
  const [row] = await db.select({
    name: products.name, price: products.price,
    available,
    cartId: cart.id, cartUpdatedAt: cart.updatedAt,
    had: sql<number>`coalesce(${cartItems.qty}, 0)`.mapWith(Number),
  }).from(products)
    .leftJoin(stockTotals, eq(stockTotals.sku, products.sku))
    .leftJoin(cart, sql`true`)
    .leftJoin(cartItems, and(eq(cartItems.cartId, cart.id), eq(cartItems.sku, products.sku)))
    .where(and(eq(products.sku, sku), isNull(products.archivedAt))); // an archived product cannot be added
  if (!row) return null;
  // a left-joined timestamp comes back as text on some drivers when it is in a subquery
  const at = row.cartUpdatedAt === null ? null : new Date(row.cartUpdatedAt);
  return { ...row, cartUpdatedAt: at };
}

const Written = z.object({ cart_id: z.string(), qty: z.coerce.number().int(), count: z.coerce.number().int() });

/**
 * Upsert the cart (touching it) and add `qty` to the line, at today's price, in one
 * statement. Returns null when the guard refused: the line would pass the maximum or the
 * free stock, or the guest's cart vanished since `peek`.
 */
export async function guardedAdd(
  db: Db, owner: CartOwner, cartId: string | null, line: { sku: string; qty: number; price: number; now: Date },
): Promise<{ cartId: string; qty: number; count: number } | null> {
  const { sku, qty, price, now } = line;
  const at = now.toISOString();
  const cart = owner.kind === "user"
    // a customer's first two adds may race: the second meets the first's row by owner
    ? sql`INSERT INTO shopping.carts (id, owner, created_at, updated_at) VALUES (${crypto.randomUUID()}, ${owner.userId}, ${at}, ${at})
        ON CONFLICT (owner) DO UPDATE SET updated_at = excluded.updated_at RETURNING id`
    : cartId
      ? sql`UPDATE shopping.carts SET updated_at = ${at} WHERE id = ${cartId} AND owner IS NULL RETURNING id`
      : sql`INSERT INTO shopping.carts (id, owner, created_at, updated_at) VALUES (${crypto.randomUUID()}, NULL, ${at}, ${at}) RETURNING id`;
  const free = availableOf(sku);
  const rows = rowsOf(await db.execute(sql`
    WITH cart AS (${cart}),
    line AS (
      INSERT INTO shopping.cart_items (cart_id, sku, qty, unit_price, added_at)
      SELECT cart.id, ${sku}, ${qty}, ${price}, ${at} FROM cart WHERE ${qty} <= ${free}
      ON CONFLICT (cart_id, sku) DO UPDATE SET qty = shopping.cart_items.qty + excluded.qty, unit_price = excluded.unit_price
        WHERE shopping.cart_items.qty + excluded.qty <= ${MAX_PER_PRODUCT}
          AND shopping.cart_items.qty + excluded.qty <= ${free}
      RETURNING cart_id, qty
    )
    SELECT line.cart_id, line.qty,
      line.qty + (SELECT coalesce(sum(i.qty), 0) FROM shopping.cart_items i WHERE i.cart_id = line.cart_id AND i.sku <> ${sku}) AS count
    FROM line`));
  const [row] = rows;
  if (!row) return null;
  const w = Written.parse(row);
  return { cartId: w.cart_id, qty: w.qty, count: w.count };
}
