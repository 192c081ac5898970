/** Home, category and product pages against a whole shop (seeded demo catalog, PGlite). */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startShop, type Shop } from "../../test/kit.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
}, 30_000);
afterAll(() => shop.stop());

async function get(path: string, currency?: string) {
  const res = await shop.app.request(path, { headers: currency ? { cookie: `currency=${currency}` } : {} });
  return { res, html: await res.text() };
}

describe("GET /", () => {
  test("links every category and shows the top-rated products, in the page shell", async () => {
    const { res, html } = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/html");
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    for (const [slug, name] of [["laptops", "Laptops"], ["home-kitchen", "Home &amp; Kitchen"], ["toys", "Toys"]]) {
      expect(html).toContain(`<a href="/c/${slug}">${name} `);
    }
    expect(html).toContain('<a href="/p/TOY-007">Plushwood Sleepy Fox</a>'); // rated 4.9, the best
    expect(html).toContain("4.9 out of 5");
    expect(html).toContain('action="/search"'); // the shell's search box
  });
});

describe("GET /c/:category", () => {
  test("lists the category's products with brand, price and stock filters but no category filter", async () => {
    const { res, html } = await get("/c/laptops");
    expect(res.status).toBe(200);
    expect(html).toContain("<h1>Laptops</h1>");
    expect(html).toContain("1–9 of 9 products");
    expect(html).toContain('<form method="get" action="/c/laptops"');
    expect(html).toContain('name="brand" value="Altair"');
    expect(html).not.toContain('name="category"');
    expect(html).toContain('href="/p/LAP-001"');
    expect(html).not.toContain('href="/p/PHN-001"');
  });

  test("filters within the category and keeps the choice checked", async () => {
    const { html } = await get("/c/laptops?brand=Altair&sort=price-desc");
    expect(html).toContain("1–2 of 2 products");
    expect(html).toContain('<input type="checkbox" name="brand" value="Altair" checked/>');
    expect(html.indexOf("/p/LAP-002")).toBeLessThan(html.indexOf("/p/LAP-001")); // $2,299 before $999
    expect(html).toContain('<option value="price-desc" selected>');
  });

  test("404 page for an unknown category, 400 naming a bad parameter, both in the usual header", async () => {
    const missing = await get("/c/spaceships");
    expect(missing.res.status).toBe(404);
    expect(missing.html).toContain("Not found");
    const bad = await get("/c/laptops?page=abc");
    expect(bad.res.status).toBe(400);
    expect(bad.html).toContain("page:");
    for (const { html } of [missing, bad]) expect(html).toContain('<form method="get" action="/search" role="search"');
  });
});

describe("GET /p/:sku", () => {
  test("name, brand, rating as words, price, pictures with alt text, description and live stock", async () => {
    const { res, html } = await get("/p/LAP-005");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    expect(html).toContain("<h1>Norrland Studio 14</h1>");
    expect(html).toContain("by Norrland");
    expect(html).toContain("4.8 out of 5");
    expect(html).toContain('<span class="price">$1,799.00</span>');
    expect(html).toContain("colour-calibrated OLED laptop");
    for (const n of [1, 2, 3]) expect(html).toContain(`<img src="/images/LAP-005-${n}.svg" alt="Norrland Studio 14, picture ${n} of 3"`);
    expect(html).toContain('<a href="/c/laptops">Laptops</a>');
    expect(html).toContain('<div class="stock-live" hx-sse:connect="/p/LAP-005/stream?buy=yes" hx-swap="none">');
    expect(html).toContain('<p id="stock-LAP-005" class="stock stock-low" role="status" data-stock="low">Only 7 left!</p>');
  });

  test("the add-to-cart form follows the cart's contract", async () => {
    const { html } = await get("/p/LAP-001");
    expect(html).toContain('<form method="post" action="/cart/items" hx-post="/cart/items" hx-target="#cart-message-LAP-001" hx-swap="innerHTML">');
    expect(html).toContain('<input type="hidden" name="sku" value="LAP-001"/>');
    expect(html).toContain('<label for="qty-LAP-001">Quantity</label>');
    expect(html).toMatch(/<input id="qty-LAP-001" type="number" name="qty" value="1" min="1" max="10"/);
    expect(html).toContain('<button type="submit">Add to cart</button>');
    expect(html).toContain('<p id="cart-message-LAP-001" role="status"></p>');
    expect(html).toContain(">In stock</p>");
  });

  test("out of stock: said so, and no form to add it, in the region the stream fills when it can be bought again", async () => {
    const { html } = await get("/p/LAP-009");
    expect(html).toContain(">Out of stock</p>");
    expect(html).not.toContain('action="/cart/items"');
    expect(html).toContain('<div id="buy-LAP-009" class="add-to-cart"><p class="muted">This product cannot be ordered right now.</p></div>');
    expect(html).toContain('hx-sse:connect="/p/LAP-009/stream?buy=no"');
  });

  test("404 page for an unknown product", async () => {
    const { res, html } = await get("/p/NOPE-404");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toStartWith("text/html");
    expect(html).toContain("Not found");
    expect(html).toContain('<a href="/cart">Cart');
  });
});

