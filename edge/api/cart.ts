/**
 * The cart as JSON, for API clients, with the pages' rules (the domain enforces them):
 *
 *   GET    /api/cart?currency=EUR   the cart at today's prices
 *   POST   /api/cart/items          {sku, qty=1}: add
 *   PATCH  /api/cart/items/:sku     {qty}: set, 0 removes
 *   DELETE /api/cart/items/:sku     remove
 *
 * Each answers with the whole cart. A bearer token names the customer's cart; without
 * one, the `cart` cookie names a guest cart (started by the first add).
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { CartOwner } from "../../actors/cart/cart.ts";
import { MAX_PER_PRODUCT, type PricedCart } from "../../actors/cart/cart-rules.ts";
import { CURRENCY_CODES } from "../../actors/money/currency.ts";
import { Sku } from "../../actors/contracts/index.ts";
import type { AuthEnv } from "../auth/auth.ts";
import { cartOwnerOf, pricedCart, rememberCart, type CartDeps } from "../http/cart-session.ts";
import { jsonBody, query } from "../http/validate.ts";

const Qty = z.number().int().min(0).max(MAX_PER_PRODUCT);
const AddBody = z.object({ sku: Sku, qty: Qty.min(1).default(1) });
const SetBody = z.object({ qty: Qty });
const CartQuery = z.object({ currency: z.enum(CURRENCY_CODES).optional() });

/** The JSON shape of a cart; `previousUnitPrice` is set when the price changed since the line was added. */
export const cartJson = (cart: PricedCart) => ({
  currency: cart.currency,
  count: cart.count,
  subtotal: cart.subtotal,
  lines: cart.lines.map((l) => ({
    sku: l.sku, name: l.name, qty: l.qty, unitPrice: l.unitPrice, lineTotal: l.lineTotal,
    priceChanged: l.was !== null, previousUnitPrice: l.was, available: l.available, short: l.short, sold: l.sold,
  })),
  links: { self: "/api/cart", checkout: "/checkout" },
});

/** The cart API; mount at /api/cart after `authenticate`. */
export function cartApi(deps: CartDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  // ?currency= wins over the visitor's cookie
  const reply = async (c: Context<AuthEnv>, owner: CartOwner) => {
    const { currency } = query(c, CartQuery);
    c.header("Cache-Control", "no-store");
    return c.json(cartJson(await pricedCart(deps, c, owner, currency)));
  };

  app.get("/", (c) => reply(c, cartOwnerOf(c)));

  app.post("/items", async (c) => {
    const body = await jsonBody(c, AddBody);
    const owner = cartOwnerOf(c);
    const { cartId } = await deps.carts.add(owner, body.sku, body.qty);
    rememberCart(c, owner, cartId);
    return reply(c, owner.kind === "guest" ? { kind: "guest", cartId } : owner);
  });

  app.patch("/items/:sku", async (c) => {
    const body = await jsonBody(c, SetBody);
    const owner = cartOwnerOf(c);
    await deps.carts.setQty(owner, c.req.param("sku"), body.qty);
    rememberCart(c, owner);
    return reply(c, owner);
  });

  app.delete("/items/:sku", async (c) => {
    const owner = cartOwnerOf(c);
    await deps.carts.remove(owner, c.req.param("sku"));
    rememberCart(c, owner);
    return reply(c, owner);
  });

  return app;
}
