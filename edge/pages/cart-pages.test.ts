/** The cart pages against a real shop: guests and customers, with and without htmx. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { products } from "../../db/schema.ts";
import { setCookieOf } from "../../test/accounts-kit.ts";
import { startShop, type Shop } from "../../test/kit.ts";
import { badgeOf, visitor } from "../../test/visitor.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

describe("a guest's cart", () => {
  test("starts empty, with no cookie until the first add", async () => {
    const guest = visitor(shop);
    const res = await guest.get("/cart");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Your cart is empty.");
    expect(html).not.toContain('href="/checkout"');
    expect(badgeOf(html)).toBe(0);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  test("without JS an add answers 303 to /cart and keeps the cart id in an HttpOnly, SameSite=Lax cookie for 7 days", async () => {
    const guest = visitor(shop);
    const res = await guest.post("/cart/items", { sku: "LAP-001", qty: "2" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/cart");
    const cookie = setCookieOf(res, "cart");
    expect(cookie).toMatchObject({ path: "/", httponly: "true", samesite: "Lax", "max-age": String(7 * 24 * 3600) });
    expect(cookie?.value).toMatch(/^[0-9a-f-]{36}$/);
    const html = await (await guest.get("/cart")).text();
    expect(html).toContain("Altair Air 13");
    expect(html).toContain("$999.00");
    expect(html).toContain("$1,998.00"); // the subtotal
    expect(html).toMatch(/<input id="cart-qty-0" type="number" name="qty" value="2"/);
    expect(html).toContain('<label for="cart-qty-0" class="visually-hidden">Quantity of Altair Air 13</label>');
    expect(html).toContain('<a class="button" href="/checkout">Checkout</a>');
    expect(badgeOf(html)).toBe(2);
  });

  test("with htmx an add answers a short message and the header badge out of band", async () => {
    const guest = visitor(shop);
    const res = await guest.post("/cart/items", { sku: "LAP-001" }, { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("<html");
    expect(html).toContain("Added 1 × Altair Air 13 to your cart.");
    expect(html).toMatch(/<span id="cart-count" class="count" hx-swap-oob="true">/);
    expect(badgeOf(html)).toBe(1);
    expect(badgeOf(await (await guest.post("/cart/items", { sku: "PHN-001", qty: "3" }, { htmx: true })).text())).toBe(4);
  });

  test.each([
    ["more than 10 at once", { sku: "LAP-001", qty: "11" }, 400, "qty: at most 10 of a product"],
    ["a quantity that is not a number", { sku: "LAP-001", qty: "lots" }, 400, "qty: enter a quantity"],
    ["an unknown product", { sku: "NOPE-1" }, 404, "There is no product NOPE-1."],
    ["a sold-out product", { sku: "LAP-009" }, 409, "Sorry, Norrland Travel 12 is out of stock."],
    ["more than the stock", { sku: "LAP-005", qty: "8" }, 409, "Only 7 of Norrland Studio 14 left."],
  ])("%s: 4xx with the reason in words, with htmx and without", async (_, form, status, message) => {
    const guest = visitor(shop);
    const fragment = await guest.post("/cart/items", form, { htmx: true });
    expect(fragment.status).toBe(status);
    expect(await fragment.text()).toBe(`<span class="cart-error" role="alert">${message}</span>`);
    const page = await guest.post("/cart/items", form);
    expect(page.status).toBe(status);
    const html = await page.text();
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain(`<p class="cart-error" role="alert">${message}</p>`);
  });

  test("the 10-per-product limit counts what is already in the cart", async () => {
    const guest = visitor(shop);
    await guest.post("/cart/items", { sku: "PHN-002", qty: "8" });
    const res = await guest.post("/cart/items", { sku: "PHN-002", qty: "3" }, { htmx: true });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("You can have at most 10 of Lumen 8 Pro in your cart (you already have 8).");
  });
});

describe("changing the cart", () => {
  test("without JS, update and remove answer 303 back to /cart; quantity 0 removes", async () => {
    const guest = visitor(shop);
    await guest.post("/cart/items", { sku: "AUD-001" });
    await guest.post("/cart/items", { sku: "AUD-002" });
    const update = await guest.post("/cart/items/AUD-001", { qty: "4" });
    expect([update.status, update.headers.get("location")]).toEqual([303, "/cart"]);
    let html = await (await guest.get("/cart")).text();
    expect(html).toMatch(/name="qty" value="4"/);
    expect(badgeOf(html)).toBe(5);
    expect((await guest.post("/cart/items/AUD-002", { qty: "0" })).status).toBe(303);
    expect((await guest.post("/cart/items/AUD-001/remove")).status).toBe(303);
    html = await (await guest.get("/cart")).text();
    expect(html).toContain("Your cart is empty.");
  });

  test("with htmx, the forms target the cart region, which comes back re-rendered with the badge", async () => {
    const guest = visitor(shop);
    await guest.post("/cart/items", { sku: "HOM-001", qty: "2" });
    const page = await (await guest.get("/cart")).text();
    expect(page).toContain('hx-post="/cart/items/HOM-001" hx-target="#cart" hx-swap="outerHTML"');
    expect(page).toContain('hx-post="/cart/items/HOM-001/remove" hx-target="#cart" hx-swap="outerHTML"');
    const res = await guest.post("/cart/items/HOM-001", { qty: "5" }, { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toStartWith('<section id="cart" class="card cart"');
    expect(html).toContain('<p class="cart-notice" role="status">Cart updated.</p>');
    expect(badgeOf(html)).toBe(5);
    const removed = await (await guest.post("/cart/items/HOM-001/remove", {}, { htmx: true })).text();
    expect(removed).toContain("Your cart is empty.");
    expect(badgeOf(removed)).toBe(0);
  });

  test("a refused update keeps the cart as it was and says why, in the region under htmx", async () => {
    const guest = visitor(shop);
    await guest.post("/cart/items", { sku: "LAP-005", qty: "2" });
    const res = await guest.post("/cart/items/LAP-005", { qty: "8" }, { htmx: true });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain('<p class="cart-error" role="alert">Only 7 of Norrland Studio 14 left.</p>');
    expect(html).toMatch(/name="qty" value="2"/);
    expect((await guest.post("/cart/items/LAP-009", { qty: "1" })).status).toBe(404);
    expect((await guest.post("/cart/items/LAP-005", { qty: "-1" })).status).toBe(400);
  });
});

describe("prices", () => {
  test("a price that changed since the line was added shows a notice; the cart uses today's price", async () => {
    const customer = await visitor(shop).signIn("price-watcher");
    await customer.post("/cart/items", { sku: "LAP-003" });
    await shop.sys.database.db.update(products).set({ price: 79900 }).where(eq(products.sku, "LAP-003"));
    try {
      const html = await (await customer.get("/cart")).text();
      expect(html).toContain("Price changed from $849.00 to $799.00");
      expect(html).toContain("Some prices changed since you added them");
      expect(html).toContain('<td class="num total">$799.00</td>');
    } finally {
      await shop.sys.database.db.update(products).set({ price: 84900 }).where(eq(products.sku, "LAP-003"));
    }
  });

  test("prices show in the visitor's currency", async () => {
    const guest = visitor(shop);
    guest.jar.set("currency", "JPY");
    await guest.post("/cart/items", { sku: "LAP-001", qty: "2" });
    const html = await (await guest.get("/cart")).text();
    expect(html).toContain("¥151,049");
    expect(html).toContain("¥302,098");
  });
});

describe("whose cart", () => {
  test("a customer's cart is their own: another customer and a guest holding its id see nothing", async () => {
    const alice = await visitor(shop).signIn("cart-alice");
    await alice.post("/cart/items", { sku: "BOK-001", qty: "2" });
    expect(badgeOf(await (await alice.get("/cart")).text())).toBe(2);
    const bob = await visitor(shop).signIn("cart-bob");
    expect(await (await bob.get("/cart")).text()).toContain("Your cart is empty.");
    const carts = await shop.sys.database.db.query.carts.findMany();
    const alicesId = carts.find((c) => c.owner === "cart-alice")?.id ?? "";
    const forger = visitor(shop);
    forger.jar.set("cart", alicesId);
    expect(await (await forger.get("/cart")).text()).toContain("Your cart is empty.");
    expect((await forger.post("/cart/items/BOK-001/remove")).status).toBe(303);
    expect(badgeOf(await (await alice.get("/cart")).text())).toBe(2);
  });

  test("a cross-site form post is refused", async () => {
    const guest = visitor(shop);
    const res = await guest.post("/cart/items", { sku: "LAP-001" }, { headers: { "sec-fetch-site": "cross-site" } });
    expect(res.status).toBe(403);
  });

  test("signing in merges the guest's cart into the customer's and forgets the guest cookie", async () => {
    const browser = visitor(shop);
    await browser.post("/cart/items", { sku: "TOY-002", qty: "3" });
    expect(browser.jar.get("cart")).toBeDefined();
    const email = `merge-${crypto.randomUUID()}@example.com`;
    const res = await browser.post("/register", { firstName: "Merle", lastName: "Haggard", email, password: "correct-horse-42", next: "/cart" });
    expect(res.status).toBe(303);
    expect(browser.jar.get("cart")).toBeUndefined();
    const html = await (await browser.get("/cart")).text();
    expect(html).toContain("Brickwise Starter Box");
    expect(badgeOf(html)).toBe(3);
  });
});
