/** The shop's front page: every category, then the best-rated products in stock. */
import type { Rate } from "../../actors/money/currency.ts";
import type { Category } from "../../actors/catalog/search.ts";
import { Layout, type Shell } from "../layout.tsx";
import { ProductGrid, type Listed } from "./product-card.tsx";

type Props = { shell: Shell; categories: Category[]; featured: Listed[]; rate: Rate };

/** The URL of a category page. */
export const categoryHref = (c: Pick<Category, "slug">) => `/c/${encodeURIComponent(c.slug)}`;

/** Categories as links with their product counts, then the featured grid. */
export function HomePage({ shell, categories, featured, rate }: Props) {
  return (
    <Layout title="Welcome" shell={shell}>
      <div class="wide catalog">
        <h1>saga shop</h1>
        <section aria-labelledby="categories-heading">
          <h2 id="categories-heading">Shop by category</h2>
          <ul class="category-list">
            {categories.map((c) => (
              <li>
                <a href={categoryHref(c)}>
                  {c.name} <span class="facet-count">({c.count})</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="featured-heading">
          <h2 id="featured-heading">Top rated</h2>
          <ProductGrid items={featured} rate={rate} label="Top rated products" />
        </section>
      </div>
    </Layout>
  );
}
