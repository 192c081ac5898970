import { expect, test } from "bun:test";
import { escapeXml, productSvg } from "./product-image.ts";

const fox = { sku: "TOY-007", name: "Plushwood Sleepy Fox", category: "Toys" };

test("the same product and number always draw the same picture; other numbers differ", () => {
  expect(productSvg(fox, 1)).toBe(productSvg({ ...fox }, 1));
  expect(productSvg(fox, 2)).not.toBe(productSvg(fox, 1));
  expect(productSvg({ ...fox, sku: "TOY-008" }, 1)).not.toBe(productSvg(fox, 1));
});

test("long names wrap onto at most three lines and are cut with an ellipsis", () => {
  const svg = productSvg({ ...fox, name: "An Extraordinarily Long Product Name That Keeps Going And Going Forever" }, 1);
  const lines = [...svg.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
  expect(lines).toHaveLength(3);
  expect(lines[2]).toEndWith("…");
});

test("names are XML-escaped; characters XML forbids are dropped", () => {
  const svg = productSvg({ ...fox, name: `<script>alert("x")</script> & 'co'\u0001` }, 1);
  expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;co&apos;");
  expect(svg).not.toContain("<script");
  expect(svg).not.toContain("\u0001");
  expect(escapeXml(`a<b>&"'`)).toBe("a&lt;b&gt;&amp;&quot;&apos;");
});
