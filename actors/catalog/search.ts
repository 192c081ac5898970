/**
 * Catalog search: Postgres full-text search over products.search (name weighs most, then
 * category and brand, then description), typo correction against the catalog's own words,
 * facet counts, sorting and pages. Runs the same on PGlite and Postgres.
 */
import { and, asc, desc, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { rowsOf } from "../../db/rows.ts";
import { categories, products, stockTotals } from "../../db/schema.ts";
import { bumpCatalogVersion, catalogVersion, versioned, type Product } from "./catalog.ts";
import { memoryCache, type Cache } from "../runtime/cache.ts";
import { PAGE_SIZE, PRICE_BUCKETS, sortOf, type PriceBucketId, type SearchParams, type Sort } from "./search-filters.ts";
import { bucketOf, facetConditions, orderFor, productColumns, stockJoin, textQuery } from "./search-sql.ts";
import { completionsOf, correctWords, refreshTerms, wordsOf } from "./search-terms.ts";
import { available } from "./stock-sql.ts";

export type FacetValue<V extends string = string> = { value: V; count: number; selected: boolean };
export type Facets = {
  category: FacetValue[];
  brand: FacetValue[];
  price: FacetValue<PriceBucketId>[];
  /** products in stock among the matches (the other filters applied) */
  inStock: number;
};
export type SearchResult = {
  items: Product[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  sort: Sort;
  facets: Facets;
  /** the query as searched, when typo correction changed it */
  correctedQuery: string | null;
};
/** A storefront category: a subcategory names its `parent` (a slug); a parent counts its children's products too. */
export type Category = { name: string; slug: string; count: number; parent?: string | null; children?: string[] };
/** Archived products are off the storefront and out of search. */
const listed = isNull(products.archivedAt);
export type Suggestion = { sku: string; name: string; category: string };

const SUGGESTIONS = 8;
/** Catalog prices are USD (actors/catalog/catalog.ts). */
const asProduct = <T extends Omit<Product, "currency">>(row: T) => ({ ...row, currency: "USD" as const });
const CategoryRow = z.object({ name: z.string(), slug: z.string().nullable(), parent: z.string().nullable(), position: z.coerce.number(), n: z.coerce.number() });
const FacetRow = z.object({ facet: z.string(), value: z.string(), n: z.coerce.number() });

/** "Home & Kitchen" -> "home-kitchen": the category's name in URLs. */
export const slugOf = (category: string) => category.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "");

export class Search {
  /** Reads are cached under the catalog version (see `versioned`); pass the shared cache. */
  constructor(private db: Db, private cache: Cache = memoryCache()) {}

  /** The catalog's version: what the storefront shows of products, stock and categories changes only with it. */
  version(): Promise<number> {
    return catalogVersion(this.cache);
  }

  /** Rebuild the typo-correction vocabulary and drop cached results; call after the products change. */
  async refreshTerms(): Promise<number> {
    const terms = await refreshTerms(this.db);
    await bumpCatalogVersion(this.cache);
    return terms;
  }

  /** One page of matches with facet counts; typos in `q` are corrected first. */
  search(p: SearchParams): Promise<SearchResult> {
    return versioned(this.cache, `search:${JSON.stringify(p)}`, () => this.run(p));
  }

  /** The same page read from the database, past the cache: for live pages that heard of a change (another edge's cache may not have). */
  fresh(p: SearchParams): Promise<SearchResult> {
    return this.run(p);
  }

  private async run(p: SearchParams): Promise<SearchResult> {
    const words = wordsOf(p.q);
    const fixed = await correctWords(this.db, words, true);
    const text = fixed.length ? await this.textOf(fixed) : null;
    const sort = sortOf(p, text !== null);
    const match = text ? sql`${products.search} @@ ${text}` : undefined;
    const where = facetConditions(p);
    const [facets, items] = await Promise.all([
      this.facets(p, match, where),
      this.db.select(productColumns).from(products).leftJoin(stockTotals, stockJoin)
        .where(and(listed, match, where.category, where.brand, where.price, where.stock))
        .orderBy(...orderFor(sort, text)).limit(PAGE_SIZE).offset((p.page - 1) * PAGE_SIZE),
    ]);
    return {
      items: items.map(asProduct),
      total: facets.total, page: p.page, pageSize: PAGE_SIZE, pages: Math.ceil(facets.total / PAGE_SIZE), sort,
      facets: facets.facets,
      correctedQuery: fixed.join(" ") !== words.join(" ") ? fixed.join(" ") : null,
    };
  }

  /**
   * Counts per facet value over the text matches. Each facet is counted with the other
   * facets' filters applied but not its own, so choosing a brand still shows the others.
   */
  private async facets(p: SearchParams, match: SQL | undefined, where: ReturnType<typeof facetConditions>) {
    const flag = (cond: SQL | undefined) => cond ?? sql`true`;
    const rows = rowsOf(await this.db.execute(sql`
      WITH m AS (
        SELECT ${products.category} AS category, ${products.brand} AS brand, ${bucketOf} AS bucket,
          ${available} > 0 AS in_stock, ${flag(where.category)} AS c_ok, ${flag(where.brand)} AS b_ok,
          ${flag(where.price)} AS p_ok, ${flag(where.stock)} AS s_ok
        FROM ${products} LEFT JOIN ${stockTotals} ON ${stockJoin}
        WHERE ${flag(match)} AND ${listed}
      )
      SELECT 'category' AS facet, category AS value, count(*)::int AS n FROM m WHERE b_ok AND p_ok AND s_ok GROUP BY category
      UNION ALL SELECT 'brand', brand, count(*)::int FROM m WHERE c_ok AND p_ok AND s_ok GROUP BY brand
      UNION ALL SELECT 'price', bucket, count(*)::int FROM m WHERE c_ok AND b_ok AND s_ok GROUP BY bucket
      UNION ALL SELECT 'stock', 'in', count(*)::int FROM m WHERE c_ok AND b_ok AND p_ok AND in_stock
      UNION ALL SELECT 'total', '', count(*)::int FROM m WHERE c_ok AND b_ok AND p_ok AND s_ok`));
    const counts = rows.map((r) => FacetRow.parse(r));
    // categories in the admins' order (catalog.categories), as the home page lists them
    const place = new Map((await this.categories()).map((c, i) => [c.name, i]));
    const byPlace = (a: FacetValue, b: FacetValue) => (place.get(a.value) ?? place.size) - (place.get(b.value) ?? place.size) || a.value.localeCompare(b.value);
    const of = (facet: string) => new Map(counts.filter((r) => r.facet === facet).map((r) => [r.value, r.n]));
    const valuesOf = (facet: string, chosen: string[]): FacetValue[] => {
      const found = of(facet);
      for (const value of chosen) if (!found.has(value)) found.set(value, 0); // keep a choice to undo
      return [...found].map(([value, n]) => ({ value, count: n, selected: chosen.includes(value) }))
        .sort((a, b) => a.value.localeCompare(b.value));
    };
    const prices = of("price");
    return {
      total: of("total").get("") ?? 0,
      facets: {
        category: valuesOf("category", p.categories).sort(byPlace),
        brand: valuesOf("brand", p.brands),
        price: PRICE_BUCKETS.filter((b) => prices.has(b.id) || p.prices.includes(b.id))
          .map((b) => ({ value: b.id, count: prices.get(b.id) ?? 0, selected: p.prices.includes(b.id) })),
        inStock: of("stock").get("in") ?? 0,
      } satisfies Facets,
    };
  }

  private async textOf(words: string[]): Promise<SQL> {
    return textQuery(words, await completionsOf(this.db, words.at(-1) ?? ""));
  }

  /** Up to 8 product names for what has been typed so far, typos forgiven. */
  suggest(prefix: string): Promise<Suggestion[]> {
    return versioned(this.cache, `suggest:${prefix.trim().toLowerCase()}`, () => this.suggestions(prefix));
  }

  private async suggestions(prefix: string): Promise<Suggestion[]> {
    const words = wordsOf(prefix);
    if (words.join("").length < 2) return [];
    const text = await this.textOf(await correctWords(this.db, words, true));
    const cols = { sku: products.sku, name: products.name, category: products.category };
    const found = await this.db.select(cols).from(products).where(and(listed, sql`${products.search} @@ ${text}`))
      .orderBy(...orderFor("relevance", text)).limit(SUGGESTIONS);
    if (found.length > 0) return found;
    // Nothing by words: fall back to names that contain something like the typed text.
    const typed = words.join(" ");
    return this.db.select(cols).from(products).where(and(listed, sql`${typed} <% ${products.name}`))
      .orderBy(desc(sql`word_similarity(${typed}, ${products.name})`), asc(products.name)).limit(SUGGESTIONS);
  }

  /** The top-rated products in stock, for the home page. */
  featured(limit: number): Promise<Product[]> {
    return versioned(this.cache, `featured:${limit}`, async () => {
      const rows = await this.db.select(productColumns).from(products).leftJoin(stockTotals, stockJoin)
        .where(and(listed, sql`${available} > 0`)).orderBy(...orderFor("rating", null)).limit(limit);
      return rows.map(asProduct);
    });
  }

  /** A category's address in the storefront, by its name: its slug in catalog.categories (a rename keeps it). */
  async categorySlug(name: string): Promise<string> {
    return (await this.categories()).find((c) => c.name === name)?.slug ?? slugOf(name);
  }

  /**
   * Every category with products on sale, in the admins' order (catalog.categories), each
   * parent followed by its subcategories; a parent counts its children's products and shows
   * while any of them has one. A category the products name but the table lacks comes last.
   */
  categories(): Promise<Category[]> {
    return versioned(this.cache, "categories", async () => {
      const rows = rowsOf(await this.db.execute(sql`
        WITH n AS (SELECT category AS name, count(*)::int AS n FROM ${products} WHERE ${listed} GROUP BY category)
        SELECT coalesce(c.name, n.name) AS name, c.slug, c.parent_slug AS parent, coalesce(c.position, 2147483647) AS position, coalesce(n.n, 0) AS n
        FROM ${categories} c FULL JOIN n ON n.name = c.name`)).map((r) => CategoryRow.parse(r));
      const bySort = (a: { position: number; name: string }, b: { position: number; name: string }) => a.position - b.position || a.name.localeCompare(b.name);
      const all = rows.map((r) => ({ name: r.name, slug: r.slug ?? slugOf(r.name), parent: r.parent, position: r.position, count: r.n })).sort(bySort);
      const childrenOf = (slug: string) => all.filter((c) => c.parent === slug && c.count > 0);
      const out: Category[] = [];
      for (const top of all.filter((c) => c.parent === null || !all.some((p) => p.slug === c.parent))) {
        const kids = top.parent === null ? childrenOf(top.slug) : [];
        const count = top.count + kids.reduce((t, k) => t + k.count, 0);
        if (count === 0) continue;
        out.push({ name: top.name, slug: top.slug, count, ...(kids.length ? { children: kids.map((k) => k.name) } : {}) });
        for (const k of kids) out.push({ name: k.name, slug: k.slug, count: k.count, parent: top.slug });
      }
      return out;
    });
  }
}
