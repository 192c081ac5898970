/**
 * The cart: one row per line with its quantity form and remove button, price-change and
 * stock notes, the subtotal and the way to checkout. The page renders this region and
 * every htmx change swaps it whole, so the two cannot drift apart.
 */
import { MAX_PER_PRODUCT, type PricedCart, type PricedLine } from "../../actors/cart/cart-rules.ts";
import { formatMoney } from "../format.ts";

export const CART_REGION = "cart";

export type CartRegionProps = {
  cart: PricedCart;
  /** what the last change did ("Cart updated.") */
  notice?: string;
  /** why the last change was refused */
  error?: string;
};

/** The cart region (`#cart`). */
export function CartRegion({ cart, notice, error }: CartRegionProps) {
  const changed = cart.lines.some((l) => l.was !== null);
  return (
    <section id={CART_REGION} class="card cart" aria-labelledby="cart-heading">
      <h1 id="cart-heading">Your cart</h1>
      <p class="cart-notice" role="status">{notice ?? ""}</p>
      {error && <p class="cart-error" role="alert">{error}</p>}
      {cart.lines.length === 0 ? (
        <div class="cart-empty">
          <p>Your cart is empty.</p>
          <p><a href="/">Browse the shop</a></p>
        </div>
      ) : (
        <>
          {changed && <p class="cart-warning">Some prices changed since you added them: the cart shows today's prices, which checkout charges.</p>}
          <table class="items cart-lines">
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col" class="num">Price</th>
                <th scope="col">Quantity</th>
                <th scope="col" class="num">Amount</th>
              </tr>
            </thead>
            <tbody>{cart.lines.map((line, i) => <CartRow line={line} index={i} currency={cart.currency} />)}</tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>Subtotal ({cart.count} {cart.count === 1 ? "item" : "items"})</th>
                <td class="num total">{formatMoney(cart.subtotal, cart.currency)}</td>
              </tr>
            </tfoot>
          </table>
          <p class="cart-actions">
            <a class="button" href="/checkout">Checkout</a>
          </p>
        </>
      )}
    </section>
  );
}

/** A plain form post that htmx upgrades to swap the cart region in place. */
const swapsCart = (action: string) => ({ method: "post", action, "hx-post": action, "hx-target": `#${CART_REGION}`, "hx-swap": "outerHTML" });

function CartRow({ line, index, currency }: { line: PricedLine; index: number; currency: string }) {
  const item = `/cart/items/${encodeURIComponent(line.sku)}`;
  const qtyId = `cart-qty-${index}`;
  return (
    <tr>
      <td data-label="Item">
        {line.name}
        {line.was !== null && (
          <span class="price-changed">
            Price changed from {formatMoney(line.was, currency)} to {formatMoney(line.unitPrice, currency)}
          </span>
        )}
        {!line.sold && <span class="stock-short">No longer sold: remove it to check out.</span>}
        {line.short && (
          <span class="stock-short">
            {line.available > 0 ? `Only ${line.available} left: lower the quantity to check out.` : "Sold out: remove it to check out."}
          </span>
        )}
      </td>
      <td class="num" data-label="Price">{formatMoney(line.unitPrice, currency)}</td>
      <td data-label="Quantity">
        <form class="inline cart-qty" {...swapsCart(item)}>
          <label for={qtyId} class="visually-hidden">Quantity of {line.name}</label>
          <input id={qtyId} type="number" name="qty" value={line.qty} min={0} max={MAX_PER_PRODUCT} inputMode="numeric" required />
          <button type="submit" class="small">Update</button>
        </form>
        <form class="inline" {...swapsCart(`${item}/remove`)}>
          <button type="submit" class="small link">Remove<span class="visually-hidden"> {line.name}</span></button>
        </form>
      </td>
      <td class="num" data-label="Amount">{formatMoney(line.lineTotal, currency)}</td>
    </tr>
  );
}
