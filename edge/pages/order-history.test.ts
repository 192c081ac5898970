/** "My orders" and the cancel button against a real shop: own orders only, the domain's rule, live updates. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startShop, waitUntil, type Shop } from "../../test/kit.ts";
import { sseReader } from "../../test/sse.ts";
import { visitor } from "../../test/visitor.ts";

let shop: Shop;
// a paid order waits 1.5 s before it ships: long enough to watch the cancel button go live
beforeAll(async () => {
  shop = await startShop({ handlingMs: 1_500 });
});
afterAll(() => shop.stop());

const CANCEL_FORM = (id: string) => `<form method="post" action="/orders/${id}/cancel">`;

describe("GET /orders", () => {
  test("a visitor who is not signed in is sent to sign in and back", async () => {
    const res = await visitor(shop).get("/orders");
    expect([res.status, res.headers.get("location")]).toEqual([303, "/login?next=/orders"]);
  });

  test("a customer without orders sees an empty state", async () => {
    const html = await (await (await visitor(shop).signIn("hist-none")).get("/orders")).text();
    expect(html).toContain("You have not placed any orders yet.");
  });

  test("lists only the customer's own orders, newest first, with status, date and total in each order's currency", async () => {
    const older = await shop.place("hist-ada", { sku: "BOK-002", qty: 2 });
    const token = await shop.token("customer", "hist-ada");
    const newer = (await shop.call("POST", "/api/orders", {
      token, headers: { "idempotency-key": crypto.randomUUID() },
      body: { items: [{ sku: "LAP-001", qty: 1 }], shippingAddress: { name: "Ada", line1: "1 St", city: "X", postalCode: "1", country: "GB" }, paymentToken: "tok_decline", currency: "JPY" },
    })).json.orderId;
    const others = await shop.place("hist-bob", { sku: "BOK-002" });
    const ada = await visitor(shop).signIn("hist-ada");
    let html = "";
    // the list reads the projection, which follows the saga
    await waitUntil(async () => {
      html = await (await ada.get("/orders")).text();
      return html.includes(older) && html.includes('data-status="PAYMENT_FAILED"');
    }, 10_000, "both orders in the list, the second declined");
    expect(html.indexOf(`/orders/${newer}`)).toBeGreaterThan(0);
    expect(html.indexOf(`/orders/${newer}`)).toBeLessThan(html.indexOf(`/orders/${older}`));
    expect(html).not.toContain(others);
    expect(html).toContain("¥151,049");
    expect(html).toContain("$35.98");
    expect(html).toContain('<span class="badge badge-problem" data-status="PAYMENT_FAILED">Payment declined</span>');
    expect(html).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[^"]+">\d+ \w+ \d{4}, \d\d:\d\d UTC<\/time>/);
  });
});

describe("cancelling from the order page", () => {
  test("the button shows while the domain allows it; a plain post cancels and 303s back; then it is gone", async () => {
    const id = await shop.place("cancel-ann", { card: "tok_decline" });
    await shop.waitFor(id, ["PAYMENT_FAILED"]);
    const ann = await visitor(shop).signIn("cancel-ann");
    const before = await (await ann.get(`/orders/${id}`)).text();
    expect(before).toContain(CANCEL_FORM(id));
    expect(before).toContain('<p class="status-note">Your card was declined. No money was taken.</p>');
    const res = await ann.post(`/orders/${id}/cancel`);
    expect([res.status, res.headers.get("location")]).toEqual([303, `/orders/${id}`]);
    await shop.waitFor(id, ["CANCELLED"]);
    await waitUntil(async () => !(await (await ann.get(`/orders/${id}`)).text()).includes(CANCEL_FORM(id)), 5_000, "the button to go");
  });

  test("another customer cannot cancel, see or stream the order: 404, and nothing changes", async () => {
    const id = await shop.place("cancel-owner", { card: "tok_decline" });
    await shop.waitFor(id, ["PAYMENT_FAILED"]);
    const mallory = await visitor(shop).signIn("cancel-mallory");
    const res = await mallory.post(`/orders/${id}/cancel`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Order not found");
    expect((await mallory.get(`/orders/${id}`)).status).toBe(404);
    const stream = await mallory.get(`/orders/${id}/stream`);
    expect([stream.status, stream.headers.get("content-type")]).toEqual([404, "text/html; charset=UTF-8"]);
    expect((await shop.waitFor(id, ["PAYMENT_FAILED"])).status).toBe("PAYMENT_FAILED");
  });

  test("a visitor who is not signed in is sent to sign in", async () => {
    const res = await visitor(shop).post("/orders/some-id/cancel");
    expect([res.status, res.headers.get("location")]).toEqual([303, "/login?next=%2Forders%2Fsome-id"]);
  });

  test("live: the stream re-renders the cancel region, so the button disappears when the order ships; a late post is a 409 naming the state", async () => {
    const id = await shop.place("cancel-live");
    await shop.waitFor(id, ["PAYMENT_AUTHORIZED"]);
    const me = await visitor(shop).signIn("cancel-live");
    const stream = await me.get(`/orders/${id}/stream`);
    const sse = sseReader(stream);
    try {
      const first = await sse.message();
      expect(first.data).toContain('<hx-partial hx-target="#order-cancel" hx-swap="outerMorph">');
      expect(first.data).toContain(CANCEL_FORM(id));
      let frame = first;
      while (!frame.data.includes('data-status="SHIPPED"')) frame = await sse.message();
      expect(frame.data).toContain('<div id="order-cancel" class="order-cancel"></div>');
      expect(frame.data).not.toContain(CANCEL_FORM(id));
    } finally {
      await sse.cancel();
    }
    const late = await me.post(`/orders/${id}/cancel`);
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("Your order is On its way (SHIPPED): it can no longer be cancelled.");
    expect((await shop.waitFor(id, ["SHIPPED"])).status).toBe("SHIPPED");
  });
});
