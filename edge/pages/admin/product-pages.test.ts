/** The catalog's console pages against a real shop: who may, every field named on the forms, pictures, archive, categories. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import sharp from "sharp";
import { startShop, type Shop } from "../../../test/kit.ts";
import { visitor } from "../../../test/visitor.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

const admin = () => visitor(shop).signIn("pp-ada", "admin");
const form = (over: Record<string, string> = {}) => ({
  sku: "PG-1", name: "Page Product", brand: "Pageco", category: "books", price: "12.50", lowStockThreshold: "3", description: "From a form.", ...over,
});

describe("who may", () => {
  const gets = ["/admin/products", "/admin/products/new", "/admin/products/AUD-001", "/admin/categories", "/admin/categories/audio"];
  const posts = ["/admin/products", "/admin/products/AUD-001", "/admin/products/AUD-001/archive", "/admin/products/AUD-001/images",
    "/admin/categories", "/admin/categories/audio", "/admin/categories/audio/move", "/admin/categories/books/delete"];
  test("a guest is sent to sign in (401 for a post); a customer gets 403; nothing changes", async () => {
    for (const path of gets) {
      const guest = await visitor(shop).get(path);
      expect([path, guest.status, guest.headers.get("location")?.startsWith("/login?next=")]).toEqual([path, 303, true]);
      expect([path, (await (await visitor(shop).signIn("pp-eve")).get(path)).status]).toEqual([path, 403]);
    }
    for (const path of posts) {
      expect([path, (await visitor(shop).post(path, form())).status]).toEqual([path, 401]);
      expect([path, (await (await visitor(shop).signIn("pp-eve")).post(path, { ...form(), direction: "up" })).status]).toEqual([path, 403]);
    }
    expect((await shop.call("GET", "/api/products/AUD-001")).status).toBe(200);
    expect((await shop.call("GET", "/api/products/PG-1")).status).toBe(404);
  });
});

describe("the product form", () => {
  test("every problem is named beside its field and in the summary, in the form's order; the text typed stays", async () => {
    const page = await admin();
    const res = await page.post("/admin/products", form({ sku: "bad sku", name: "", brand: "", category: "", price: "12,50", lowStockThreshold: "-1" }));
    expect(res.status).toBe(400);
    const html = await res.text();
    const start = html.indexOf('class="error-summary"');
    const summary = html.slice(start, html.indexOf("</ul>", start));
    const named = [...summary.matchAll(/href="#product-(\w+)"/g)].map((m) => m[1]);
    expect(named).toEqual(["sku", "name", "brand", "category", "price", "lowStockThreshold"]);
    for (const field of named) expect(html).toContain(`id="product-${field}-error"`);
    expect(html).toContain('value="12,50"');
    expect((await shop.call("GET", "/api/products/PG-1")).status).toBe(404);
  });

  test("create, edit (the SKU stays), a taken SKU, a picture, archive and restore", async () => {
    const page = await admin();
    const created = await page.post("/admin/products", form());
    expect([created.status, created.headers.get("location")]).toEqual([303, "/admin/products/PG-1?done=created"]);
    expect((await shop.call("GET", "/api/products/PG-1")).json).toMatchObject({ name: "Page Product", price: 1250, category: "Books" });
    const taken = await page.post("/admin/products", form());
    expect(taken.status).toBe(400);
    expect(await taken.text()).toContain("PG-1 is already a product");
    const edited = await page.post("/admin/products/PG-1", form({ sku: "PG-2", price: "13" }));
    expect(edited.status).toBe(303);
    expect((await shop.call("GET", "/api/products/PG-1")).json.price).toBe(1300);
    expect((await shop.call("GET", "/api/products/PG-2")).status).toBe(404);

    const upload = async (bytes: Uint8Array) => {
      const body = new FormData();
      body.append("image", new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "image/jpeg" }), "p.jpg");
      return shop.app.request("/admin/products/PG-1/images", { method: "POST", body, headers: { cookie: `session=${await shop.token("admin", "pp-ada")}`, "sec-fetch-site": "same-origin" } });
    };
    const wrong = await upload(new TextEncoder().encode("<svg></svg>"));
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("Picture: only PNG, JPEG or WebP pictures can be uploaded");
    const jpeg = await sharp({ create: { width: 300, height: 300, channels: 3, background: "#c33" } }).jpeg().toBuffer();
    expect((await upload(jpeg)).status).toBe(303);
    expect((await shop.call("GET", "/api/products/PG-1")).json.images[0]).toMatch(/^\/images\/u\//);

    expect((await page.post("/admin/products/PG-1/archive", { reason: "end of line" })).headers.get("location")).toBe("/admin/products/PG-1?done=archived");
    expect((await shop.call("GET", "/api/products/PG-1")).status).toBe(404);
    const list = await (await page.get("/admin/products?state=archived&q=PG-1")).text();
    expect(list).toContain('id="product-PG-1"');
    await page.post("/admin/products/PG-1/restore", { reason: "back" });
    expect((await shop.call("GET", "/api/products/PG-1")).status).toBe(200);
  });
});

describe("the category pages", () => {
  test("create with problems named, nest, move, refuse deleting one in use, delete an empty one", async () => {
    const page = await admin();
    const bad = await page.post("/admin/categories", { name: "", slug: "Not A Slug", parent: "", position: "x" });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    for (const field of ["name", "slug", "position"]) expect(html).toContain(`href="#category-${field}"`);
    expect((await page.post("/admin/categories", { name: "Games", slug: "games", parent: "", position: "" })).status).toBe(303);
    expect((await page.post("/admin/categories", { name: "Board games", slug: "board-games", parent: "games", position: "" })).status).toBe(303);
    const deep = await page.post("/admin/categories", { name: "Chess", slug: "chess", parent: "board-games", position: "" });
    expect(deep.status).toBe(400);
    expect(await deep.text()).toContain("categories nest one level only");
    const inUse = await page.post("/admin/categories/books/delete");
    expect(inUse.status).toBe(409);
    expect(await inUse.text()).toContain("still has");
    expect((await page.post("/admin/categories/board-games/move", { direction: "up" })).status).toBe(303);
    expect((await page.post("/admin/categories/board-games/delete")).status).toBe(303);
    expect((await shop.call("GET", "/api/admin/categories", { token: await shop.token("admin") })).json.categories.map((c: { slug: string }) => c.slug)).not.toContain("board-games");
  });
});