describe("prices in the visitor's currency", () => {
  test("JPY has no decimals, EUR has two; the same product, converted", async () => {
    const yen = await get("/p/LAP-001", "JPY");
    expect(yen.html).toContain('<span class="price">¥151,049</span>'); // 999.00 USD x 151.2
    expect(yen.html).not.toMatch(/¥[\d,]+\.\d/);
    const euro = await get("/p/LAP-001", "EUR");
    expect(euro.html).toContain('<span class="price">€919.08</span>');
    const listing = await get("/c/laptops", "JPY");
    expect(listing.html).toContain("¥151,049");
    expect(listing.html).toContain("¥75,600 to ¥151,200"); // the $500-1000 bucket, converted
    const home = await get("/", "JPY");
    expect(home.html).toMatch(/<span class="price">¥[\d,]+<\/span>/);
    expect(home.html).not.toContain('<span class="price">$');
  });

  test("an unknown currency cookie falls back to dollars", async () => {
    expect((await get("/p/LAP-001", "XYZ")).html).toContain('<span class="price">$999.00</span>');
  });
});

describe("the storefront reads catalog.categories", () => {
  test("a category's page and its products' links keep its address through a rename; search facets list categories in the admins' order", async () => {
    const admin = await shop.token("admin", "cat-pages-ada");
    const as = (method: string, path: string, body?: unknown) => shop.call(method, path, { token: admin, body });
    expect((await as("POST", "/api/admin/categories", { name: "Zeta Things", slug: "zeta-things", position: 1 })).status).toBe(201);
    expect((await as("POST", "/api/admin/categories", { name: "Alpha Things", slug: "alpha-things", position: 2 })).status).toBe(201);
    for (const [sku, name, category] of [["QSR-1", "Quasar One", "zeta-things"], ["QSR-2", "Quasar Two", "alpha-things"]]) {
      const made = await as("POST", "/api/admin/products", { sku, name, description: "Made by a test.", brand: "Quasarco", category, price: 1000, lowStockThreshold: 1 });
      expect(made.status).toBe(201);
    }
    expect((await as("PATCH", "/api/admin/categories/zeta-things", { name: "Zeta Gizmos" })).status).toBe(200);

    const page = await get("/c/zeta-things");
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("<h1>Zeta Gizmos</h1>");
    expect(page.html).toContain('href="/p/QSR-1"');
    expect((await get("/p/QSR-1")).html).toContain('<a href="/c/zeta-things">Zeta Gizmos</a>');
    const home = (await get("/")).html;
    expect(home.indexOf('href="/c/zeta-things"')).toBeLessThan(home.indexOf('href="/c/alpha-things"'));
    const search = (await get("/search?q=quasar")).html;
    expect(search).toContain('name="category" value="Zeta Gizmos"');
    expect(search.indexOf('value="Zeta Gizmos"')).toBeLessThan(search.indexOf('value="Alpha Things"')); // the admins' order, not the alphabet
  });
});

describe("pages kept as rendered", () => {
  test("a page served again after a price change, a stock change and a rename shows each change at once", async () => {
    const admin = await shop.token("admin", "kept-pages-ada");
    const as = (method: string, path: string, body?: unknown) => shop.call(method, path, { token: admin, body });
    expect((await as("POST", "/api/admin/products", { sku: "KPT-1", name: "Kept Lamp", description: "Made by a test.", brand: "Keptco", category: "laptops", price: 4_200, lowStockThreshold: 1 })).status).toBe(201);
    const pages = ["/p/KPT-1", "/c/laptops", "/search?q=kept"];
    for (const path of pages) expect((await get(path)).html).toContain("$42.00");
    expect((await get("/p/KPT-1")).html).toContain(">Out of stock</p>");

    expect((await as("PATCH", "/api/admin/products/KPT-1", { price: 5_100, name: "Kept Lantern" })).status).toBe(200);
    for (const path of pages) {
      const { html } = await get(path);
      expect(html).toContain("$51.00");
      expect(html).toContain("Kept Lantern");
      expect(html).not.toContain("$42.00");
    }

    expect((await as("POST", "/api/admin/products/KPT-1/stock", { warehouse: "BER", delta: 5, reason: "restock" })).status).toBe(200);
    expect((await get("/p/KPT-1")).html).toContain(">Only 5 left!</p>");
  });
});
