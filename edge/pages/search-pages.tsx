/**
 *   GET /search?q=&category=&brand=&price=&stock=&sort=&page=   results, facets, pages
 *   GET /search/suggest?q=                                      autocomplete fragment
 */
import { Hono } from "hono";
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
import { listed, sendPage, visitorRate } from "./catalog-render.tsx";

const SuggestQuery = z.object({ q: z.string().max(100, "at most 100 characters").default("") });

/** Suggestions change only with the catalog's names: browsers may reuse them for a minute. */
const SUGGEST_CACHE = "public, max-age=60";

/** The search page and the autocomplete fragment. */
export function searchPages(deps: { search: Search; currencies: Currencies }): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get("/search", async (c) => {
    const params = listingQuery(c);
    const [result, rate] = await Promise.all([deps.search.search(params), visitorRate(c, deps.currencies)]);
    const pairs = listingPairs(params, { category: true });
    return sendPage(c, (
      <SearchPage shell={await c.get("shell")({ q: params.q })} result={result} items={result.items.map(listed)}
        rate={rate} q={params.q} inStock={params.inStock} href={(n) => pageHref("/search", pairs, n)} />
    ));
  });

  app.get("/search/suggest", async (c) => {
    const { q } = query(c, SuggestQuery);
    const items = await deps.search.suggest(q);
    c.header("Cache-Control", SUGGEST_CACHE);
    return c.html(render(<Suggestions q={q} items={items} />));
  });

  return app;
}
