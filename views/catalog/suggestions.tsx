/**
 * Autocomplete suggestions: the fragment /search/suggest answers, swapped under the header's
 * search box. Plain links, so they work with the keyboard like any other.
 */
import type { Suggestion } from "../../actors/catalog/search.ts";
import { productHref } from "./product-card.tsx";

/** Product links, a count for screen readers, and a way to all results; empty when nothing was typed. */
export function Suggestions({ q, items }: { q: string; items: Suggestion[] }) {
  if (!q.trim()) return null;
  const all = `/search?${new URLSearchParams({ q })}`;
  return (
    <>
      <p class="visually-hidden">{items.length === 0 ? "No suggestions" : `${items.length} suggestions`}</p>
      <ul class="suggestion-list" aria-label="Suggestions">
        {items.map((s) => (
          <li>
            <a href={productHref(s.sku)}>
              {s.name} <span class="muted">in {s.category}</span>
            </a>
          </li>
        ))}
        <li>
          <a href={all}>See all results for “{q}”</a>
        </li>
      </ul>
    </>
  );
}
