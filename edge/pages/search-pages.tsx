/**
 *   GET /search?q=&category=&brand=&price=&stock=&sort=&page=   results, facets, pages
 *   GET /search/suggest?q=                                      autocomplete fragment
 *   GET /search/live?<the same query>                           SSE: the results again as products change
 */
import { Hono, type Context } from "hono";
import { subjects } from "../../actors/contracts/subjects.ts";
import type { PubSub } from "../../actors/runtime/pubsub.ts";
import { ListingUpdate } from "../../views/catalog/listing.tsx";
import { refreshStream } from "../http/refresh-stream.ts";
import { render } from "preact-render-to-string";
import { z } from "zod";
import type { Search } from "../../actors/catalog/search.ts";
import type { Currencies } from "../../actors/money/rates.ts";
import { pageHref } from "../../views/catalog/pagination.tsx";
import { SearchPage } from "../../views/catalog/search-page.tsx";
import { Suggestions } from "../../views/catalog/suggestions.tsx";
import type { AuthEnv } from "../auth/auth.ts";
import { listingPairs, listingQuery } from "../http/catalog-query.ts";
import { query } from "../http/validate.ts";
import { listed, sendCatalogPage, visitorRate } from "./catalog-render.tsx";

const SuggestQuery = z.object({ q: z.string().max(100, "at most 100 characters").default("") });

/** Suggestions change only with the catalog's names: browsers may reuse them for a minute. */
const SUGGEST_CACHE = "public, max-age=60";

/** The search page and the autocomplete fragment. */
export function searchPages(deps: { search: Search; currencies: Currencies; pubsub: PubSub }): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  async function searchListing(c: Context<AuthEnv>, fresh: boolean) {
    const params = listingQuery(c);
    const [result, rate] = await Promise.all([fresh ? deps.search.fresh(params) : deps.search.search(params), visitorRate(c, deps.currencies)]);
    const pairs = listingPairs(params, { category: true });
    return {
      q: params.q,
      listing: {
        result, items: result.items.map(listed), rate, q: params.q, inStock: params.inStock, action: "/search", showCategories: true,
        href: (n: number) => pageHref("/search", pairs, n), streamUrl: `/search/live${new URL(c.req.url).search}`,
      },
    };
  }

  app.get("/search", async (c) => {
    const { q } = listingQuery(c); // a bad query is refused before anything is read
    return sendCatalogPage(c, deps, "search", async ({ shell }) => <SearchPage shell={shell} {...(await searchListing(c, false)).listing} />, { q });
  });

  // a product an admin creates that matches shows without a reload
  app.get("/search/live", async (c) => {
    listingQuery(c); // a bad query is refused before the stream opens
    return refreshStream(c, deps.pubsub, subjects.catalog, async () => render(<ListingUpdate {...(await searchListing(c, true)).listing} />), { everyMs: 1000 });
  });

  app.get("/search/suggest", async (c) => {
    const { q } = query(c, SuggestQuery);
    const items = await deps.search.suggest(q);
    c.header("Cache-Control", SUGGEST_CACHE);
    return c.html(render(<Suggestions q={q} items={items} />));
  });

  return app;
}
