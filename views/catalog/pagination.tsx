/** Page links for a listing: previous, a window of numbered pages, next. Plain links. */

type Props = {
  page: number;
  pages: number;
  /** the listing's URL for page `n` */
  href: (n: number) => string;
};

const AROUND = 2; // numbered pages either side of the current one

/** Nothing when everything fits on one page. */
export function Pagination({ page, pages, href }: Props) {
  if (pages <= 1) return null;
  const at = Math.min(page, pages); // a page past the end still offers the real ones
  const from = Math.max(1, at - AROUND);
  const to = Math.min(pages, at + AROUND);
  const numbers = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  return (
    <nav class="pagination" aria-label="Pages">
      {page > 1 && <a href={href(at === page ? page - 1 : pages)} rel="prev">Previous</a>}
      {from > 1 && <a href={href(1)}>1</a>}
      {from > 2 && <span aria-hidden="true">…</span>}
      {numbers.map((n) => (n === page
        ? <span aria-current="page" class="current">{n}</span>
        : <a href={href(n)}>{n}</a>))}
      {to < pages - 1 && <span aria-hidden="true">…</span>}
      {to < pages && <a href={href(pages)}>{pages}</a>}
      {page < pages && <a href={href(page + 1)} rel="next">Next</a>}
    </nav>
  );
}

/** `path` with `params` and page `n` as its query (page 1 is left out: the listing's own URL). */
export function pageHref(path: string, params: [string, string][], n: number): string {
  const query = new URLSearchParams([...params.filter(([k]) => k !== "page"), ...(n > 1 ? [["page", String(n)]] : [])]);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
