/**
 * What a catalog search asks for: text, facet filters, sort, page. Within a facet the
 * chosen values are alternatives (OR); facets combine with AND. The SQL these become is in
 * search-sql.ts, so the pages' forms can use the choices without a database driver.
 */

export const PAGE_SIZE = 20;

/** Price ranges in USD cents; `max` is exclusive. */
export const PRICE_BUCKETS = [
  { id: "under-25", min: 0, max: 2_500 },
  { id: "25-100", min: 2_500, max: 10_000 },
  { id: "100-500", min: 10_000, max: 50_000 },
  { id: "500-1000", min: 50_000, max: 100_000 },
  { id: "over-1000", min: 100_000, max: null },
] as const;
export type PriceBucket = (typeof PRICE_BUCKETS)[number];
export type PriceBucketId = PriceBucket["id"];
export const PRICE_BUCKET_IDS = PRICE_BUCKETS.map((b) => b.id);

export const SORTS = ["relevance", "price-asc", "price-desc", "rating", "name"] as const;
export type Sort = (typeof SORTS)[number];

export type SearchParams = {
  q: string;
  categories: string[];
  brands: string[];
  prices: PriceBucketId[];
  inStock: boolean;
  /** relevance when there is text to rank by, name otherwise */
  sort?: Sort;
  /** 1-based */
  page: number;
};

/** A search with nothing chosen: the whole catalog, first page. */
export const browseAll = (over: Partial<SearchParams> = {}): SearchParams =>
  ({ q: "", categories: [], brands: [], prices: [], inStock: false, page: 1, ...over });

/** The sort in effect: relevance needs a query to rank against. */
export const sortOf = (p: Pick<SearchParams, "q" | "sort">, hasText: boolean): Sort =>
  p.sort && (p.sort !== "relevance" || hasText) ? p.sort : hasText ? "relevance" : "name";
