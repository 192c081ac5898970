import { expect, test } from "bun:test";
import { render } from "preact-render-to-string";
import { Timeline } from "./timeline.tsx";

const entries = [
  { status: "CREATED", at: "2026-03-12T14:03:00.000Z", reason: "order placed", details: {} },
  { status: "PAYMENT_FAILED", at: "2026-03-12T14:04:00.000Z", reason: "card <script>alert(1)</script>", details: {} },
] as const;

test("lists the changes oldest first with words, reason and a machine-readable time", () => {
  const html = render(<Timeline entries={[...entries]} />);
  expect(html.indexOf("Order received")).toBeLessThan(html.indexOf("Payment declined"));
  expect(html).toContain('<time datetime="2026-03-12T14:04:00.000Z" data-local>12 Mar 2026, 14:04:00 UTC</time>');
  expect(html).toContain('<li class="tone-problem">');
});

test("escapes the reason", () => {
  const html = render(<Timeline entries={[...entries]} />);
  expect(html).not.toContain("<script>");
  expect(html).toContain("card &lt;script>alert(1)&lt;/script>");
});
