/**
 * The add-to-cart form (the cart's endpoint owns what happens next). Without JavaScript it
 * posts and the cart answers with a page; with htmx the answer fills the message next to it.
 */

/** The most of one product a cart line holds (shopping.cart_items checks it too). */
export const MAX_QTY = 10;

/** The id of the message element an htmx answer fills. */
export const cartMessageId = (sku: string) => `cart-message-${sku}`;

/** The id of the region that holds the form (or the note instead): the stock stream swaps it when buying starts or stops being possible. */
export const buyRegionId = (sku: string) => `buy-${sku}`;

/** The form, or a note instead when nothing can be bought; always inside the same region. */
export function AddToCart({ sku, canBuy }: { sku: string; canBuy: boolean }) {
  const qtyId = `qty-${sku}`;
  return (
    <div id={buyRegionId(sku)} class="add-to-cart">
      {canBuy ? (
        <>
          <form method="post" action="/cart/items" hx-post="/cart/items" hx-target={`#${cartMessageId(sku)}`} hx-swap="innerHTML">
            <input type="hidden" name="sku" value={sku} />
            <label for={qtyId}>Quantity</label>
            <input id={qtyId} type="number" name="qty" value="1" min={1} max={MAX_QTY} step={1} required inputMode="numeric" />
            <button type="submit">Add to cart</button>
          </form>
          <p id={cartMessageId(sku)} role="status"></p>
        </>
      ) : (
        <p class="muted">This product cannot be ordered right now.</p>
      )}
    </div>
  );
}
