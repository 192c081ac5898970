/**
 * The SQL pieces a catalog search (search-filters.ts) becomes: facet conditions, price
 * buckets, the full-text query and the order of results.
 */
import { and, asc, desc, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { products, stockTotals } from "../../db/schema.ts";
import { PRICE_BUCKETS, type PriceBucket, type SearchParams, type Sort } from "./search-filters.ts";
import { available } from "./stock-sql.ts";


/** The columns of a catalog Product (actors/catalog/catalog.ts) with its available stock. */
export const productColumns = {
  sku: products.sku, name: products.name, category: products.category, brand: products.brand,
  description: products.description, price: products.price, rating: products.rating, images: products.images,
  available,
};

/** One condition per facet; undefined where nothing is chosen. */
export function facetConditions(p: SearchParams) {
  return {
    category: p.categories.length ? inArray(products.category, p.categories) : undefined,
    brand: p.brands.length ? inArray(products.brand, p.brands) : undefined,
    price: p.prices.length ? or(...PRICE_BUCKETS.filter((b) => p.prices.includes(b.id)).map(priceIn)) : undefined,
    stock: p.inStock ? sql`${available} > 0` : undefined,
  };
}

const priceIn = (b: PriceBucket) =>
  b.max === null ? gte(products.price, b.min) : and(gte(products.price, b.min), lt(products.price, b.max));

/** The bucket id of each product's price, as SQL. */
export const bucketOf = sql.join([
  sql`CASE`,
  ...PRICE_BUCKETS.map((b) => sql`WHEN ${b.max === null ? sql`true` : lt(products.price, b.max)} THEN ${b.id}::text`),
  sql`END`,
], sql` `);

/**
 * The full-text query of some words (all must match). The last may still be being typed:
 * it matches as a prefix of a stem or as any of the catalog words it begins (`completions`).
 * Words are letters and digits only (wordsOf), so they cannot carry tsquery operators.
 */
export function textQuery(words: string[], completions: string[] = []): SQL {
  const last = words.at(-1);
  const lastPart = last === undefined ? [] : [`(${[`${last}:*`, ...completions].join(" | ")})`];
  return sql`to_tsquery('english', ${[...words.slice(0, -1), ...lastPart].join(" & ")})`;
}

/** ORDER BY for a sort; the SKU last, so pages never overlap. */
export function orderFor(sort: Sort, query: SQL | null): SQL[] {
  const rank = query ? sql`ts_rank(${products.search}, ${query})` : null;
  const byName = [asc(products.name), asc(products.sku)];
  switch (sort) {
    case "relevance": return [...(rank ? [desc(rank)] : []), desc(products.rating), ...byName];
    case "price-asc": return [asc(products.price), ...byName];
    case "price-desc": return [desc(products.price), ...byName];
    case "rating": return [desc(products.rating), ...byName];
    case "name": return byName;
    default: return exhaustive(sort);
  }
}

const exhaustive = (x: never): never => {
  throw new Error(`unhandled sort ${String(x)}`);
};

/** The join every catalog read uses. */
export const stockJoin = eq(stockTotals.sku, products.sku);
