/**
 * The cart pages, for browsers with or without JavaScript:
 *
 *   GET  /cart                     the cart in the visitor's currency
 *   POST /cart/items               sku, qty=1: 303 to /cart | htmx: 200 message + badge (oob) | 4xx why
 *   POST /cart/items/:sku          qty (0 removes): 303 to /cart | htmx: 200 cart region + badge
 *   POST /cart/items/:sku/remove   303 to /cart | htmx: 200 cart region + badge
 *
 * A refused change answers 400 (bad input), 404 (no such product or line) or 409 (limit,
 * stock) with the reason in words: the cart page without htmx, the fragment with it.
 */
import { Hono, type Context } from "hono";
import { render } from "preact-render-to-string";
import { z } from "zod";
import { MAX_PER_PRODUCT } from "../../actors/cart/cart-rules.ts";
import { CartAdded, CartRefused } from "../../views/cart/cart-added.tsx";
import { CartPage } from "../../views/cart/cart-page.tsx";
import { CartRegion, type CartRegionProps } from "../../views/cart/cart-region.tsx";
import { CartCount, renderDocument } from "../../views/layout.tsx";
import type { AuthEnv } from "../auth/auth.ts";
import { cartOwnerOf, pricedCart, rememberCart, type CartDeps } from "../http/cart-session.ts";
import { refusal } from "../http/http-errors.ts";
import { formBody } from "../http/form.ts";

// Form fields arrive as text (formBody refuses files and unreadable text) or not at all; an empty quantity means one.
const qty = (fallback?: number) => z.preprocess(
  (v) => (v === undefined || v === "" ? fallback : v),
  z.coerce.number({ error: "enter a quantity" }).int("enter a whole number").min(0, "enter 0 or more").max(MAX_PER_PRODUCT, `at most ${MAX_PER_PRODUCT} of a product`),
);
const AddForm = z.object({ sku: z.string({ error: "sku is required" }).trim().min(1).max(64), qty: qty(1) });
const QtyForm = z.object({ qty: qty() });

/** True for a request htmx sent (it answers with a fragment, not a page or a redirect). */
export const isHtmx = (c: Context) => c.req.header("hx-request") === "true";

/** The cart pages; expects `authenticate` and `pageShell` to have run. */
export function cartPages(deps: CartDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  /** The cart as a page (no JS) or as the region plus the badge (htmx). */
  async function show(c: Context<AuthEnv>, region: Omit<CartRegionProps, "cart">, status: 200 | 400 | 404 | 409 = 200) {
    const cart = await pricedCart(deps, c);
    c.header("Cache-Control", "no-store");
    if (isHtmx(c)) return c.html(render(<><CartRegion cart={cart} {...region} /><CartCount oob count={cart.count} /></>), status);
    return c.html(renderDocument(<CartPage shell={await c.get("shell")()} cart={cart} {...region} />), status);
  }

  /** Run a change of the cart; answer 303 (no JS) or the re-rendered region (htmx), or say why not. */
  async function change(c: Context<AuthEnv>, run: () => Promise<unknown>, notice: string) {
    try {
      await run();
      rememberCart(c, cartOwnerOf(c));
    } catch (err) {
      const refused = refusal(err);
      if (!refused) throw err;
      return show(c, { error: refused.message }, refused.status);
    }
    return isHtmx(c) ? show(c, { notice }) : c.redirect("/cart", 303);
  }

  app.get("/cart", (c) => show(c, {}));

  app.post("/cart/items", async (c) => {
    const owner = cartOwnerOf(c);
    try {
      const form = AddForm.parse(await formBody(c));
      const added = await deps.carts.add(owner, form.sku, form.qty);
      rememberCart(c, owner, added.cartId);
      if (!isHtmx(c)) return c.redirect("/cart", 303);
      return c.html(render(<CartAdded qty={form.qty} name={added.name} count={added.count} />));
    } catch (err) {
      const refused = refusal(err);
      if (!refused) throw err;
      if (isHtmx(c)) return c.html(render(<CartRefused message={refused.message} />), refused.status);
      return show(c, { error: refused.message }, refused.status);
    }
  });

  app.post("/cart/items/:sku", (c) => change(c, async () => {
    const form = QtyForm.parse(await formBody(c));
    await deps.carts.setQty(cartOwnerOf(c), c.req.param("sku"), form.qty);
  }, "Cart updated."));

  app.post("/cart/items/:sku/remove", (c) => change(c, () => deps.carts.remove(cartOwnerOf(c), c.req.param("sku")), "Item removed."));

  return app;
}
