/** An order in the console, against a real shop: what the saga holds, the tools its state allows, live. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startShop, waitUntil, type Shop } from "../../../test/kit.ts";
import { sseReader } from "../../../test/sse.ts";
import { visitor } from "../../../test/visitor.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

const admin = () => visitor(shop).signIn("ord-ada", "admin");
const toolForms = (html: string) => [...html.matchAll(/action="\/admin\/orders\/[^/]+\/tools\/([a-zA-Z]+)"/g)].map((m) => m[1]);

describe("an order's page", () => {
  test("a declined order shows its customer's delivery, items, the saga and only the tools its state allows", async () => {
    const id = await shop.place("ord-alice", { sku: "AUD-005", card: "tok_decline" });
    await shop.waitFor(id, ["PAYMENT_FAILED"]);
    const res = await (await admin()).get(`/admin/orders/${id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<span class="order-id">${id}</span>`);
    expect(html).toContain('data-status="PAYMENT_FAILED"');
    expect(html).toContain("(no account on record)");
    expect(html).toContain("<address>");
    expect(html).toContain(`authorize:${id}:1`);
    expect(toolForms(html)).toEqual(["retry", "releaseInventory", "cancel"]);
    expect(html).toContain("Yes, release the inventory");
  });

  test("an order held in two warehouses shows where, then a parcel per warehouse with its carrier key", async () => {
    const sql = shop.sys.database.sql;
    await sql.query("DELETE FROM inventory.stock WHERE sku = 'AUD-009'");
    await sql.query("INSERT INTO inventory.stock (sku, warehouse, on_hand, reserved) VALUES ('AUD-009', 'BER', 1, 0), ('AUD-009', 'NJ', 5, 0)");
    const id = await shop.place("ord-wes", { sku: "AUD-009", qty: 3, country: "DE" });
    const shipped = await shop.waitFor(id, ["SHIPPED", "INVENTORY_FAILED", "PAYMENT_FAILED", "SHIPPING_FAILED"]);
    expect(shipped.status).toBe("SHIPPED");
    const html = await (await (await admin()).get(`/admin/orders/${id}`)).text();
    expect(html).toContain("from <strong>BER</strong> (1 × AUD-009): SimPost, tracking");
    expect(html).toContain("from <strong>NJ</strong> (2 × AUD-009): SimPost, tracking");
    expect(html).toContain(`ship:${id}:1:BER`);
    expect(html).toContain(`ship:${id}:1:NJ`);
  });

  test("the reservation's expiry, and each transition's message with its event, correlation and causation ids", async () => {
    const id = await shop.place("ord-eve", { sku: "AUD-005", card: "tok_decline" });
    await shop.waitFor(id, ["PAYMENT_FAILED"]);
    const [expiry] = await shop.sys.orders.timers(id);
    expect(expiry?.name).toBe("reservationExpiry");
    const reserved = (await shop.sys.orders.state(id))!.history.find((h) => h.status === "INVENTORY_RESERVED");
    expect(reserved?.message?.correlationId).toBe(id);
    expect(reserved?.message?.causationId).toEqual(expect.any(String));
    const html = await (await (await admin()).get(`/admin/orders/${id}`)).text();
    expect(html).toContain(`stock held for this order, until <time datetime="${expiry!.at}">`);
    expect(html).toContain("the reservation expires (stock goes back unless paid)");
    expect(html).toContain(`<dt>Event id</dt><dd><code>${reserved!.message!.eventId}</code></dd>`);
    expect(html).toContain(`<code>${reserved!.message!.causationId}</code>`);
  });

  test("an order placed in another currency shows its total in USD at the rate it recorded", async () => {
    const token = await shop.token("customer", "ord-jp");
    const placed = await shop.call("POST", "/api/orders", {
      token, headers: { "idempotency-key": crypto.randomUUID() },
      body: { items: [{ sku: "AUD-005", qty: 1 }], shippingAddress: { name: "Jo", line1: "1 St", city: "X", postalCode: "1", country: "JP" }, paymentToken: "tok_visa", currency: "JPY" },
    });
    expect(placed.status).toBe(202);
    const order = (await shop.sys.orders.state(placed.json.orderId))!;
    const html = await (await (await admin()).get(`/admin/orders/${order.orderId}`)).text();
    expect(html).toMatch(new RegExp(`\\$[0-9.,]+ in USD at ${order.fxRate} JPY per dollar`));
  });

  test("an unknown order is a 404 page; a customer gets 403", async () => {
    expect((await (await admin()).get("/admin/orders/no-such-order")).status).toBe(404);
    const id = await shop.place("ord-bob", { sku: "AUD-005" });
    expect((await (await visitor(shop).signIn("ord-bob")).get(`/admin/orders/${id}`)).status).toBe(403);
  });
});

describe("the tools", () => {
  test("Retry on a failed payment: audited with the reason, and the admin's stream follows the order to SHIPPED", async () => {
    const id = await shop.place("ord-carol", { sku: "AUD-005", card: "tok_decline_once" });
    await shop.waitFor(id, ["PAYMENT_FAILED"]);
    const page = await admin();
    const stream = await page.get(`/admin/orders/${id}/stream`, { accept: "text/event-stream" });
    expect(stream.status).toBe(200);
    const sse = sseReader(stream);
    try {
      await sse.next();
      const res = await page.post(`/admin/orders/${id}/tools/retry`, { reason: "customer fixed the card" });
      expect([res.status, res.headers.get("location")]).toEqual([303, `/admin/orders/${id}?done=retry`]);
      let frame = await sse.message();
      while (!frame.data.includes('data-status="SHIPPED"')) frame = await sse.message();
      expect(frame.data).toContain('<hx-partial hx-target="#admin-order-tools" hx-swap="outerMorph">');
      expect(toolForms(frame.data)).toEqual(["markDelivered"]);
    } finally {
      await sse.cancel();
    }
    const { entries } = await shop.sys.audit.list({ objectId: id, limit: 5 });
    expect(entries.map((e) => [e.adminId, e.action, e.fromState, e.outcome, e.reason])).toEqual([
      ["ord-ada", "order.retry", "PAYMENT_FAILED", "done", "customer fixed the card"],
    ]);
    expect(await (await page.get(`/admin/orders/${id}?done=retry`)).text()).toContain("Done: retry the failed step.");
  });

  test("a destructive tool needs the tick and a reason; an unknown tool is a 400; nothing moves", async () => {
    const id = await shop.place("ord-dan", { sku: "AUD-005", card: "tok_decline" });
    await shop.waitFor(id, ["PAYMENT_FAILED"]);
    const page = await admin();
    const noTick = await page.post(`/admin/orders/${id}/tools/cancel`, { reason: "asked by phone" });
    expect(noTick.status).toBe(400);
    expect(await noTick.text()).toContain("confirm:");
    expect((await page.post(`/admin/orders/${id}/tools/cancel`, { reason: "", confirm: "yes" })).status).toBe(400);
    expect((await page.post(`/admin/orders/${id}/tools/explode`, { reason: "x" })).status).toBe(400);
    expect((await shop.sys.orders.find(id))!.status).toBe("PAYMENT_FAILED");
    expect((await shop.sys.audit.list({ objectId: id, limit: 5 })).entries).toEqual([]);
    const ok = await page.post(`/admin/orders/${id}/tools/cancel`, { reason: "asked by phone", confirm: "yes" });
    expect(ok.status).toBe(303);
    await shop.waitFor(id, ["CANCELLED"]);
  });

  test("a tool the order no longer allows answers 409 with the refusal in the page, and is audited as refused", async () => {
    const id = await shop.place("ord-eve", { sku: "AUD-005" });
    await shop.waitFor(id, ["SHIPPED"]);
    const res = await (await admin()).post(`/admin/orders/${id}/tools/retry`, { reason: "stale page" });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain("Refused: ");
    expect(html).toContain('data-status="SHIPPED"');
    await waitUntil(async () => (await shop.sys.audit.list({ objectId: id, limit: 5 })).entries[0]?.outcome === "refused");
  });
});
