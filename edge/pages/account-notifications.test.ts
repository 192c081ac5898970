/**
 * The account page's message preferences and history, as a browser without JavaScript and
 * as an API client use them, on a real edge and PGlite: what is saved, what is refused and
 * named, and that a customer sees only their own messages.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accountsEdge, signUp } from "../../test/accounts-kit.ts";

let kit: Awaited<ReturnType<typeof accountsEdge>>;
beforeAll(async () => {
  kit = await accountsEdge();
}, 30_000);
afterAll(() => kit.close());

type Customer = Awaited<ReturnType<typeof signUp>>;
const send = async (who: Customer | null, path: string, init: RequestInit & { headers?: Record<string, string> } = {}) => {
  const res = await kit.app.request(path, { ...init, headers: { ...(who ? who.jar.header() : {}), ...init.headers } });
  return { status: res.status, text: await res.text(), res };
};
const post = (who: Customer | null, path: string, fields: string) =>
  send(who, path, { method: "POST", body: fields, headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" } });
const api = async (who: Customer | null, method: string, path: string, body?: unknown) => {
  const r = await send(who, `/api/account${path}`, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { ...(who ? { authorization: `Bearer ${who.accessToken}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
  });
  return { status: r.status, json: JSON.parse(r.text) };
};
const stored = async (id: string) =>
  (await kit.sql.query<{ phone: string | null; muted: string }>("SELECT phone, muted_channels::text AS muted FROM accounts.users WHERE id = $1", [id]))[0]!;

let seq = 0;
/** A message as the notifier writes it (the kit runs no notifier). */
async function message(userId: string, o: { orderId: string; kind?: string; channel?: string; to?: string; status?: string }) {
  const data = o.kind === "shipped"
    ? { kind: "shipped", orderId: o.orderId, carrier: "Post", trackingNumber: "TRK-1" }
    : { kind: "orderConfirmed", orderId: o.orderId, items: [{ sku: "MUG", name: "Mug", qty: 1, unitPrice: 500 }], total: 500, currency: "USD" };
  await kit.sql.query(
    `INSERT INTO notify.messages (key, event_id, subject, user_id, channel, recipient, template, priority, data, status, created_at, next_at)
     VALUES ($1, 'e', $2, $3, $4, $5, $6, 'critical', $7::jsonb, $8, now(), now())`,
    [`k-${++seq}`, o.orderId, userId, o.channel ?? "email", o.to ?? "someone@example.com", data.kind, JSON.stringify(data), o.status ?? "sent"]);
}

describe("preferences on the account page", () => {
  test("the page says what always goes and what each box turns off; both boxes ticked at first", async () => {
    const ada = await signUp(kit.app);
    const { status, text } = await send(ada, "/account");
    expect(status).toBe(200);
    expect(text).toContain("We always email you links to verify your address, password reset links, password change notices, order confirmations, payment receipts, declined card notices, orders closed unpaid, shipment notices with tracking, cancellations and refunds");
    expect(text).toContain("The welcome message and delivery confirmations");
    expect(text).toContain("Shipment notices with tracking and delivery confirmations");
    expect(text).toMatch(/<input type="checkbox" name="email" value="on" checked/);
    expect(text).toMatch(/<input type="checkbox" name="sms" value="on" checked/);
    expect(text).toContain('<input type="hidden" name="sms" value="off"/>');
    expect(text).toContain("We have not sent you any messages yet.");
  });

  test("unticking SMS and adding a number: saved as E.164, 303 back with a notice, the box shown unticked", async () => {
    const ada = await signUp(kit.app);
    const saved = await post(ada, "/account/notifications", "email=on&email=off&sms=off&phone=%2B44+20+7946+0000");
    expect([saved.status, saved.res.headers.get("location")]).toEqual([303, "/account#notifications"]);
    ada.jar.take(saved.res);
    expect(await stored(ada.id)).toEqual({ phone: "+442079460000", muted: '["sms"]' });
    const page = (await send(ada, "/account")).text;
    expect(page).toContain("Your message preferences are saved.");
    expect(page).toMatch(/<input type="checkbox" name="email" value="on" checked/);
    expect(page).not.toMatch(/<input type="checkbox" name="sms" value="on" checked/);
    expect(page).toContain('value="+442079460000"');
    // an empty number removes it
    await post(ada, "/account/notifications", "email=on&sms=on&phone=");
    expect(await stored(ada.id)).toEqual({ phone: null, muted: "[]" });
  });

  test("a number without a country code is a 422 naming it, what was typed kept, nothing saved", async () => {
    const ada = await signUp(kit.app);
    const r = await post(ada, "/account/notifications", "email=off&sms=off&phone=020+7946+0000");
    expect(r.status).toBe(422);
    expect(r.text).toContain("<title>Error: Your account");
    expect(r.text).toContain('href="#phone"');
    expect(r.text).toContain("starting with + and the country code");
    expect(r.text).toContain('value="020 7946 0000"');
    expect(r.text).not.toMatch(/<input type="checkbox" name="email" value="on" checked/);
    expect(await stored(ada.id)).toEqual({ phone: null, muted: "[]" });
  });

  test("a post that leaves a channel out or says something else is a 400 naming it; a guest is sent to sign in", async () => {
    const ada = await signUp(kit.app);
    const missing = await post(ada, "/account/notifications", "email=on&phone=");
    expect(missing.status).toBe(400);
    expect(missing.text).toContain("sms");
    expect((await post(ada, "/account/notifications", "email=yes&sms=on&phone=")).status).toBe(400);
    expect(await stored(ada.id)).toEqual({ phone: null, muted: "[]" });
    const guest = await post(null, "/account/notifications", "email=off&sms=off&phone=");
    expect([guest.status, guest.res.headers.get("location")]).toEqual([303, "/login?next=%2Faccount"]);
  });
});

