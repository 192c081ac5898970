import { describe, expect, test } from "bun:test";
import { CART_TTL_MS, checkLineQty, expired, mergedQty, orderLines, priceCart, type CartLine } from "./cart-rules.ts";

const line = (over: Partial<CartLine> = {}): CartLine => ({
  sku: "LAP-001", name: "Altair Air 13", qty: 2, snapshot: 99900, price: 99900, available: 42, sold: true, ...over,
});
const EUR = { code: "EUR", minorUnits: 2, rate: "0.92000000" };
const JPY = { code: "JPY", minorUnits: 0, rate: "151.20000000" };
const USD = { code: "USD", minorUnits: 2, rate: "1.00000000" };

describe("priceCart", () => {
  test.each([
    // rate, unit price, subtotal of 2 x 999.00 USD + 1 x 17.99 USD
    ["USD", USD, 99900, 2 * 99900 + 1799],
    ["EUR", EUR, 91908, 2 * 91908 + 1655], // 919.08 EUR; 17.99 x 0.92 = 16.5508 -> 16.55
    ["JPY", JPY, 151049, 2 * 151049 + 2720], // 151048.8 -> 151049 yen; 17.99 x 151.2 = 2720.088 -> 2720
  ])("in %s: each unit price converted once, subtotal = sum of unit x qty", (_, rate, unit, subtotal) => {
    const cart = priceCart([line(), line({ sku: "BOK-002", name: "The Quiet Orchard", qty: 1, snapshot: 1799, price: 1799 })], rate);
    expect(cart).toMatchObject({ currency: rate.code, subtotal, count: 3 });
    expect(cart.lines[0]).toMatchObject({ unitPrice: unit, lineTotal: 2 * unit, was: null, short: false });
  });

  test("a changed price shows what it was, in the same currency", () => {
    const [cheaper] = priceCart([line({ snapshot: 109900 })], EUR).lines;
    expect(cheaper).toMatchObject({ unitPrice: 91908, was: 101108 });
  });

  test("a line the stock no longer covers is marked short", () => {
    expect(priceCart([line({ qty: 3, available: 2 })], USD).lines[0]?.short).toBe(true);
  });
});

describe("quantities", () => {
  test.each([
    // had, adding, available -> merged
    [0, 3, 42, 3],
    [5, 8, 150, 10], // the per-product maximum
    [4, 5, 7, 7], // the free stock
    [6, 2, 3, 6], // never lowers what the customer had
    [0, 2, 0, 0],
  ])("merge had %i + %i with %i free -> %i", (had, adding, available, want) => {
    expect(mergedQty(had, adding, available)).toBe(want);
  });

  test.each([
    [11, 42, 0, "at most 10 of Altair Air 13"],
    [3, 0, 0, "Altair Air 13 is out of stock"],
    [3, 2, 0, "Only 2 of Altair Air 13 left."],
    [3, 2, 1, "Only 2 of Altair Air 13 left (you already have 1 in your cart)."],
  ])("%i units with %i free (had %i) -> %p", (qty, available, had, message) => {
    expect(() => checkLineQty({ name: "Altair Air 13", available }, qty, had)).toThrow(message);
  });

  test("10 units with enough stock pass", () => {
    expect(() => checkLineQty({ name: "x", available: 10 }, 10)).not.toThrow();
  });
});

describe("orderLines", () => {
  test("the ordered skus and quantities", () => {
    expect(orderLines([line(), line({ sku: "B", qty: 1 })])).toEqual([{ sku: "LAP-001", qty: 2 }, { sku: "B", qty: 1 }]);
  });

  test("an empty cart and changed stock are refused with a message that says what to do", () => {
    expect(() => orderLines([])).toThrow("Your cart is empty");
    expect(() => orderLines([line({ qty: 3, available: 1 }), line({ sku: "B", name: "Mug", available: 0 })]))
      .toThrow("Stock changed: only 1 of Altair Air 13 left; Mug is sold out. Please update your cart.");
  });

  test("an archived product in the cart is named with its SKU, before any stock problem; it is not 'short', whatever its stock", () => {
    const refused = () => orderLines([line({ qty: 3, available: 1 }), line({ sku: "MUG-1", name: "Mug", sold: false })]);
    expect(refused).toThrow("Mug (MUG-1) is no longer sold: remove it from your cart to check out.");
    try {
      refused();
    } catch (err) {
      expect((err as { code?: string }).code).toBe("NOT_SOLD");
    }
    expect(priceCart([line({ sold: false, available: 0 })], USD).lines[0]!.short).toBe(false);
  });
});

test("a cart expires 7 days after its last change, not before", () => {
  const at = new Date("2030-01-01T00:00:00Z");
  expect(expired(at, new Date(at.getTime() + CART_TTL_MS))).toBe(false);
  expect(expired(at, new Date(at.getTime() + CART_TTL_MS + 1))).toBe(true);
});
