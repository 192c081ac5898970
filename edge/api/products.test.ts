/** Public product reads priced in a chosen currency, against a real shop. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { convert } from "../../actors/money/currency.ts";
import { startShop, type Shop } from "../../test/kit.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

type Priced = { sku: string; price: number; basePrice: number; currency: string };
type Pricing = { currency: string; minorUnits: number; rate: string; base: string };

describe("?currency", () => {
  test("without it prices stay in USD cents and say so", async () => {
    const res = await shop.call("GET", "/api/products?limit=3");
    expect(res.status).toBe(200);
    const { products, pricing } = res.json as { products: Priced[]; pricing: Pricing };
    expect(pricing).toMatchObject({ currency: "USD", minorUnits: 2, base: "USD" });
    for (const p of products) expect(p).toMatchObject({ currency: "USD", price: p.basePrice });
  });

  test.each(["EUR", "JPY", "gbp"])("the list, one product and search are priced in %s with its rate and minor units", async (asked) => {
    const rate = await shop.sys.currencies.rate(asked.toUpperCase());
    const list = await shop.call("GET", `/api/products?limit=5&currency=${asked}`);
    expect(list.status).toBe(200);
    const { products, pricing } = list.json as { products: Priced[]; pricing: Pricing };
    expect(pricing).toEqual({ currency: rate.code, minorUnits: rate.minorUnits, rate: rate.rate, base: "USD" });
    expect(products.length).toBeGreaterThan(0);
    for (const p of products) expect(p).toMatchObject({ currency: rate.code, price: convert(p.basePrice, rate) });

    const one = await shop.call("GET", `/api/products/${products[0]!.sku}?currency=${asked}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ sku: products[0]!.sku, currency: rate.code, price: products[0]!.price, basePrice: products[0]!.basePrice, pricing });

    const found = await shop.call("GET", `/api/products/search?q=&currency=${asked}`);
    expect(found.status).toBe(200);
    const s = found.json as { items: Priced[]; pricing: Pricing };
    expect(s.pricing).toEqual(pricing);
    for (const p of s.items) expect(p).toMatchObject({ currency: rate.code, price: convert(p.basePrice, rate) });
  });

  test("JPY has no minor units: whole yen", async () => {
    const { products } = (await shop.call("GET", "/api/products?limit=1&currency=JPY")).json as { products: Priced[] };
    const rate = await shop.sys.currencies.rate("JPY");
    expect(products[0]!.price).toBe(Math.round((products[0]!.basePrice / 100) * Number(rate.rate)));
  });

  test.each(["/api/products", "/api/products/AUD-001", "/api/products/search"])("an unknown currency on %s is a 400 naming it", async (path) => {
    for (const bad of ["XYZ", "EURO", "1"]) {
      const res = await shop.call("GET", `${path}?currency=${bad}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.json)).toContain(bad);
      expect(JSON.stringify(res.json)).toContain("currency");
    }
  });
});
