import { expect, test } from "bun:test";
import { render } from "preact-render-to-string";
import { Rating } from "./rating.tsx";

const filled = (html: string) => Number(/<svg width="([\d.]+)"/.exec(html)?.[1]);

test("the stars fill to the exact rating: 4.9 is not four stars, nor five", () => {
  // four cells of 24, then 90% of the fifth star's 20 units (it starts 2 into its cell)
  expect(filled(render(<Rating value={4.9} />))).toBe(116);
  expect(filled(render(<Rating value={4} />))).toBe(96);
  expect(filled(render(<Rating value={4.1} />))).toBe(100);
  expect(filled(render(<Rating value={0.5} />))).toBe(12);
  expect(filled(render(<Rating value={5} />))).toBe(120);
});

test("reads as the figure, the picture hidden from screen readers; out-of-range values stay inside the row", () => {
  const html = render(<Rating value={4.9} />);
  expect(html).toContain('<span class="rating-text">4.9 out of 5</span>');
  expect(html).toContain('aria-hidden="true"');
  expect(html).not.toContain("style=");
  expect(filled(render(<Rating value={7} />))).toBe(120);
  expect(filled(render(<Rating value={-1} />))).toBe(0);
});
