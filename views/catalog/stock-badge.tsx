/**
 * Availability on the product page. The page renders the badge in place; the stock stream
 * sends the same badge wrapped in <hx-partial> (views/order/order-live.tsx declares the element),
 * so first paint and live updates cannot drift apart.
 */
import type { StockLevel } from "../../actors/catalog/stock-live.ts";
import { AddToCart, buyRegionId } from "./add-to-cart.tsx";

/** The element id of a SKU's badge, the target of its live updates. */
export const stockRegionId = (sku: string) => `stock-${sku}`;

const TEXT = { out: "Out of stock", in: "In stock" } as const;

/** "In stock", "Only 3 left!" or "Out of stock". */
export const stockText = (level: StockLevel) => (level.kind === "low" ? `Only ${level.left} left!` : TEXT[level.kind]);

/** The badge; a polite live region, so changes are announced. */
export function StockBadge({ sku, level }: { sku: string; level: StockLevel }) {
  return (
    <p id={stockRegionId(sku)} class={`stock stock-${level.kind}`} role="status" data-stock={level.kind}>
      {stockText(level)}
    </p>
  );
}

/**
 * One SSE message body: the badge as a partial (outerMorph keeps the live region in place)
 * and, when `canBuy` is given, the add-to-cart region too: the form goes when the product
 * sells out and comes back when it can be bought again. Only then, so a quantity being
 * typed is not reset by every change of stock.
 */
export function StockUpdate({ sku, level, canBuy }: { sku: string; level: StockLevel; canBuy?: boolean }) {
  return (
    <>
      <hx-partial hx-target={`#${stockRegionId(sku)}`} hx-swap="outerMorph">
        <StockBadge sku={sku} level={level} />
      </hx-partial>
      {canBuy !== undefined && (
        <hx-partial hx-target={`#${buyRegionId(sku)}`} hx-swap="outerHTML">
          <AddToCart sku={sku} canBuy={canBuy} />
        </hx-partial>
      )}
    </>
  );
}
