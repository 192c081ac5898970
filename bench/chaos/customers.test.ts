import { expect, test } from "bun:test";
import { CARDS, planOrder, POSTAL_CODES } from "./customers.ts";

const opts = { seed: 3, customers: 200, edges: 2 };
const catalog = { skus: ["A", "B", "C", "D"], scarce: ["S1", "S2"] };
const plans = Array.from({ length: 2000 }, (_, i) => planOrder(opts, catalog, i));

test("an order's plan depends on the seed and its number only", () => {
  expect(planOrder(opts, catalog, 17)).toEqual(plans[17]!);
  expect(planOrder({ ...opts, seed: 4 }, catalog, 17)).not.toEqual(plans[17]!);
});

test("2,000 orders use every card, every destination, both edges, scarce products, duplicates and cancels", () => {
  for (const [card] of CARDS) expect(plans.some((p) => p.card === card)).toBe(true);
  for (const [code] of POSTAL_CODES) expect(plans.some((p) => p.postalCode === code)).toBe(true);
  expect(new Set(plans.map((p) => p.edge))).toEqual(new Set([0, 1]));
  expect(plans.some((p) => p.items.some((l) => l.sku.startsWith("S")))).toBe(true);
  expect(plans.filter((p) => p.duplicate === "together").length).toBeGreaterThan(50);
  expect(plans.filter((p) => p.duplicate === "after").length).toBeGreaterThan(50);
  expect(plans.filter((p) => p.cancelAfterMs !== null).length).toBeGreaterThan(150);
  expect(new Set(plans.map((p) => p.customer)).size).toBeGreaterThan(150);
});

test("keys are unique, lines name a SKU once with a positive quantity", () => {
  expect(new Set(plans.map((p) => p.key)).size).toBe(plans.length);
  for (const p of plans) {
    expect(new Set(p.items.map((l) => l.sku)).size).toBe(p.items.length);
    for (const l of p.items) expect(l.qty).toBeGreaterThan(0);
  }
});
