/**
 * The filter sidebar: a plain GET form of checkboxes with a count beside each value, and
 * the sort order. It needs no JavaScript; "Apply" submits it.
 */
import type { Rate } from "../../actors/money/currency.ts";
import type { FacetValue, Facets } from "../../actors/catalog/search.ts";
import { PRICE_BUCKETS, SORTS, type PriceBucketId, type Sort } from "../../actors/catalog/search-filters.ts";
import { priceText } from "./price.tsx";

export type FacetFormProps = {
  /** where the form submits: /search or a category page */
  action: string;
  q: string;
  facets: Facets;
  inStock: boolean;
  sort: Sort;
  rate: Rate;
  /** a category page has its category in the path, so it offers no category choice */
  showCategories: boolean;
};

const SORT_LABELS: Record<Sort, string> = {
  relevance: "Best match", "price-asc": "Price: low to high", "price-desc": "Price: high to low",
  rating: "Customer rating", name: "Name",
};

/** Bucket bounds in the visitor's currency: "Under $25.00", "$25.00 to $100.00", "Over $1,000.00". */
export function priceLabel(id: PriceBucketId, rate: Rate): string {
  const b = PRICE_BUCKETS.find((x) => x.id === id);
  if (!b) return id;
  if (b.min === 0 && b.max !== null) return `Under ${priceText(b.max, rate)}`;
  return b.max === null ? `Over ${priceText(b.min, rate)}` : `${priceText(b.min, rate)} to ${priceText(b.max, rate)}`;
}

/** The sidebar form. */
export function FacetForm(p: FacetFormProps) {
  const sorts = SORTS.filter((s) => s !== "relevance" || p.q); // relevance needs words to rank by
  return (
    <form method="get" action={p.action} class="facets card" aria-labelledby="filters-heading">
      <h2 id="filters-heading">Filter and sort</h2>
      {p.q && <input type="hidden" name="q" value={p.q} />}
      {p.showCategories && <Group legend="Category" name="category" values={p.facets.category} label={(v) => v} />}
      <Group legend="Brand" name="brand" values={p.facets.brand} label={(v) => v} />
      <Group legend="Price" name="price" values={p.facets.price} label={(v) => priceLabel(v, p.rate)} />
      <fieldset>
        <legend>Availability</legend>
        <label class="facet">
          <input type="checkbox" name="stock" value="in" checked={p.inStock} /> In stock only{" "}
          <span class="facet-count">({p.facets.inStock})</span>
        </label>
      </fieldset>
      <label for="sort-select">Sort by</label>
      <select id="sort-select" name="sort">
        {sorts.map((s) => <option value={s} selected={s === p.sort}>{SORT_LABELS[s]}</option>)}
      </select>
      <p class="facet-actions">
        <button type="submit">Apply</button>
        <a href={p.q ? `${p.action}?${new URLSearchParams({ q: p.q })}` : p.action}>Clear filters</a>
      </p>
    </form>
  );
}

function Group<V extends string>({ legend, name, values, label }: {
  legend: string; name: string; values: FacetValue<V>[]; label: (value: V) => string;
}) {
  if (values.length === 0) return null;
  return (
    <fieldset>
      <legend>{legend}</legend>
      {values.map((v) => (
        <label class="facet">
          <input type="checkbox" name={name} value={v.value} checked={v.selected} /> {label(v.value)}{" "}
          <span class="facet-count">({v.count})</span>
        </label>
      ))}
    </fieldset>
  );
}
