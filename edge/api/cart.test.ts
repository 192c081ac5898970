/** The cart's JSON API against a real shop: the pages' rules, as JSON. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { setCookieOf } from "../../test/accounts-kit.ts";
import { startShop, type Shop } from "../../test/kit.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

const as = async (sub: string) => ({ token: await shop.token("customer", sub) });

describe("/api/cart with a bearer token", () => {
  test("add, read, set, remove: every answer is the whole cart", async () => {
    const me = await as("api-cart");
    const added = await shop.call("POST", "/api/cart/items", { ...me, body: { sku: "LAP-001", qty: 2 } });
    expect(added.status).toBe(200);
    expect(added.json).toMatchObject({
      currency: "USD", count: 2, subtotal: 199800,
      lines: [{ sku: "LAP-001", name: "Altair Air 13", qty: 2, unitPrice: 99900, lineTotal: 199800, priceChanged: false, previousUnitPrice: null }],
    });
    expect((await shop.call("POST", "/api/cart/items", { ...me, body: { sku: "BOK-002" } })).json.count).toBe(3);
    const set = await shop.call("PATCH", "/api/cart/items/LAP-001", { ...me, body: { qty: 5 } });
    expect(set.json.lines.map((l: { sku: string; qty: number }) => [l.sku, l.qty])).toEqual([["LAP-001", 5], ["BOK-002", 1]]);
    expect((await shop.call("PATCH", "/api/cart/items/BOK-002", { ...me, body: { qty: 0 } })).json.count).toBe(5);
    const removed = await shop.call("DELETE", "/api/cart/items/LAP-001", me);
    expect(removed.json).toMatchObject({ count: 0, lines: [], subtotal: 0 });
  });

  test("prices in the currency asked for", async () => {
    const me = await as("api-cart-fx");
    await shop.call("POST", "/api/cart/items", { ...me, body: { sku: "LAP-001", qty: 1 } });
    expect((await shop.call("GET", "/api/cart?currency=JPY", me)).json).toMatchObject({ currency: "JPY", subtotal: 151049 });
    expect((await shop.call("GET", "/api/cart?currency=EUR", me)).json).toMatchObject({ currency: "EUR", subtotal: 91908 });
    const bad = await shop.call("GET", "/api/cart?currency=XYZ", me);
    expect([bad.status, bad.json.field]).toEqual([400, "currency"]);
  });

  test.each([
    ["POST", "/api/cart/items", { sku: "LAP-001", qty: 11 }, 400, "qty"],
    ["POST", "/api/cart/items", { sku: "LAP-001", qty: 0 }, 400, "qty"],
    ["POST", "/api/cart/items", { qty: 1 }, 400, "sku"],
    ["POST", "/api/cart/items", { sku: "NOPE-1", qty: 1 }, 404, "There is no product NOPE-1."],
    ["POST", "/api/cart/items", { sku: "LAP-005", qty: 9 }, 409, "Only 7 of Norrland Studio 14 left."],
    ["PATCH", "/api/cart/items/AUD-003", { qty: 2 }, 404, "AUD-003 is not in your cart"],
  ] as const)("%s %s %o -> %i (%s)", async (method, path, body, status, what) => {
    const res = await shop.call(method, path, { ...(await as("api-cart-bad")), body });
    expect(res.status).toBe(status);
    if (status === 400) expect(res.json.field).toBe(what);
    else expect(res.json.error).toBe(what);
  });

  test("the limit of 10 counts what is already there: 409 naming it", async () => {
    const me = await as("api-cart-limit");
    await shop.call("POST", "/api/cart/items", { ...me, body: { sku: "PHN-001", qty: 7 } });
    const res = await shop.call("POST", "/api/cart/items", { ...me, body: { sku: "PHN-001", qty: 4 } });
    expect(res.status).toBe(409);
    expect(res.json).toEqual({ error: "You can have at most 10 of Lumen 8 in your cart (you already have 7).", code: "LIMIT" });
    expect((await shop.call("GET", "/api/cart", me)).json.count).toBe(7);
  });

  test("one customer's cart is not another's", async () => {
    await shop.call("POST", "/api/cart/items", { ...(await as("api-owner")), body: { sku: "SPT-001", qty: 1 } });
    expect((await shop.call("GET", "/api/cart", await as("api-other"))).json.lines).toEqual([]);
    expect((await shop.call("DELETE", "/api/cart/items/SPT-001", await as("api-other"))).status).toBe(200);
    expect((await shop.call("GET", "/api/cart", await as("api-owner"))).json.count).toBe(1);
  });
});

test("without a token a guest cart starts with the first add and the cookie names it", async () => {
  const first = await shop.app.request("/api/cart/items", {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sku: "TOY-003", qty: 2 }),
  });
  expect(first.status).toBe(200);
  const id = setCookieOf(first, "cart")?.value;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  const again = await shop.call("GET", "/api/cart", { headers: { cookie: `cart=${id}` } });
  expect(again.json).toMatchObject({ count: 2, lines: [{ sku: "TOY-003", qty: 2 }] });
  expect((await shop.call("GET", "/api/cart")).json.count).toBe(0);
});
