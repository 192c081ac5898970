/**
 * The query string of a catalog listing (/search, /c/:category, /api/products/search):
 *   q, category*, brand*, price* (bucket ids), stock=in, sort, page
 * (* may repeat: values of one facet are alternatives). Empty values count as absent, so a
 * submitted form with blank fields is fine; anything else wrong is a 400 naming the parameter.
 */
import type { Context } from "hono";
import { z } from "zod";
import { PRICE_BUCKET_IDS, SORTS, type SearchParams } from "../../actors/catalog/search-filters.ts";
import { fieldError } from "./http-errors.ts";

const MAX_PAGE = 500;
const name = z.string().trim().min(1).max(64);

const ListingQuery = z.object({
  q: z.string().trim().max(100, "at most 100 characters").default(""),
  category: z.array(name).max(20).default([]),
  brand: z.array(name).max(50).default([]),
  price: z.array(z.enum(PRICE_BUCKET_IDS)).max(PRICE_BUCKET_IDS.length).default([]),
  stock: z.literal("in").optional(),
  sort: z.enum(SORTS).optional(),
  page: z.coerce.number().int().min(1).max(MAX_PAGE).default(1),
});

const REPEATED = new Set(["category", "brand", "price"]);

/** The listing's parameters; throws InputError (400) naming the first bad one. */
export function listingQuery(c: Context): SearchParams {
  const raw: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    const present = values.filter((v) => v !== "");
    if (REPEATED.has(key)) raw[key] = present;
    else if (present.length > 0) raw[key] = present[0];
  }
  const parsed = ListingQuery.safeParse(raw);
  if (!parsed.success) throw fieldError(parsed.error);
  const { q, category, brand, price, stock, sort, page } = parsed.data;
  return { q, categories: unique(category), brands: unique(brand), prices: unique(price), inStock: stock === "in", sort, page };
}

/** The parameters back as query pairs, for page links (page itself is added per link). */
export function listingPairs(p: SearchParams, opts: { category: boolean }): [string, string][] {
  const pairs: [string, string][] = [];
  if (p.q) pairs.push(["q", p.q]);
  if (opts.category) for (const v of p.categories) pairs.push(["category", v]);
  for (const v of p.brands) pairs.push(["brand", v]);
  for (const v of p.prices) pairs.push(["price", v]);
  if (p.inStock) pairs.push(["stock", "in"]);
  if (p.sort) pairs.push(["sort", p.sort]);
  return pairs;
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];
