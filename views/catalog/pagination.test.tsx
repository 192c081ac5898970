import { expect, test } from "bun:test";
import { render } from "preact-render-to-string";
import { pageHref, Pagination } from "./pagination.tsx";

const href = (n: number) => pageHref("/search", [["q", "a b"], ["page", "9"]], n);

test("page links keep the query, drop the old page and leave page 1 out", () => {
  expect(href(1)).toBe("/search?q=a+b");
  expect(href(3)).toBe("/search?q=a+b&page=3");
  expect(pageHref("/c/toys", [], 1)).toBe("/c/toys");
});

test("a window around the current page, the ends, and previous/next", () => {
  const html = render(<Pagination page={5} pages={10} href={href} />);
  expect(html).toContain('<a href="/search?q=a+b&amp;page=4" rel="prev">Previous</a>');
  expect(html).toContain('<span aria-current="page" class="current">5</span>');
  for (const n of [1, 3, 4, 6, 7, 10]) expect(html).toContain(`>${n}</a>`);
  expect(html).not.toContain(">2</a>");
  expect(html).toContain('rel="next"');
});

test("nothing for a single page; past the end still offers the real pages", () => {
  expect(render(<Pagination page={1} pages={1} href={href} />)).toBe("");
  const past = render(<Pagination page={9} pages={3} href={href} />);
  expect(past).toContain('<a href="/search?q=a+b&amp;page=3" rel="prev">Previous</a>');
  expect(past).not.toContain('rel="next"');
});
