/** The search box in every page's header: a plain GET form to /search. */

/** `q` is what the customer searched for last, kept in the box. */
export function SearchBox({ q }: { q: string }) {
  return (
    <form method="get" action="/search" role="search" class="search-box">
      <label for="site-search" class="visually-hidden">Search products</label>
      <input id="site-search" type="search" name="q" value={q} placeholder="Search products" maxLength={100} />
      <button type="submit">Search</button>
    </form>
  );
}
