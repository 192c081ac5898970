/**
 * The checkout page: what is being bought in the visitor's currency, the delivery address,
 * and the card. The hidden idempotency key was made when this page was rendered, so
 * submitting it twice (a double click, a retried request) places one order.
 */
import type { PricedCart } from "../../actors/cart/cart-rules.ts";
import { CheckoutInput, CheckoutSummary, TestCards, type AddressValues, type CheckoutError } from "./checkout-form.tsx";
import { formatMoney } from "../format.ts";
import { errorTitle } from "../form-parts.tsx";
import { Layout, type Shell } from "../layout.tsx";
import { OrderSummary } from "../order/order-summary.tsx";

export type CheckoutProps = {
  shell: Shell;
  cart: PricedCart;
  values: AddressValues;
  errors: CheckoutError[];
  idempotencyKey: string;
};

/** GET /checkout, and the same form again with what went wrong. */
export function CheckoutPage({ shell, cart, values, errors, idempotencyKey }: CheckoutProps) {
  return (
    <Layout title={errorTitle("Checkout", errors.length > 0)} shell={shell}>
      <section class="card checkout" aria-labelledby="checkout-title">
        <h1 id="checkout-title">Checkout</h1>
        <CheckoutSummary errors={errors} />
        {cart.lines.length === 0 ? (
          <p>Your cart is empty. <a href="/">Browse the shop</a></p>
        ) : (
          <>
            <section aria-labelledby="checkout-items">
              <h2 id="checkout-items">Your order</h2>
              <OrderSummary items={cart.lines} total={cart.subtotal} currency={cart.currency} />
              <p class="muted">Today's prices, in {cart.currency}. <a href="/cart">Change your cart</a></p>
            </section>
            <form method="post" action="/checkout" class="checkout-form">
              <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
              <fieldset>
                <legend>Delivery address</legend>
                <CheckoutInput field="name" label="Full name" autocomplete="name" value={values.name} errors={errors} />
                <CheckoutInput field="line1" label="Street and number" autocomplete="address-line1" value={values.line1} errors={errors} />
                <CheckoutInput field="city" label="Town or city" autocomplete="address-level2" value={values.city} errors={errors} />
                <CheckoutInput field="postalCode" label="Postal code" autocomplete="postal-code" value={values.postalCode} errors={errors} />
                <CheckoutInput field="country" label="Country code" autocomplete="country" value={values.country} errors={errors}
                  hint="Two letters, such as GB, DE or US." extra={{ maxlength: 2, autocapitalize: "characters" }} />
              </fieldset>
              <fieldset>
                <legend>Payment</legend>
                <CheckoutInput field="card" label="Card number" autocomplete="cc-number" errors={errors}
                  hint="Digits only; spaces are fine." extra={{ inputmode: "numeric", maxlength: 23 }} />
                <TestCards />
              </fieldset>
              <button type="submit" class="place-order">Place order · {formatMoney(cart.subtotal, cart.currency)}</button>
            </form>
          </>
        )}
      </section>
    </Layout>
  );
}
