/**
 * Checkout, for signed-in customers (others go to /login and come back):
 *
 *   GET  /checkout   the cart in the visitor's currency, the address and card form, a fresh idempotency key
 *   POST /checkout   303 to /orders/:id | 422 fields (re-rendered, never the card number)
 *                    | 409 empty cart or changed stock | 400 form without its key
 *
 * A repeated POST with the same key lands on the same order (actors/orders/checkout.ts).
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { checkout } from "../../actors/orders/checkout.ts";
import { Address } from "../../actors/contracts/index.ts";
import type { OrderService } from "../../actors/orders/order-service.ts";
import { CARD_TEXT, cardToken } from "../../actors/providers/test-cards.ts";
import type { AddressValues, CheckoutError } from "../../views/checkout/checkout-form.tsx";
import { CheckoutPage } from "../../views/checkout/checkout-page.tsx";
import { renderDocument } from "../../views/layout.tsx";
import type { AuthEnv } from "../auth/auth.ts";
import { pricedCart, type CartDeps } from "../http/cart-session.ts";
import { refusal } from "../http/http-errors.ts";
import { formBody } from "../http/form.ts";
import { currencyOf } from "../http/shell.ts";

// Form fields arrive as text (formBody refuses files and unreadable text) or not at all: absent counts as empty.
const text = z.string().catch("");
const CheckoutForm = z.object({
  name: text, line1: text, city: text, postalCode: text, country: text, card: text, idempotencyKey: text,
});
const KEY = /^[A-Za-z0-9-]{8,100}$/;

const ADDRESS_TEXT: Record<keyof AddressValues, string> = {
  name: "Enter the name to deliver to (up to 120 characters)",
  line1: "Enter the street and number (up to 200 characters)",
  city: "Enter the town or city (up to 100 characters)",
  postalCode: "Enter the postal code (up to 20 characters)",
  country: "Enter the two-letter country code, such as GB",
};
const isAddressField = (k: unknown): k is keyof AddressValues => typeof k === "string" && k in ADDRESS_TEXT;

type Status = 200 | 400 | 404 | 409 | 422;

/** The checkout page and its form's target; expects `authenticate` and `pageShell` to have run. */
export function checkoutPages(deps: CartDeps & { orders: OrderService }): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  async function show(c: Context<AuthEnv>, status: Status, values: AddressValues, errors: CheckoutError[], key: string) {
    const cart = await pricedCart(deps, c);
    c.header("Cache-Control", "no-store");
    const page = <CheckoutPage shell={await c.get("shell")()} cart={cart} values={values} errors={errors} idempotencyKey={key} />;
    return c.html(renderDocument(page), status);
  }

  app.get("/checkout", async (c) => {
    const user = c.get("user");
    if (!user) return c.redirect("/login?next=/checkout", 303);
    // the account's name to start with: most orders go to the person placing them
    const blank = { name: user.name ?? "", line1: "", city: "", postalCode: "", country: "" };
    return show(c, 200, blank, [], crypto.randomUUID());
  });

  app.post("/checkout", async (c) => {
    const user = c.get("user");
    if (!user) return c.redirect("/login?next=/checkout", 303);
    const { card, idempotencyKey, ...values } = CheckoutForm.parse(await formBody(c));
    if (!KEY.test(idempotencyKey)) {
      const expired = { message: "This form was incomplete. Check your details and place the order again." };
      return show(c, 400, values, [expired], crypto.randomUUID());
    }
    const address = Address.safeParse({ ...values, country: values.country.trim().toUpperCase() });
    const token = cardToken(card);
    const errors: CheckoutError[] = [
      ...(address.success ? [] : [...new Set(address.error.issues.map((i) => i.path[0]).filter(isAddressField))]
        .map((field) => ({ field, message: ADDRESS_TEXT[field] }))),
      ...(token.ok ? [] : [{ field: "card" as const, message: CARD_TEXT[token.problem] }]),
    ];
    if (!address.success || !token.ok) return show(c, 422, values, errors, idempotencyKey);
    try {
      const { orderId } = await checkout(deps, {
        customerId: user.sub, idempotencyKey, shippingAddress: address.data, paymentToken: token.token, currency: currencyOf(c),
      });
      return c.redirect(`/orders/${encodeURIComponent(orderId)}`, 303);
    } catch (err) {
      const refused = refusal(err);
      if (!refused) throw err;
      return show(c, refused.status, values, [{ message: refused.message }], idempotencyKey);
    }
  });

  return app;
}
