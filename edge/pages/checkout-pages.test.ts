/** Checkout against a real shop: sign-in, validation, idempotent submits, the order's currency. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { orderIdFor } from "../../actors/orders/order-service.ts";
import { orders, stock } from "../../db/schema.ts";
import { startShop, type Shop } from "../../test/kit.ts";
import { badgeOf, visitor, type Visitor } from "../../test/visitor.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

const ADDRESS = { name: "Ada Lovelace", line1: "12 Analytical St", city: "London", postalCode: "N1 9GU", country: "gb" };
const keyOf = (html: string) => /name="idempotencyKey" value="([^"]+)"/.exec(html)?.[1] ?? "";

/** A signed-in customer with `lines` in the cart, on the checkout page; returns its form key. */
async function ready(sub: string, lines: [string, number][] = [["LAP-001", 1]]): Promise<{ me: Visitor; key: string; html: string }> {
  const me = await visitor(shop).signIn(sub);
  for (const [sku, qty] of lines) expect((await me.post("/cart/items", { sku, qty: String(qty) })).status).toBe(303);
  const res = await me.get("/checkout");
  expect(res.status).toBe(200);
  const html = await res.text();
  return { me, key: keyOf(html), html };
}

describe("who may check out", () => {
  test("a visitor who is not signed in is sent to sign in and back", async () => {
    const guest = visitor(shop);
    for (const res of [await guest.get("/checkout"), await guest.post("/checkout", { ...ADDRESS })]) {
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/login?next=/checkout");
    }
  });

  test("the sign-in page it lands on says why; once signed in the form starts with the account's name", async () => {
    const signIn = await (await visitor(shop).get("/login?next=/checkout")).text();
    expect(signIn).toContain("Sign in to check out: your order is placed on your account");
    expect(await (await visitor(shop).get("/login")).text()).not.toContain("Sign in to check out");
    const me = await visitor(shop).signIn("co-named", "customer", "Grace <Hopper>");
    await me.post("/cart/items", { sku: "LAP-001", qty: "1" });
    expect(await (await me.get("/checkout")).text()).toMatch(/<input id="checkout-name" name="name"[^>]* value="Grace &lt;Hopper>"/);
  });
});

describe("the checkout page", () => {
  test("shows the cart in the visitor's currency, a labelled address form, the card field, the test cards and a fresh key", async () => {
    const me = await visitor(shop).signIn("co-page");
    me.jar.set("currency", "EUR");
    await me.post("/cart/items", { sku: "LAP-001", qty: "2" });
    const html = await (await me.get("/checkout")).text();
    expect(html).toContain("Altair Air 13");
    expect(html).toContain("€1,838.16"); // 2 x 919.08
    for (const field of ["name", "line1", "city", "postalCode", "country", "card"]) {
      expect(html).toContain(`<label for="checkout-${field}">`);
      expect(html).toMatch(new RegExp(`<input id="checkout-${field}" name="${field}"`));
    }
    expect(html).toContain('autocomplete="cc-number"');
    expect(html).toContain("<details class=\"test-cards\"><summary>Test cards</summary>");
    expect(html).toContain("4242 4242 4242 4242");
    expect(html).toContain("4000 0000 0000 0002");
    expect(keyOf(html)).toMatch(/^[0-9a-f-]{36}$/);
    expect(keyOf(await (await me.get("/checkout")).text())).not.toBe(keyOf(html));
  });

  test("an empty cart says so and offers no form", async () => {
    const html = await (await (await visitor(shop).signIn("co-empty")).get("/checkout")).text();
    expect(html).toContain("Your cart is empty.");
    expect(html).not.toContain('action="/checkout"');
  });
});

