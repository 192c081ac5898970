/**
 * Availability on the product page. The page renders the badge in place; the stock stream
 * sends the same badge wrapped in <hx-partial> (views/order-live.tsx declares the element),
 * so first paint and live updates cannot drift apart.
 */
import type { StockLevel } from "../../actors/stock-live.ts";

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

/** One SSE message body: the badge as a partial; outerMorph keeps the live region in place. */
export function StockUpdate({ sku, level }: { sku: string; level: StockLevel }) {
  return (
    <hx-partial hx-target={`#${stockRegionId(sku)}`} hx-swap="outerMorph">
      <StockBadge sku={sku} level={level} />
    </hx-partial>
  );
}
