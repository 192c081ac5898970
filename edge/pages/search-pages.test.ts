/** /search, /search/suggest and /api/products/search against a whole shop (seeded demo catalog). */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startShop, type Shop } from "../../test/kit.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
}, 30_000);
afterAll(() => shop.stop());

async function get(path: string) {
  const res = await shop.app.request(path);
  return { res, html: await res.text() };
}

describe("GET /search", () => {
  test("'lapto' finds the laptops; the count, facets and the query in the box", async () => {
    const { res, html } = await get("/search?q=lapto");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    expect(html).toContain("Results for “lapto”");
    expect(html).toContain("1–9 of 9 products");
    expect(html).toContain('<input type="checkbox" name="category" value="Laptops"/> Laptops <span class="facet-count">(9)</span>');
    expect(html).toContain('id="site-search" type="search" name="q" value="lapto"');
    expect(html).not.toContain("Showing results for");
  });

  test("a corrected query is shown with what was typed", async () => {
    const { html } = await get("/search?q=hedphones");
    expect(html).toContain("Showing results for <strong>headphones</strong> (you searched for <em>hedphones</em>)");
    expect(html.indexOf("/p/AUD-001")).toBeGreaterThan(0);
  });

  test("facet choices combine: brands are alternatives, checked in the form; counts keep other brands", async () => {
    const { html } = await get("/search?brand=Sonora&brand=Halden&sort=price-asc");
    expect(html).toContain("1–5 of 5 products");
    expect(html).toContain('name="brand" value="Sonora" checked/>');
    expect(html).toContain('name="brand" value="Halden" checked/>');
    expect(html).toContain('<input type="checkbox" name="brand" value="Brio"/> Brio <span class="facet-count">(2)</span>');
    expect(html.indexOf("/p/AUD-002")).toBeLessThan(html.indexOf("/p/AUD-007")); // $179 before $599
  });

  test("in stock only leaves out what cannot be bought", async () => {
    const all = await get("/search?q=espresso");
    expect(all.html).toContain("1–2 of 2 products");
    expect(all.html).toContain("/p/HOM-010"); // the espresso machine, out of stock
    const inStock = await get("/search?q=espresso&stock=in");
    expect(inStock.html).toContain("1–1 of 1 product");
    expect(inStock.html).not.toContain("/p/HOM-010");
    expect(inStock.html).toContain("/p/HOM-004");
    expect(inStock.html).toContain('name="stock" value="in" checked');
  });

  test("20 per page with page links that keep the filters", async () => {
    const first = await get("/search?sort=rating");
    expect(first.html).toContain("1–20 of 64 products");
    expect(first.html).toContain('<a href="/search?sort=rating&amp;page=2" rel="next">Next</a>');
    expect(first.html).toContain('<span aria-current="page" class="current">1</span>');
    const last = await get("/search?sort=rating&page=4");
    expect(last.html).toContain("61–64 of 64 products");
    expect(last.html).toContain('<a href="/search?sort=rating&amp;page=3" rel="prev">Previous</a>');
    expect(last.html).not.toContain('rel="next"');
  });

  test("blank fields from a submitted form are fine", async () => {
    const { res, html } = await get("/search?q=&category=&brand=&price=&stock=&sort=&page=");
    expect(res.status).toBe(200);
    expect(html).toContain("All products");
  });

  test("400 page naming the bad parameter", async () => {
    for (const [query, name] of [["price=cheap", "price"], ["sort=random", "sort"], ["page=0", "page"], ["stock=yes", "stock"], [`q=${"x".repeat(101)}`, "q"]]) {
      const { res, html } = await get(`/search?${query}`);
      expect(res.status).toBe(400);
      expect(html).toContain(`Please check the address: ${name}`);
    }
  });
});

describe("GET /search/suggest", () => {
  test("a fragment of product links for a prefix with a typo, and a link to all results", async () => {
    const { res, html } = await get("/search/suggest?q=hedph");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    expect(html).not.toContain("<html");
    expect(html).toContain('<a href="/p/AUD-001">Sonora Quiet 700 Headphones <span class="muted">in Audio</span></a>');
    expect(html).toContain('<a href="/search?q=hedph">See all results for “hedph”</a>');
    expect((html.match(/href="\/p\//g) ?? []).length).toBeLessThanOrEqual(8);
  });

  test("nothing for an empty box; 400 for an over-long one", async () => {
    expect((await get("/search/suggest?q=")).html).toBe("");
    expect((await get(`/search/suggest?q=${"y".repeat(101)}`)).res.status).toBe(400);
  });

  test("the search box asks for suggestions as the customer types, and still works as a form", async () => {
    const { html } = await get("/");
    expect(html).toContain('<form method="get" action="/search" role="search" class="search-box">');
    expect(html).toMatch(/<input id="site-search"[^>]* aria-controls="search-suggestions"[^>]* hx-get="\/search\/suggest" hx-trigger="input changed delay:200ms" hx-target="#search-suggestions"/);
    expect(html).toContain('<div id="search-suggestions" class="suggestions" aria-live="polite"></div>');
  });
});

describe("GET /api/products/search", () => {
  test("items, facets, total, page and the corrected query as JSON", async () => {
    const res = await shop.call("GET", "/api/products/search?q=hedphones&sort=price-asc");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ total: 3, page: 1, pages: 1, pageSize: 20, sort: "price-asc", correctedQuery: "headphones" });
    expect(res.json.items.map((i: { sku: string }) => i.sku)).toEqual(["AUD-008", "AUD-001", "PHN-004"]);
    expect(res.json.items[0]).toMatchObject({ name: "Tono USB Microphone", price: 12900, currency: "USD", available: 75 });
    // in the admins' order of catalog.categories (the demo's: Laptops, Phones, Audio, ...)
    expect(res.json.facets.category).toEqual([
      { value: "Phones", count: 1, selected: false }, { value: "Audio", count: 2, selected: false },
    ]);
  });

  test("400 JSON naming the parameter; the older routes still answer", async () => {
    const bad = await shop.call("GET", "/api/products/search?price=cheap");
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe("price[0]");
    expect((await shop.call("GET", "/api/products?category=Books&limit=2")).json.products).toHaveLength(2);
    expect((await shop.call("GET", "/api/products/LAP-001")).json).toMatchObject({ sku: "LAP-001", available: 42 });
  });
});
