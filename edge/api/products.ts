/**
 * Public catalog reads. `?currency=EUR` prices every product in that currency (its own
 * minor units, each unit price converted once as orders do) and says which rate was used;
 * USD when absent; a currency the shop does not sell in is a 400 naming it.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Catalog, Product } from "../../actors/catalog/catalog.ts";
import type { Search } from "../../actors/catalog/search.ts";
import { BASE_CURRENCY, convert, type Rate } from "../../actors/money/currency.ts";
import type { Currencies } from "../../actors/money/rates.ts";
import { listingQuery } from "../http/catalog-query.ts";
import { query } from "../http/validate.ts";

const ListQuery = z.object({
  category: z.string().max(64).optional(),
  currency: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** The rate a request asks for: its `currency` parameter (any case), USD when absent. */
async function rateOf(c: Context, currencies: Currencies): Promise<Rate> {
  const asked = (c.req.query("currency") ?? "").trim().toUpperCase();
  return currencies.rate(asked === "" ? BASE_CURRENCY : asked.slice(0, 16));
}

/** A product priced in `rate`'s currency; `basePrice` keeps the catalog's USD cents. */
const priced = (p: Product, rate: Rate) => ({ ...p, price: convert(p.price, rate), currency: rate.code, basePrice: p.price });
/** What a priced answer says about its prices: the currency, its minor units and the rate (units per USD). */
const pricing = (rate: Rate) => ({ currency: rate.code, minorUnits: rate.minorUnits, rate: rate.rate, base: BASE_CURRENCY });

/** GET /api/products, /api/products/search and /api/products/:sku. */
export function productsApi(catalog: Catalog, search: Search, currencies: Currencies) {
  const app = new Hono();
  app.get("/", async (c) => {
    const { currency: _, ...q } = query(c, ListQuery);
    const rate = await rateOf(c, currencies);
    return c.json({ products: (await catalog.list(q)).map((p) => priced(p, rate)), pricing: pricing(rate) });
  });
  /** The search page's data: same parameters (q, category, brand, price, stock, sort, page), plus currency. */
  app.get("/search", async (c) => {
    const rate = await rateOf(c, currencies);
    const { items, facets, total, page, pages, pageSize, sort, correctedQuery } = await search.search(listingQuery(c));
    return c.json({ items: items.map((p) => priced(p, rate)), facets, total, page, pages, pageSize, sort, correctedQuery, pricing: pricing(rate) });
  });
  app.get("/:sku", async (c) => {
    const rate = await rateOf(c, currencies);
    return c.json({ ...priced(await catalog.get(c.req.param("sku")), rate), pricing: pricing(rate) });
  });
  return app;
}
