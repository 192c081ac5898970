/**
 * Preferences and history with the running notifier: a customer who turned text messages
 * and optional email off still gets the email about their order that they need, but no
 * text and no delivery confirmation, while one who did not gets both; the admin's order
 * page lists every message about the order; /admin/mail and the order page follow new
 * messages live, through NATS in distributed mode.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { registerCustomer } from "./accounts-kit.ts";
import { eventsFor, startShop, waitUntil, type Shop } from "./kit.ts";
import { sseReader } from "./sse.ts";
import { visitor } from "./visitor.ts";

type Row = { id: string; template: string; channel: string; recipient: string; status: string };

describe("notification preferences with the notifier", () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop();
  }, 60_000);
  afterAll(() => shop?.stop());

  const rows = (orderId: string) => shop.sys.database.sql.query<Row>(
    "SELECT id::text, template, channel, recipient, status FROM notify.messages WHERE subject = $1 ORDER BY id", [orderId]);
  const sent = (r: Row[]) => r.filter((m) => m.status === "sent").map((m) => `${m.template}:${m.channel}:${m.recipient}`);
  const prefer = async (id: string, body: unknown) => {
    const r = await shop.call("PUT", "/api/account/notification-preferences", { token: await shop.token("customer", id), body });
    expect(r.status).toBe(200);
  };
  const deliver = async (orderId: string) => {
    const admin = await visitor(shop).signIn("prefs-admin", "admin");
    const r = await admin.post(`/admin/orders/${orderId}/tools/markDelivered`, { reason: "parcel arrived" });
    expect(r.status).toBe(303);
  };

  test("muted: the order's email still goes, no text and no delivery confirmation; not muted: both", async () => {
    const [ada, bob] = [await registerCustomer(shop, "Ada", "prefs"), await registerCustomer(shop, "Bob", "prefs")];
    await prefer(ada.id, { muted: ["email", "sms"], phone: "+41 79 000 00 00" });
    await prefer(bob.id, { muted: [], phone: "+41 79 111 11 11" });
    const [adaOrder, bobOrder] = [await shop.place(ada.id), await shop.place(bob.id)];
    await Promise.all([shop.waitFor(adaOrder, ["SHIPPED"]), shop.waitFor(bobOrder, ["SHIPPED"])]);
    await Promise.all([deliver(adaOrder), deliver(bobOrder)]);
    await waitUntil(async () => sent(await rows(bobOrder)).includes("delivered:sms:+41791111111"), 15_000, "Bob's delivery text");
    // the notifier has decided on Ada's delivery too, and what it queued has gone out
    await waitUntil(async () => {
      const delivered = (await eventsFor(shop.sys.database.sql, adaOrder, "order.StatusChanged.v1")).filter((e) => e.message.includes('"to":"DELIVERED"'));
      if (delivered.length === 0) return false;
      const seen = await shop.sys.database.sql.query(
        "SELECT 1 FROM runtime.processed_events WHERE consumer = 'notification' AND event_id::text = ANY($1)", [delivered.map((e) => e.eventId)]);
      return seen.length > 0;
    }, 15_000, "Ada's delivery seen by the notifier");
    await waitUntil(async () => (await rows(adaOrder)).every((m) => m.status === "sent"), 15_000, "Ada's mail sent");
    expect(sent(await rows(adaOrder)).sort()).toEqual([`orderConfirmed:email:${ada.email}`, `paymentReceipt:email:${ada.email}`, `shipped:email:${ada.email}`].sort());
    expect(sent(await rows(bobOrder)).sort()).toEqual([
      `orderConfirmed:email:${bob.email}`, `paymentReceipt:email:${bob.email}`, `shipped:email:${bob.email}`, "shipped:sms:+41791111111",
      `delivered:email:${bob.email}`, "delivered:sms:+41791111111",
    ].sort());
    // the customer's history: their own messages only
    const history = await shop.call("GET", "/api/account/notifications?limit=50", { token: await shop.token("customer", ada.id) });
    const orders = new Set(history.json.messages.map((m: { orderId: string | null }) => m.orderId));
    expect(orders.has(adaOrder)).toBe(true);
    expect(orders.has(bobOrder)).toBe(false);
    expect(history.json.messages.every((m: { recipient: string }) => m.recipient === ada.email)).toBe(true);

    // the admin's order page lists every message about the order, each linked to its /admin/mail page
    const admin = await visitor(shop).signIn("prefs-admin", "admin");
    const page = await (await admin.get(`/admin/orders/${bobOrder}`)).text();
    expect(page).toContain('<h2 id="messages-title">Messages</h2>');
    for (const m of await rows(bobOrder)) {
      expect(page).toContain(`<a href="/admin/mail/${m.id}">${m.template}</a>`);
    }
    expect(page).toContain("+41791111111");
    expect(page).not.toContain(ada.email);
    // a customer cannot open it, not even for their own order
    expect((await (await visitor(shop).signIn(bob.id)).get(`/admin/orders/${bobOrder}`)).status).toBe(403);
  }, 90_000);
});

/** An admin's open /admin/mail stream hears a new customer's messages; the order's stream hears one sent again. */
async function followsLive(shop: Shop, tag: string) {
  const admin = await visitor(shop).signIn("prefs-admin", "admin");
  const mail = sseReader(await admin.get("/admin/mail/stream"));
  const cy = await registerCustomer(shop, "Cy", tag);
  // the welcome and the verification link: the list is sent again with Cy in it
  for (;;) {
    const frame = await mail.message();
    if (frame.data.includes(cy.email)) {
      expect(frame.data).toContain('<hx-partial hx-target="#mail-list" hx-swap="outerMorph">');
      break;
    }
  }
  await mail.cancel();

  const orderId = await shop.place(cy.id);
  await shop.waitFor(orderId, ["SHIPPED"]);
  const order = sseReader(await admin.get(`/admin/orders/${orderId}/stream`));
  // a failed text about the order, sent again by an admin: the order's page hears it
  const [failed] = await shop.sys.database.sql.query<{ id: string }>(
    `INSERT INTO notify.messages (key, event_id, subject, user_id, channel, recipient, template, priority, data, status, attempts, created_at, next_at)
     VALUES ($1, 'e-live', $2, $3, 'sms', '+41792222222', 'shipped', 'high', $4::jsonb, 'failed', 5, now(), now()) RETURNING id::text`,
    [`live:${orderId}`, orderId, cy.id, JSON.stringify({ kind: "shipped", orderId, carrier: "Post", trackingNumber: "TRK-L" })]);
  expect((await admin.post(`/admin/mail/${failed!.id}/resend`, {})).status).toBe(303);
  for (;;) {
    const frame = await order.message();
    if (frame.data.includes(`href="/admin/mail/${failed!.id}"`)) {
      expect(frame.data).toContain('hx-target="#admin-order-messages"');
      break;
    }
  }
  await order.cancel();
}

describe.each(["embedded", "distributed"] as const)("live mail on %s", (engine) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({}, undefined, engine);
  }, 60_000);
  afterAll(() => shop?.stop());

  // distributed: the actors' announcements reach the edge's streams through NATS
  test("an open /admin/mail list and the order's admin page hear a new message without a reload", () => followsLive(shop, `live-${engine}`), 90_000);
});
