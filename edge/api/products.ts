/** Public catalog reads. */
import { Hono } from "hono";
import { z } from "zod";
import type { Catalog } from "../../actors/catalog/catalog.ts";
import type { Search } from "../../actors/catalog/search.ts";
import { listingQuery } from "../http/catalog-query.ts";
import { query } from "../http/validate.ts";

const ListQuery = z.object({
  category: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** GET /api/products, /api/products/search and /api/products/:sku. */
export function productsApi(catalog: Catalog, search: Search) {
  const app = new Hono();
  app.get("/", async (c) => c.json({ products: await catalog.list(query(c, ListQuery)) }));
  /** The search page's data: same parameters (q, category, brand, price, stock, sort, page). */
  app.get("/search", async (c) => {
    const { items, facets, total, page, pages, pageSize, sort, correctedQuery } = await search.search(listingQuery(c));
    return c.json({ items, facets, total, page, pages, pageSize, sort, correctedQuery });
  });
  app.get("/:sku", async (c) => c.json(await catalog.get(c.req.param("sku"))));
  return app;
}
