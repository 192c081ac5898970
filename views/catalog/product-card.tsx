/** The product tile used by every listing (home, category, search) and its grid. */
import type { Product } from "../../actors/catalog/catalog.ts";
import type { Rate } from "../../actors/money/currency.ts";
import type { StockLevel } from "../../actors/catalog/stock-live.ts";
import { Price } from "./price.tsx";
import { Rating } from "./rating.tsx";
import { stockText } from "./stock-badge.tsx";

/** A product as a listing shows it: the catalog row and how its stock reads. */
export type Listed = { product: Product; level: StockLevel };

/** The URL of a product page. */
export const productHref = (sku: string) => `/p/${encodeURIComponent(sku)}`;

/** One tile: picture, name (the link), brand, rating, price and a short stock note. */
export function ProductCard({ item, rate }: { item: Listed; rate: Rate }) {
  const { product: p, level } = item;
  const image = p.images[0];
  return (
    <li class="product-card">
      {/* the name below says what it shows: alt="" spares screen readers saying it twice */}
      {image && <img src={image} alt="" width={400} height={300} loading="lazy" />}
      <h3>
        <a href={productHref(p.sku)}>{p.name}</a>
      </h3>
      <p class="muted brand-line">{p.brand}</p>
      <Rating value={p.rating} />
      <p class="card-foot">
        <Price usd={p.price} rate={rate} />
        <span class={`stock-note stock-${level.kind}`}>{stockText(level)}</span>
      </p>
    </li>
  );
}

/** A responsive grid of tiles (one column on a phone, more as the screen widens). */
export function ProductGrid({ items, rate, label }: { items: Listed[]; rate: Rate; label: string }) {
  return (
    <ul class="product-grid" aria-label={label}>
      {items.map((item) => <ProductCard item={item} rate={rate} />)}
    </ul>
  );
}
