/** Generated product pictures, and a product whose name is markup, against a whole shop. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { products, stock } from "../../db/schema.ts";
import { startShop, type Shop } from "../../test/kit.ts";

const EVIL = "<script>alert(1)</script>";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
  const db = shop.sys.database.db;
  await db.insert(products).values({
    sku: "XSS-001", name: EVIL, category: "Toys", brand: `"Quote" & <b>Co</b>`, description: `Try ${EVIL} & 'quotes'`,
    price: 1234, rating: 1.5, images: ["/images/XSS-001-1.svg", "/images/XSS-001-2.svg"],
  });
  await db.insert(stock).values({ sku: "XSS-001", warehouse: "BER", onHand: 3, reserved: 0 });
  await shop.sys.search.refreshTerms();
}, 30_000);
afterAll(() => shop.stop());

const get = (path: string, headers: Record<string, string> = {}) => shop.app.request(path, { headers });

describe("GET /images/:file", () => {
  test("an SVG per product and picture, with long caching, its type and nosniff", async () => {
    const res = await get("/images/LAP-001-1.svg");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=604800");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const svg = await res.text();
    expect(svg).toStartWith('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain(">Altair Air 13</tspan>");
    expect(await (await get("/images/LAP-001-1.svg")).text()).toBe(svg); // deterministic
    expect(await (await get("/images/LAP-001-2.svg")).text()).not.toBe(svg);
  });

  test("a matching ETag gets 304", async () => {
    const etag = (await get("/images/PHN-001-2.svg")).headers.get("etag");
    expect(etag).toBeTruthy();
    const again = await get("/images/PHN-001-2.svg", { "if-none-match": etag ?? "" });
    expect(again.status).toBe(304);
  });

  test("404 for files no product lists", async () => {
    // LAP-003 is the third product: it has two pictures, not three
    for (const file of ["LAP-003-3.svg", "LAP-001-0.svg", "NOPE-1.svg", "LAP-001-1.png", "LAP-001.svg", "..%2Fsecret-1.svg"]) {
      expect((await get(`/images/${file}`)).status).toBe(404);
    }
    expect((await get("/images/LAP-003-2.svg")).status).toBe(200);
  });
});

describe("a product named like markup is only ever text", () => {
  test("on the product page", async () => {
    const res = await get("/p/XSS-001");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1>&lt;script>alert(1)&lt;/script></h1>");
    expect(html).toContain("by &quot;Quote&quot; &amp; &lt;b>Co&lt;/b>");
    expect(html).toContain('alt="&lt;script>alert(1)&lt;/script>, picture 1 of 2"');
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<b>Co");
  });

  test("in search results and suggestions", async () => {
    // Postgres's text parser skips what is inside <script> tags, so find it by its brand
    const html = await (await get("/search?q=quote")).text();
    expect(html).toContain('<a href="/p/XSS-001">&lt;script>alert(1)&lt;/script></a>');
    expect(html).not.toContain("<script>alert");
    const fragment = await (await get("/search/suggest?q=quot")).text();
    expect(fragment).toContain("&lt;script>alert(1)&lt;/script>");
    expect(fragment).not.toContain("<script");
  });

  test("in its SVG picture: escaped, and no script element", async () => {
    const svg = await (await get("/images/XSS-001-1.svg")).text();
    expect(svg).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(svg).not.toMatch(/<script|\son[a-z]+=|javascript:|href=/i);
  });
});