describe("POST /checkout refusals", () => {
  test("field errors: 422, the form again with what was typed (never the card), an error summary and tied messages", async () => {
    const { me, key } = await ready("co-invalid");
    const res = await me.post("/checkout", { ...ADDRESS, name: "", country: "Britain", card: "4242 4242 4242 4241", idempotencyKey: key });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('<div class="error-summary" role="alert" aria-labelledby="error-summary-title">');
    expect(html).toContain('<a href="#checkout-name">Enter the name to deliver to');
    expect(html).toContain('<a href="#checkout-country">Enter the two-letter country code, such as GB</a>');
    expect(html).toContain('<a href="#checkout-card">That card number is not valid: check the digits</a>');
    expect(html).toMatch(/<input id="checkout-name" name="name"[^>]*aria-invalid="true" aria-describedby="checkout-name-error"/);
    expect(html).toMatch(/<input id="checkout-country" name="country"[^>]*aria-invalid="true" aria-describedby="checkout-country-hint checkout-country-error"/);
    expect(html).toMatch(/<input id="checkout-line1" name="line1"[^>]*value="12 Analytical St"/);
    expect(html).not.toMatch(/id="checkout-line1"[^>]*aria-invalid/);
    expect(html).not.toContain("4241");
    expect(keyOf(html)).toBe(key); // no order was made: the same key may still place it
    expect(await shop.sys.database.db.select().from(orders).where(eq(orders.customerId, "co-invalid"))).toEqual([]);
  });

  test.each([
    ["", "Enter a card number"],
    ["4242-4242", "Enter the card number as 12 to 19 digits"],
    ["4111 1111 1111 1111", "This shop takes only the test cards listed under “Test cards”"],
  ])("card %p -> %p", async (card, message) => {
    const { me, key } = await ready("co-cards");
    const res = await me.post("/checkout", { ...ADDRESS, card, idempotencyKey: key });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain(message);
  });

  test("a form without its key is a 400 with a new key", async () => {
    const { me } = await ready("co-nokey");
    const res = await me.post("/checkout", { ...ADDRESS, card: "4242424242424242" });
    expect(res.status).toBe(400);
    expect(keyOf(await res.text())).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("an empty cart is a 409 that says so", async () => {
    const me = await visitor(shop).signIn("co-nothing");
    const res = await me.post("/checkout", { ...ADDRESS, card: "4242424242424242", idempotencyKey: crypto.randomUUID() });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("Your cart is empty: add something before checking out.");
  });

  test("stock that changed since the cart was filled is a 409 naming what is left; nothing is ordered", async () => {
    const { me, key } = await ready("co-stock", [["LAP-005", 5]]);
    const db = shop.sys.database.db;
    // 7 on hand over three warehouses (3 + 2 + 2): 4 reserved leaves 3
    await db.update(stock).set({ reserved: 3 }).where(and(eq(stock.sku, "LAP-005"), eq(stock.warehouse, "BER")));
    await db.update(stock).set({ reserved: 1 }).where(and(eq(stock.sku, "LAP-005"), eq(stock.warehouse, "LYS")));
    try {
      const res = await me.post("/checkout", { ...ADDRESS, card: "4242424242424242", idempotencyKey: key });
      expect(res.status).toBe(409);
      expect(await res.text()).toContain("Stock changed: only 3 of Norrland Studio 14 left. Please update your cart.");
      expect(await db.select().from(orders).where(eq(orders.customerId, "co-stock"))).toEqual([]);
    } finally {
      await db.update(stock).set({ reserved: 0 }).where(eq(stock.sku, "LAP-005"));
    }
  });
});

describe("placing the order", () => {
  test("303 to the live order page; the order is in the visitor's currency and the cart is emptied", async () => {
    const { me, key } = await ready("co-eur", [["LAP-001", 2], ["BOK-002", 1]]);
    me.jar.set("currency", "EUR");
    const res = await me.post("/checkout", { ...ADDRESS, card: "4242 4242 4242 4242", idempotencyKey: key });
    expect(res.status).toBe(303);
    const orderId = orderIdFor("co-eur", key);
    expect(res.headers.get("location")).toBe(`/orders/${orderId}`);
    const view = await shop.sys.orders.find(orderId);
    expect(view).toMatchObject({ currency: "EUR", fxRate: "0.92000000", total: 2 * 91908 + 1655 });
    expect(view?.items).toEqual([
      { sku: "LAP-001", qty: 2, name: "Altair Air 13", unitPrice: 91908 },
      { sku: "BOK-002", qty: 1, name: "The Quiet Orchard", unitPrice: 1655 },
    ]);
    expect(view?.timeline[0]?.status).toBe("CREATED");
    expect(badgeOf(await (await me.get("/cart")).text())).toBe(0);
    const page = await me.get(`/orders/${orderId}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("€1,854.71");
    await shop.waitFor(orderId, ["SHIPPED", "DELIVERED"]);
  });

  test("the card number is not stored: the order keeps the simulator's token", async () => {
    const { me, key } = await ready("co-token");
    await me.post("/checkout", { ...ADDRESS, card: "4000000000000002", idempotencyKey: key });
    const [row] = await shop.sys.database.db.select({ state: orders.state }).from(orders).where(eq(orders.customerId, "co-token"));
    const stored = JSON.stringify(row?.state);
    expect(stored).toContain('"paymentToken":"tok_decline"');
    expect(stored).not.toContain("4000000000000002");
    await shop.waitFor(orderIdFor("co-token", key), ["PAYMENT_FAILED"]);
  });

  test("a double submit with one key places one order and both land on it; later lines stay in the cart", async () => {
    const { me, key } = await ready("co-double", [["AUD-002", 2]]);
    const form = { ...ADDRESS, card: "4242424242424242", idempotencyKey: key };
    const [a, b] = await Promise.all([me.post("/checkout", form), me.post("/checkout", form)]);
    const again = await me.post("/checkout", form);
    const want = `/orders/${orderIdFor("co-double", key)}`;
    expect([a, b, again].map((r) => [r.status, r.headers.get("location")])).toEqual([[303, want], [303, want], [303, want]]);
    expect(await shop.sys.database.db.select().from(orders).where(eq(orders.customerId, "co-double"))).toHaveLength(1);
    // what was added after the order was placed is not taken by a retried submit
    await me.post("/cart/items", { sku: "AUD-002", qty: "1" });
    await me.post("/checkout", form);
    expect(badgeOf(await (await me.get("/cart")).text())).toBe(1);
  });
});