describe("preferences over the API", () => {
  test("GET and PUT: the number kept as E.164, the optional kinds named, null removes the number", async () => {
    const ada = await signUp(kit.app);
    expect(await api(ada, "GET", "/notification-preferences")).toEqual({
      status: 200, json: { muted: [], phone: null, optional: { email: ["welcome", "delivered"], sms: ["shipped", "delivered"] } },
    });
    const put = await api(ada, "PUT", "/notification-preferences", { muted: ["sms", "email"], phone: "+1 (555) 010-0000" });
    expect(put.status).toBe(200);
    expect([put.json.muted, put.json.phone]).toEqual([["email", "sms"], "+15550100000"]);
    expect((await api(ada, "GET", "/notification-preferences")).json.phone).toBe("+15550100000");
    expect((await api(ada, "PUT", "/notification-preferences", { muted: [], phone: null })).json).toMatchObject({ muted: [], phone: null });
  });

  test("bad input is a 400 naming the field and changes nothing; a guest gets 401", async () => {
    const ada = await signUp(kit.app);
    for (const [body, field] of [
      [{ muted: ["fax"], phone: null }, "muted[0]"],
      [{ muted: [], phone: "555-0100" }, "phone"],
      [{ muted: [] }, "phone"],
      [{ muted: [], phone: null, userId: "someone-else" }, "body"],
    ] as const) {
      const r = await api(ada, "PUT", "/notification-preferences", body);
      expect([r.status, r.json.field]).toEqual([400, field]);
    }
    expect(await stored(ada.id)).toEqual({ phone: null, muted: "[]" });
    expect((await api(null, "GET", "/notification-preferences")).status).toBe(401);
    expect((await api(null, "PUT", "/notification-preferences", { muted: [], phone: null })).status).toBe(401);
    expect((await api(null, "GET", "/notifications")).status).toBe(401);
  });
});

describe("message history", () => {
  test("each customer sees only their own messages, newest first, paged on the page and in the API", async () => {
    const [ada, bob] = [await signUp(kit.app), await signUp(kit.app)];
    for (let i = 1; i <= 12; i++) await message(ada.id, { orderId: `ada-order-${i}`, to: ada.email });
    await message(ada.id, { orderId: "ada-order-13", kind: "shipped", channel: "sms", to: "+442079460000", status: "failed" });
    await message(bob.id, { orderId: "bob-order-1", to: bob.email });

    const page = (await send(ada, "/account")).text;
    expect(page).toContain("Messages sent to you");
    expect(page).toContain('<a href="/orders/ada-order-13">Order ada-order-13 has shipped</a>');
    expect(page).toContain("Text message to +442079460000");
    expect(page).toContain("Could not be sent");
    expect(page).not.toContain("bob-order-1");
    expect(page).not.toContain(bob.email);
    // the newest ten, then a link to the older ones
    expect([...page.matchAll(/href="\/orders\/ada-order-(\d+)"/g)].map((m) => Number(m[1]))).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
    const older = /href="(\/account\/messages\?before=\d+)"/.exec(page)![1]!;
    const second = (await send(ada, older)).text;
    expect([...second.matchAll(/href="\/orders\/ada-order-(\d+)"/g)].map((m) => Number(m[1]))).toEqual([3, 2, 1]);
    expect(second).toContain('href="/account#messages"');
    // Bob, given Ada's cursor, still sees only his own
    expect((await send(bob, older)).text).not.toContain("ada-order");

    const mine = await api(ada, "GET", "/notifications?limit=5");
    expect(mine.json.messages.map((m: { orderId: string }) => m.orderId)).toEqual(["ada-order-13", "ada-order-12", "ada-order-11", "ada-order-10", "ada-order-9"]);
    expect(mine.json.messages[0]).toMatchObject({ channel: "sms", status: "failed", recipient: "+442079460000" });
    const rest = await api(ada, "GET", `/notifications?before=${mine.json.next}&limit=100`);
    expect([rest.json.messages.length, rest.json.next]).toEqual([8, null]);
    // no parameter reaches another customer's messages
    const bobs = await api(bob, "GET", `/notifications?userId=${ada.id}&user_id=${ada.id}`);
    expect(bobs.json.messages.map((m: { orderId: string }) => m.orderId)).toEqual(["bob-order-1"]);
    expect((await api(ada, "GET", "/notifications?limit=0")).status).toBe(400);
    expect((await api(ada, "GET", "/notifications?before=abc")).status).toBe(400);
    expect((await send(ada, "/account/messages?before=-3")).status).toBe(400);
    expect((await send(null, "/account/messages")).res.headers.get("location")).toBe("/login?next=%2Faccount%2Fmessages");
  });
});
