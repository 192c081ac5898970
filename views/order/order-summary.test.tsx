import { expect, test } from "bun:test";
import { render } from "preact-render-to-string";
import { OrderSummary } from "./order-summary.tsx";

test("shows each item with its line amount and the order total in the order's currency", () => {
  const items = [
    { sku: "MUG-1", name: "Mug <b>", qty: 2, unitPrice: 1499 },
    { sku: "TEA-7", name: "Green tea", qty: 1, unitPrice: 500 },
  ];
  const html = render(<OrderSummary items={items} total={3498} currency="EUR" />);
  expect(html).toContain("Mug &lt;b>");
  expect(html).toContain("> €14.99 each</span>");
  expect(html).toContain('<td class="num">€29.98</td>');
  expect(html).toContain('<td class="num total">€34.98</td>');
});
