/**
 * The customer catalog:
 *
 *   GET /                 home: categories and top-rated products
 *   GET /c/:category      a category's listing (filters, sort, pages); /c/:category/live: SSE, the listing as products change
 *   GET /p/:sku           a product page with live stock
 *   GET /p/:sku/stream    SSE: the product's stock badge as it changes (stock-stream.tsx)
 *   GET /search           search results with facets; /search/suggest for autocomplete
 *   GET /images/:file     generated product pictures
 *
 * Each handler parses, calls the catalog or search, and renders; prices show in the
 * visitor's currency.
 */
import { Hono, type Context } from "hono";
import { render } from "preact-render-to-string";
import { subjects } from "../../actors/contracts/subjects.ts";
import { ListingUpdate } from "../../views/catalog/listing.tsx";
import { refreshStream } from "../http/refresh-stream.ts";
import type { Catalog } from "../../actors/catalog/catalog.ts";
import type { Rate } from "../../actors/money/currency.ts";
import type { Currencies } from "../../actors/money/rates.ts";
import { NotFound } from "../../actors/contracts/errors.ts";
import type { PubSub } from "../../actors/runtime/pubsub.ts";
import type { Search } from "../../actors/catalog/search.ts";
import { canBuy, stockLevel } from "../../actors/catalog/stock-live.ts";
import { CategoryPage } from "../../views/catalog/category-page.tsx";
import { categoryHref, HomePage } from "../../views/catalog/home-page.tsx";
import { pageHref } from "../../views/catalog/pagination.tsx";
import { productHref } from "../../views/catalog/product-card.tsx";
import { ProductPage } from "../../views/catalog/product-page.tsx";
import type { AuthEnv } from "../auth/auth.ts";
import { listingPairs, listingQuery } from "../http/catalog-query.ts";
import { listed, pageErrors, sendCatalogPage, visitorRate } from "./catalog-render.tsx";
import { productImages } from "./product-images.ts";
import { searchPages } from "./search-pages.tsx";
import { stockStream, stockStreamUrl } from "./stock-stream.tsx";

export type CatalogDeps = {
  catalog: Catalog;
  search: Search;
  currencies: Currencies;
  pubsub: PubSub;
  /** SSE comment heartbeat period */
  heartbeatMs?: number;
};

const FEATURED = 8;

/** Every catalog route; mount with app.route("/", catalogPages(deps)). */
export function catalogPages(deps: CatalogDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.onError(pageErrors);

  app.get("/", (c) => sendCatalogPage(c, deps, "home", async ({ rate, shell }) => {
    const [categories, featured] = await Promise.all([deps.search.categories(), deps.search.featured(FEATURED)]);
    return <HomePage shell={shell} categories={categories} featured={featured.map(listed)} rate={rate} />;
  }));

  /** A category's listing: its page, and the same listing again for its live stream. */
  async function categoryListing(c: Context<AuthEnv>, fresh: boolean, rate?: Rate) {
    const category = (await deps.search.categories()).find((x) => x.slug === c.req.param("category"));
    if (!category) throw new NotFound(`no category ${c.req.param("category")}`);
    const params = { ...listingQuery(c), categories: [category.name, ...(category.children ?? [])] }; // a parent lists its subcategories too
    const [result, rated] = await Promise.all([fresh ? deps.search.fresh(params) : deps.search.search(params), rate ?? visitorRate(c, deps.currencies)]);
    const action = categoryHref(category);
    const pairs = listingPairs(params, { category: false });
    const query = new URL(c.req.url).search;
    return {
      category,
      listing: {
        result, items: result.items.map(listed), rate: rated, action, inStock: params.inStock, q: "", showCategories: false,
        href: (n: number) => pageHref(action, pairs, n), streamUrl: `${action}/live${query}`,
      },
    };
  }

  // (an unknown category or a bad query is refused on every request: a failed render is never kept)
  app.get("/c/:category", (c) => sendCatalogPage(c, deps, "category", async ({ rate, shell }) => {
    const { category, listing } = await categoryListing(c, false, rate);
    return <CategoryPage shell={shell} category={category} {...listing} />;
  }));

  // a product created, changed or archived by an admin (on any edge) shows without a reload
  app.get("/c/:category/live", async (c) => {
    await categoryListing(c, false); // an unknown category or bad query is refused before the stream opens
    return refreshStream(c, deps.pubsub, subjects.catalog, async () => render(<ListingUpdate {...(await categoryListing(c, true)).listing} />), { everyMs: 1000 });
  });

  app.get("/p/:sku", (c) => sendCatalogPage(c, deps, "product", async ({ rate, shell }) => {
    const product = await deps.catalog.get(c.req.param("sku"));
    const buyable = canBuy(product.available);
    return (
      <ProductPage shell={shell} product={product} rate={rate}
        category={{ name: product.category, slug: await deps.search.categorySlug(product.category) }}
        level={stockLevel(product.available)} canBuy={buyable}
        streamUrl={stockStreamUrl(productHref(product.sku), buyable)} />
    );
  }));

  app.route("/", stockStream(deps));
  app.route("/", searchPages(deps));
  app.route("/", productImages(deps.catalog));
  return app;
}
