/**
 * The search box in every page's header: a plain GET form to /search. With htmx, typing
 * fetches suggestions (links to products) into a polite live region under the box; without
 * JavaScript the form just submits.
 */

export const SUGGESTIONS_ID = "search-suggestions";

/** `q` is what the customer searched for last, kept in the box. */
export function SearchBox({ q }: { q: string }) {
  const suggest = {
    "hx-get": "/search/suggest",
    "hx-trigger": "input changed delay:200ms",
    "hx-target": `#${SUGGESTIONS_ID}`,
    "hx-swap": "innerHTML",
    // newer text cancels the request in flight, so a slow answer never overwrites a newer one
    "hx-sync": "replace",
  };
  return (
    <form method="get" action="/search" role="search" class="search-box">
      <label for="site-search" class="visually-hidden">Search products</label>
      <input id="site-search" type="search" name="q" value={q} placeholder="Search products" maxLength={100}
        autoComplete="off" aria-controls={SUGGESTIONS_ID} aria-describedby="search-hint" {...suggest} />
      <span id="search-hint" class="visually-hidden">Suggestions appear below as you type.</span>
      <button type="submit">Search</button>
      <div id={SUGGESTIONS_ID} class="suggestions" aria-live="polite"></div>
    </form>
  );
}
