/** The catalog admin API against a real shop: validation, archive semantics, categories, uploads, prices vs orders and carts, events, audit. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import sharp from "sharp";
import { auditLog, log, outbox, productImages } from "../../db/schema.ts";
import { ADDRESS, startShop, waitUntil, type Shop } from "../../test/kit.ts";
import { visitor } from "../../test/visitor.ts";

let shop: Shop;
let admin: string;
beforeAll(async () => {
  shop = await startShop();
  admin = await shop.token("admin", "cat-ada");
});
afterAll(() => shop.stop());

const good = (sku: string, over: Record<string, unknown> = {}) => ({
  sku, name: `Test ${sku}`, description: "A product made by a test.", brand: "Testbrand", category: "audio", price: 12_345, lowStockThreshold: 5, ...over,
});
const as = (method: string, path: string, body?: unknown, token = admin) => shop.call(method, path, { token, body });
const create = async (sku: string, over: Record<string, unknown> = {}) => {
  const res = await as("POST", "/api/admin/products", good(sku, over));
  expect(res.status).toBe(201);
  return res.json;
};
const restock = (sku: string, delta = 20) => as("POST", `/api/admin/products/${sku}/stock`, { delta, reason: "test" });
const imageCount = async (sku: string) => (await shop.sys.database.db.select({ n: sql<number>`count(*)::int` }).from(productImages).where(eq(productImages.sku, sku)))[0]!.n;

describe("who may", () => {
  const routes: [string, string, unknown?][] = [
    ["GET", "/api/admin/products"], ["GET", "/api/admin/products/AUD-001"], ["POST", "/api/admin/products", good("WHO-1")],
    ["PATCH", "/api/admin/products/AUD-001", { price: 1 }], ["POST", "/api/admin/products/AUD-001/archive"],
    ["POST", "/api/admin/products/AUD-001/restore"], ["POST", "/api/admin/products/AUD-001/images"],
    ["GET", "/api/admin/categories"], ["POST", "/api/admin/categories", { name: "Who", slug: "who" }],
    ["PATCH", "/api/admin/categories/audio", { name: "x" }], ["POST", "/api/admin/categories/audio/move", { direction: "up" }],
    ["DELETE", "/api/admin/categories/audio"],
  ];
  test("guests get 401 and customers 403 on every route, and nothing changes", async () => {
    const customer = await shop.token("customer", "cat-eve");
    for (const [method, path, body] of routes) {
      expect({ path, status: (await shop.call(method, path, { body })).status }).toEqual({ path, status: 401 });
      expect({ path, status: (await as(method, path, body, customer)).status }).toEqual({ path, status: 403 });
    }
    expect((await shop.call("GET", "/api/products/WHO-1")).status).toBe(404);
    expect((await shop.call("GET", "/api/products/AUD-001")).status).toBe(200);
  });
});

describe("validation names the field", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["sku", { sku: "lower case" }], ["sku", { sku: "" }], ["name", { name: "" }], ["name", { name: "x".repeat(121) }],
    ["name", { name: "bell\u0007" }], ["description", { description: 5 }], ["brand", { brand: "  " }],
    ["category", { category: "No Such" }], ["category", { category: "no-such-category" }], ["price", { price: -1 }],
    ["price", { price: 1.5 }], ["price", { price: "12" }], ["lowStockThreshold", { lowStockThreshold: -3 }],
  ];
  for (const [field, over] of cases) {
    test(`${field}: ${JSON.stringify(over)}`, async () => {
      const res = await as("POST", "/api/admin/products", good("VAL-1", over));
      expect(res.status).toBe(400);
      expect(res.json.field).toBe(field);
      expect(res.json.error).toStartWith(field);
    });
  }
  test("an unknown field, a missing one, a SKU change and a bad path SKU are refused; nothing was created", async () => {
    expect((await as("POST", "/api/admin/products", { ...good("VAL-1"), colour: "red" })).status).toBe(400);
    const { price: _price, ...missing } = good("VAL-1");
    expect((await as("POST", "/api/admin/products", missing)).json.field).toBe("price");
    await create("VAL-2");
    const renamed = await as("PATCH", "/api/admin/products/VAL-2", { sku: "VAL-3" });
    expect([renamed.status, renamed.json.field]).toEqual([400, "sku"]);
    expect((await as("PATCH", "/api/admin/products/bad%20sku", { price: 1 })).json.field).toBe("sku");
    expect((await as("GET", "/api/admin/products/VAL-1")).status).toBe(404);
    expect((await as("POST", "/api/admin/products", good("VAL-2"))).json.code).toBe("SKU_TAKEN");
  });
});

describe("products", () => {
  test("a new product is on the storefront, in search and its category, announced on catalog.events and audited", async () => {
    const p = await create("NEW-QUOKKA", { name: "Quokka Speaker", brand: "Marsupial" });
    expect(p).toMatchObject({ sku: "NEW-QUOKKA", category: "Audio", categorySlug: "audio", archived: false, images: ["/images/NEW-QUOKKA-1.svg"], available: 0 });
    expect((await shop.call("GET", "/api/products/NEW-QUOKKA")).json.name).toBe("Quokka Speaker");
    const found = await shop.call("GET", "/api/products/search?q=quokka");
    expect(found.json.items.map((i: { sku: string }) => i.sku)).toEqual(["NEW-QUOKKA"]);
    const typo = await shop.call("GET", "/api/products/search?q=marsupail");
    expect(typo.json.items.map((i: { sku: string }) => i.sku)).toContain("NEW-QUOKKA");
    const rows = await shop.sys.database.db.select().from(outbox).where(eq(outbox.key, "NEW-QUOKKA"));
    expect(rows.map((r) => [r.topic, r.type])).toEqual([["catalog.events", "catalog.ProductCreated.v1"]]);
    expect(JSON.parse(rows[0]!.message).payload).toEqual({ sku: "NEW-QUOKKA", name: "Quokka Speaker", category: "Audio", brand: "Marsupial", price: 12_345, lowStockThreshold: 5 });
    // the relay puts it on the log, keyed by SKU
    await waitUntil(async () => (await shop.sys.database.db.select().from(log).where(and(eq(log.topic, "catalog.events"), eq(log.key, "NEW-QUOKKA")))).length === 1);
    const audit = await shop.sys.database.db.select().from(auditLog).where(eq(auditLog.objectId, "NEW-QUOKKA"));
    expect(audit.map((a) => [a.action, a.outcome, a.adminId])).toEqual([["product.create", "done", "cat-ada"]]);
  });

  test("the list filters by text, category, brand, archived and low stock", async () => {
    await create("FLT-1", { name: "Filterable One", brand: "Filtco", category: "phones", lowStockThreshold: 50 });
    await create("FLT-2", { name: "Filterable Two", brand: "Filtco", category: "audio", lowStockThreshold: 0 });
    const skus = async (q: string) => (await as("GET", `/api/admin/products?${q}`)).json.products.map((p: { sku: string }) => p.sku).sort();
    expect(await skus("q=filterable")).toEqual(["FLT-1", "FLT-2"]);
    expect(await skus("q=filterable&category=phones")).toEqual(["FLT-1"]);
    expect(await skus("brand=Filtco&low=1")).toEqual([]); // created at 0: not stocked yet, not low
    await restock("FLT-1", 10);
    await restock("FLT-2", 10);
    expect(await skus("brand=Filtco&low=1")).toEqual(["FLT-1"]);
    await as("POST", "/api/admin/products/FLT-2/archive");
    expect(await skus("brand=Filtco")).toEqual(["FLT-1"]);
    expect(await skus("brand=Filtco&state=archived")).toEqual(["FLT-2"]);
    expect(await skus("brand=Filtco&state=all")).toEqual(["FLT-1", "FLT-2"]);
    const bad = await as("GET", "/api/admin/products?state=gone");
    expect([bad.status, bad.json.field]).toEqual([400, "state"]);
  });

  test("archived: off the storefront, search and add-to-cart, still on past orders; restored: back", async () => {
    await create("ARC-1", { name: "Archivable Widget" });
    await restock("ARC-1");
    const orderId = await shop.place("arc-cust", { sku: "ARC-1" });
    await shop.waitFor(orderId, ["CONFIRMED", "DELIVERED", "SHIPPED", "PAYMENT_AUTHORIZED", "PROCESSING"] as never);
    const archived = await as("POST", "/api/admin/products/ARC-1/archive", { reason: "discontinued" });
    expect(archived.json.archived).toBe(true);
    expect((await shop.call("GET", "/api/products/ARC-1")).status).toBe(404);
    expect((await shop.call("GET", "/api/products/search?q=archivable")).json.items).toEqual([]);
    expect((await shop.call("GET", "/api/products?limit=100")).json.products.map((p: { sku: string }) => p.sku)).not.toContain("ARC-1");
    const customer = await shop.token("customer", "arc-cust");
    expect((await shop.call("POST", "/api/cart/items", { token: customer, body: { sku: "ARC-1", qty: 1 } })).status).toBe(404);
    const order = await shop.call("GET", `/api/orders/${orderId}`, { token: customer });
    expect(order.json.items.map((i: { sku: string; name: string }) => [i.sku, i.name])).toEqual([["ARC-1", "Archivable Widget"]]);
    expect((await as("POST", "/api/admin/products/ARC-1/archive")).json.code).toBe("ARCHIVED");
    await as("POST", "/api/admin/products/ARC-1/restore");
    expect((await shop.call("GET", "/api/products/ARC-1")).status).toBe(200);
    const audit = await shop.sys.database.db.select().from(auditLog).where(eq(auditLog.objectId, "ARC-1"));
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ["product.create", "done"], ["stock.adjust", "done"], ["product.archive", "done"], ["product.archive", "refused"], ["product.restore", "done"],
    ]);
  });

  test("an archived product in a cart: the cart says it is no longer sold, checkout and the order API refuse naming its SKU", async () => {
    await create("ARC-2", { name: "Retired Widget" });
    await restock("ARC-2");
    const shopper = await visitor(shop).signIn("arc-buyer");
    const customer = await shop.token("customer", "arc-buyer");
    expect((await shop.call("POST", "/api/cart/items", { token: customer, body: { sku: "ARC-2", qty: 1 } })).status).toBe(200);
    expect((await shop.call("POST", "/api/cart/items", { token: customer, body: { sku: "AUD-001", qty: 1 } })).status).toBe(200);
    await as("POST", "/api/admin/products/ARC-2/archive", { reason: "recalled" });

    const cart = await shop.call("GET", "/api/cart", { token: customer });
    expect(cart.json.lines.map((l: { sku: string; sold: boolean; short: boolean }) => [l.sku, l.sold, l.short])).toEqual([["ARC-2", false, false], ["AUD-001", true, false]]);
    expect(await (await shopper.get("/cart")).text()).toContain("No longer sold: remove it to check out.");
    const page = await shopper.post("/checkout", { ...ADDRESS, card: "4242 4242 4242 4242", idempotencyKey: crypto.randomUUID() });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain("Retired Widget (ARC-2) is no longer sold: remove it from your cart to check out.");
    const api = await shop.call("POST", "/api/orders", {
      token: customer, headers: { "idempotency-key": crypto.randomUUID() },
      body: { items: [{ sku: "AUD-001", qty: 1 }, { sku: "ARC-2", qty: 1 }], shippingAddress: ADDRESS, paymentToken: "tok_visa" },
    });
    expect([api.status, api.json]).toEqual([409, { error: "items[1].sku: ARC-2 is no longer sold", code: "ARCHIVED" }]);
    expect((await shop.call("GET", "/api/orders", { token: customer })).json.orders).toEqual([]);

    // removed from the cart, the rest checks out
    expect((await shopper.post("/cart/items/ARC-2/remove")).status).toBe(303);
    const placed = await shopper.post("/checkout", { ...ADDRESS, card: "4242 4242 4242 4242", idempotencyKey: crypto.randomUUID() });
    expect([placed.status, placed.headers.get("location")?.startsWith("/orders/")]).toEqual([303, true]);
  });

  test("a product created at 0 raises no low-stock alert (nothing fell); its first delivery under the threshold does, a restock over it clears it", async () => {
    await create("ZERO-1", { lowStockThreshold: 5 });
    const lowAlerts = async () => (await shop.sys.alerts.page({ kind: "lowStock", limit: 200 })).alerts.filter((a) => a.subject === "ZERO-1");
    expect(await lowAlerts()).toEqual([]);
    expect((await as("GET", "/api/admin/products?q=ZERO-1&low=1")).json.products).toEqual([]);
    await restock("ZERO-1", 3);
    await waitUntil(async () => (await lowAlerts()).length === 1, 10_000, "the low-stock alert");
    expect((await lowAlerts())[0]!.summary).toContain("3 left");
    await restock("ZERO-1", 10);
    await waitUntil(async () => (await lowAlerts()).length === 0, 10_000, "the alert to resolve");
  });

  test("a price change alters neither a placed order nor a cart's snapshot, which shows the change", async () => {
    await create("PRC-1", { price: 10_000 });
    await restock("PRC-1");
    const customer = await shop.token("customer", "prc-cust");
    const orderId = await shop.place("prc-cust", { sku: "PRC-1" });
    await shop.call("POST", "/api/cart/items", { token: customer, body: { sku: "PRC-1", qty: 2 } });
    const patched = await as("PATCH", "/api/admin/products/PRC-1", { price: 15_000 });
    expect(patched.json.price).toBe(15_000);
    const order = await shop.call("GET", `/api/orders/${orderId}`, { token: customer });
    expect(order.json.items[0].unitPrice).toBe(10_000);
    const cart = await shop.call("GET", "/api/cart?currency=USD", { token: customer });
    expect(cart.json.lines[0]).toMatchObject({ sku: "PRC-1", priceChanged: true, previousUnitPrice: 10_000, unitPrice: 15_000 });
    expect((await shop.call("GET", "/api/products/PRC-1")).json.price).toBe(15_000);
  });
});

describe("categories", () => {
  test("nest one level, slugs and names unique, deleted only when empty, in the admins' order", async () => {
    expect((await as("POST", "/api/admin/categories", { name: "Outdoor", slug: "outdoor", position: 5 })).status).toBe(201);
    expect((await as("POST", "/api/admin/categories", { name: "Tents", slug: "tents", parent: "outdoor" })).status).toBe(201);
    const deep = await as("POST", "/api/admin/categories", { name: "Domes", slug: "domes", parent: "tents" });
    expect([deep.status, deep.json.code]).toEqual([409, "NESTING"]);
    expect((await as("POST", "/api/admin/categories", { name: "Outdoor 2", slug: "outdoor" })).json.code).toBe("SLUG_TAKEN");
    expect((await as("POST", "/api/admin/categories", { name: "outdoor", slug: "outdoor-2" })).json.code).toBe("NAME_TAKEN");
    for (const [field, body] of [["slug", { name: "X", slug: "Bad Slug" }], ["name", { name: "", slug: "x" }], ["parent", { name: "Y", slug: "y", parent: "nope" }]] as const) {
      const res = await as("POST", "/api/admin/categories", body);
      expect([res.status, res.json.field]).toEqual([400, field]);
    }
    await create("TNT-1", { name: "Ridge Tent", category: "tents" });
    // the parent's storefront page lists its subcategory's products
    const page = await shop.app.request("/c/outdoor");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Ridge Tent");
    const inUse = await as("DELETE", "/api/admin/categories/tents");
    expect([inUse.status, inUse.json.code]).toEqual([409, "IN_USE"]);
    expect((await as("DELETE", "/api/admin/categories/outdoor")).json.code).toBe("IN_USE");
    // a rename carries its products along
    expect((await as("PATCH", "/api/admin/categories/tents", { name: "Tents & Shelters" })).json.name).toBe("Tents & Shelters");
    expect((await as("GET", "/api/admin/products/TNT-1")).json.category).toBe("Tents & Shelters");
    await as("PATCH", "/api/admin/products/TNT-1", { category: "audio" });
    expect((await as("DELETE", "/api/admin/categories/tents")).status).toBe(204);
    const list = (await as("GET", "/api/admin/categories")).json.categories.map((c: { slug: string }) => c.slug);
    expect(list[0]).toBe("outdoor"); // position 5, before the migrated ones (10, 20, ...)
    expect(list).not.toContain("tents");
    await as("POST", "/api/admin/categories/outdoor/move", { direction: "down" });
    expect((await as("GET", "/api/admin/categories")).json.categories[1].slug).toBe("outdoor");
  });
});

describe("pictures", () => {
  const png = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 10, g: 120, b: 200 } } }).png().toBuffer();
  const upload = (sku: string, bytes: Uint8Array, type = "image/png") => {
    const form = new FormData();
    form.append("image", new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), "picture");
    return shop.app.request(`/api/admin/products/${sku}/images`, { method: "POST", body: form, headers: { authorization: `Bearer ${admin}` } });
  };

  test("a real PNG is stored and served as a thumbnail that fits 400x300, cached for good", async () => {
    await create("IMG-1");
    const res = await upload("IMG-1", await png(1600, 900));
    expect(res.status).toBe(201);
    const p = await res.json();
    expect(p.images).toHaveLength(1);
    expect(p.images[0]).toMatch(/^\/images\/u\/\d+-[0-9a-f]{20}\.webp$/);
    const img = await shop.app.request(p.images[0]);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/webp");
    expect(img.headers.get("cache-control")).toContain("immutable");
    const meta = await sharp(new Uint8Array(await img.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 400, 225]);
    const again = await shop.app.request(p.images[0], { headers: { "if-none-match": img.headers.get("etag")! } });
    expect(again.status).toBe(304);
    const original = await shop.app.request(p.images[0].replace(/\.webp$/, ""));
    expect(original.headers.get("content-type")).toBe("image/png");
    expect((await shop.call("GET", "/api/products/IMG-1")).json.images).toEqual(p.images);
  });

  test("a wrong type (whatever it claims) or a file too large is refused with a clear message and stores nothing", async () => {
    await create("IMG-2");
    const text = new TextEncoder().encode("GIF89a pretending to be a picture");
    const wrong = await upload("IMG-2", text, "image/png");
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: "image: only PNG, JPEG or WebP pictures can be uploaded", field: "image" });
    const big = new Uint8Array(6 * 1024 * 1024);
    big.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const large = await upload("IMG-2", big);
    expect(large.status).toBe(413);
    expect((await large.json()).field).toBe("image");
    const justOver = new Uint8Array(5 * 1024 * 1024 + 1);
    justOver.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const over = await upload("IMG-2", justOver);
    expect(over.status).toBe(400);
    expect((await over.json()).error).toContain("at most 5 MiB");
    const broken = new Uint8Array(2000);
    broken.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect((await (await upload("IMG-2", broken)).json()).field).toBe("image");
    expect(await imageCount("IMG-2")).toBe(0);
    expect((await as("GET", "/api/admin/products/IMG-2")).json.images).toEqual(["/images/IMG-2-1.svg"]);
  });
});

