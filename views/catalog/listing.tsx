/**
 * A page of products with its filters: what the search page and the category pages share.
 * The result count and any typo correction are said first, then the sidebar and the grid.
 */
import type { Rate } from "../../actors/money/currency.ts";
import type { SearchResult } from "../../actors/catalog/search.ts";
import { FacetForm } from "./facets.tsx";
import { Pagination } from "./pagination.tsx";
import { ProductGrid, type Listed } from "./product-card.tsx";

export type ListingProps = {
  result: Omit<SearchResult, "items">;
  items: Listed[];
  rate: Rate;
  /** the listing's path (/search, /c/laptops) */
  action: string;
  q: string;
  inStock: boolean;
  showCategories: boolean;
  /** the URL of page `n` with the same query */
  href: (n: number) => string;
  /** the live stream that sends the listing again when a product is created, changed or archived */
  streamUrl?: string;
};

export const LISTING_REGION = "listing";

/** What the stream sends: the listing, swapped in place. */
export function ListingUpdate(p: ListingProps) {
  return (
    <hx-partial hx-target={`#${LISTING_REGION}`} hx-swap="outerMorph">
      <Listing {...p} />
    </hx-partial>
  );
}

/** The listing, live when it has a stream. */
export function LiveListing({ streamUrl, ...p }: ListingProps) {
  if (!streamUrl) return <Listing {...p} />;
  return (
    <div class="listing-live" {...{ "hx-sse:connect": streamUrl, "hx-swap": "none" }}>
      <Listing {...p} />
    </div>
  );
}

/** Summary, "showing results for", sidebar, grid, pages. */
export function Listing(p: ListingProps) {
  const { result } = p;
  const first = (result.page - 1) * result.pageSize + 1;
  const last = first + p.items.length - 1;
  return (
    <div class="listing" id={LISTING_REGION}>
      <div class="listing-head">
        <p class="result-count" role="status">
          {result.total === 0
            ? "No products found"
            : p.items.length === 0
              ? `${result.total} ${plural(result.total)}, none on page ${result.page}`
              : `${first}–${last} of ${result.total} ${plural(result.total)}`}
        </p>
        {result.correctedQuery && (
          <p class="corrected">
            Showing results for <strong>{result.correctedQuery}</strong>
            {p.q && <> (you searched for <em>{p.q}</em>)</>}
          </p>
        )}
      </div>
      <FacetForm action={p.action} q={p.q} facets={result.facets} inStock={p.inStock} sort={result.sort} rate={p.rate}
        showCategories={p.showCategories} />
      <section class="results">
        {p.items.length > 0
          ? <ProductGrid items={p.items} rate={p.rate} label="Products" />
          : <p class="card">Try fewer filters or other words.</p>}
        <Pagination page={result.page} pages={result.pages} href={p.href} />
      </section>
    </div>
  );
}

const plural = (n: number) => (n === 1 ? "product" : "products");
