/**
 * One product: pictures, name, brand, rating, price, live availability, the add-to-cart
 * form and the description. The stock region opens the SSE stream of its badge.
 */
import type { Product } from "../../actors/catalog/catalog.ts";
import type { Rate } from "../../actors/money/currency.ts";
import type { Category } from "../../actors/catalog/search.ts";
import type { StockLevel } from "../../actors/catalog/stock-live.ts";
import { Layout, type Shell } from "../layout.tsx";
import { AddToCart } from "./add-to-cart.tsx";
import { categoryHref } from "./home-page.tsx";
import { Price } from "./price.tsx";
import { Rating } from "./rating.tsx";
import { StockBadge } from "./stock-badge.tsx";

type Props = {
  shell: Shell;
  product: Product;
  category: Pick<Category, "name" | "slug">;
  level: StockLevel;
  canBuy: boolean;
  rate: Rate;
  streamUrl: string;
};

/**
 * The page. The stock wrapper, not the badge, holds hx-sse:connect: the badge is morphed by
 * each update and would lose the attribute. hx-swap="none" keeps an error answer from
 * replacing anything; each message's <hx-partial> names its own target.
 */
export function ProductPage({ shell, product: p, category, level, canBuy, rate, streamUrl }: Props) {
  const live = { "hx-sse:connect": streamUrl, "hx-swap": "none" };
  return (
    <Layout title={p.name} shell={shell}>
      <article class="wide catalog product">
        <nav aria-label="Breadcrumb" class="breadcrumb">
          <a href="/">Home</a> <span aria-hidden="true">›</span> <a href={categoryHref(category)}>{category.name}</a>
        </nav>
        <div class="product-layout">
          <ul class="gallery" aria-label="Pictures">
            {p.images.map((src, i) => (
              <li>
                <img src={src} alt={`${p.name}, picture ${i + 1} of ${p.images.length}`} width={400} height={300}
                  loading={i === 0 ? "eager" : "lazy"} />
              </li>
            ))}
          </ul>
          <div class="buy-box card">
            <h1>{p.name}</h1>
            <p class="muted">by {p.brand}</p>
            <Rating value={p.rating} />
            <p class="product-price">
              <Price usd={p.price} rate={rate} />
            </p>
            <div class="stock-live" {...live}>
              <StockBadge sku={p.sku} level={level} />
            </div>
            <AddToCart sku={p.sku} canBuy={canBuy} />
          </div>
        </div>
        <section class="card" aria-labelledby="about-heading">
          <h2 id="about-heading">About this product</h2>
          <p>{p.description}</p>
          <p class="muted">SKU {p.sku}</p>
        </section>
      </article>
    </Layout>
  );
}
