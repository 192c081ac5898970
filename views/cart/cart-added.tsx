/**
 * Answers to the product page's "add to cart" form under htmx: a short message swapped
 * into the product's message slot, and the header badge updated out of band.
 */
import { CartCount } from "../layout.tsx";

/** "Added 2 × Altair Air 13 to your cart." plus the new count for the header. */
export function CartAdded({ qty, name, count }: { qty: number; name: string; count: number }) {
  return (
    <>
      <span class="cart-added">
        {`Added ${qty} × ${name} to your cart. `}
        <a href="/cart">View cart</a>
      </span>
      <CartCount oob count={count} />
    </>
  );
}

/** Why the add was refused, in words (sent with a 4xx, which htmx 4 swaps in). */
export function CartRefused({ message }: { message: string }) {
  return <span class="cart-error" role="alert">{message}</span>;
}
