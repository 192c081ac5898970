/** The admin orders table against a real shop: who may see it, its filters, the CSV, and the live stream. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startShop, waitUntil, type Shop } from "../../../test/kit.ts";
import { sseReader } from "../../../test/sse.ts";
import { visitor } from "../../../test/visitor.ts";

let shop: Shop;
let ada: string;
let grace: string;
let mallory: string;
beforeAll(async () => {
  shop = await startShop();
  ada = (await shop.sys.accounts.register("ada.table@example.com", "analytical1", "Ada Lovelace")).id;
  grace = (await shop.sys.accounts.register("grace.table@example.com", "analytical1", "Grace Hopper")).id;
  mallory = (await shop.sys.accounts.register("mallory.table@example.com", "analytical1", '=HYPERLINK("http://evil.example","x")')).id;
});
afterAll(() => shop.stop());

const admin = () => visitor(shop).signIn("orders-admin", "admin");
const rowIds = (html: string) => [...html.matchAll(/<tr id="order-([^"]+)"/g)].map((m) => m[1]);

/** Place in `currency` through the API (the kit's `place` pays in USD). */
async function placeIn(customer: string, currency: string, card = "tok_visa") {
  const res = await shop.call("POST", "/api/orders", {
    token: await shop.token("customer", customer), headers: { "idempotency-key": crypto.randomUUID() },
    body: { items: [{ sku: "AUD-005", qty: 2 }], shippingAddress: { name: "G", line1: "1 St", city: "X", postalCode: "1", country: "DE" }, paymentToken: card, currency },
  });
  expect(res.status).toBe(202);
  return res.json.orderId as string;
}

describe("who sees /admin/orders", () => {
  test("a guest is sent to sign in and back; a customer gets 403; an admin the table with Orders in the nav", async () => {
    const guest = await visitor(shop).get("/admin/orders?status=SHIPPED");
    expect(guest.status).toBe(303);
    expect(guest.headers.get("location")).toBe(`/login?next=${encodeURIComponent("/admin/orders?status=SHIPPED")}`);
    expect((await visitor(shop).get("/admin/orders.csv")).status).toBe(303);
    const customer = await visitor(shop).signIn(ada);
    expect((await customer.get("/admin/orders")).status).toBe(403);
    expect((await customer.get("/admin/orders.csv")).status).toBe(403);
    expect((await customer.get("/admin/orders/stream", { accept: "text/event-stream" })).status).toBe(403);
    const res = await (await admin()).get("/admin/orders");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<a href="/admin/orders" aria-current="page">Orders</a>');
  });
});

describe("the filters", () => {
  let adaPaid: string, adaDeclined: string, graceEur: string;
  beforeAll(async () => {
    adaPaid = await shop.place(ada, { sku: "AUD-005" });
    adaDeclined = await shop.place(ada, { sku: "AUD-005", card: "tok_decline" });
    graceEur = await placeIn(grace, "EUR");
    await Promise.all([shop.waitFor(adaPaid, ["SHIPPED", "DELIVERED"]), shop.waitFor(adaDeclined, ["PAYMENT_FAILED"]), shop.waitFor(graceEur, ["SHIPPED", "DELIVERED"])]);
  });

  const list = async (qs: string) => {
    const res = await (await admin()).get(`/admin/orders?${qs}`);
    expect(res.status).toBe(200);
    return res.text();
  };

  test("rows carry the customer's name and email and link to the order's page", async () => {
    const html = await list(`id=${adaPaid.slice(0, 13)}`);
    expect(rowIds(html)).toEqual([adaPaid]);
    expect(html).toContain("Ada Lovelace");
    expect(html).toContain("ada.table@example.com");
    expect(html).toContain(`href="/admin/orders/${adaPaid}"`);
  });

  test.each([
    ["customer=ADA.TABLE", ["adaPaid", "adaDeclined"], ["graceEur"]],
    ["customer=hopper", ["graceEur"], ["adaPaid", "adaDeclined"]],
    ["customer=lovelace&status=PAYMENT_FAILED", ["adaDeclined"], ["adaPaid", "graceEur"]],
    ["customer=table&status=PAYMENT_FAILED&status=SHIPPED&status=DELIVERED", ["adaPaid", "adaDeclined", "graceEur"], []],
    ["customer=table&currency=EUR", ["graceEur"], ["adaPaid", "adaDeclined"]],
    ["customer=table&from=2000-01-01&to=2000-12-31", [], ["adaPaid", "adaDeclined", "graceEur"]],
    ["customer=table&from=2000-01-01", ["adaPaid", "adaDeclined", "graceEur"], []],
    ["customer=table&min=1000000", [], ["adaPaid", "adaDeclined", "graceEur"]],
    ["customer=table&max=0.01", [], ["adaPaid", "adaDeclined", "graceEur"]],
  ])("%s", async (qs, shown, hidden) => {
    const ids = { adaPaid, adaDeclined, graceEur } as Record<string, string>;
    const rows = rowIds(await list(qs));
    for (const name of shown) expect(rows).toContain(ids[name]!);
    for (const name of hidden) expect(rows).not.toContain(ids[name]!);
  });

  test("the form shows the filter it was given, and a total in another currency with its USD equivalent", async () => {
    const html = await list("customer=hopper&status=SHIPPED&status=DELIVERED&currency=EUR&sort=total&dir=asc");
    expect(html).toContain('value="hopper"');
    expect(html).toMatch(/value="SHIPPED" checked/);
    expect(html).toMatch(/<option value="EUR" selected/);
    expect(html).toMatch(/<option value="total" selected/);
    expect(html).toMatch(/€[0-9.,]+<span class="muted detail">≈ \$[0-9.,]+/);
    expect(html).toContain("/admin/orders.csv?status=SHIPPED&amp;status=DELIVERED&amp;customer=hopper&amp;currency=EUR&amp;sort=total&amp;dir=asc");
  });

  test("keyset pages: next and first links carry the filter", async () => {
    const one = await list("customer=table&limit=1");
    const next = /href="(\/admin\/orders\?customer=table&amp;limit=1&amp;cursor=[^"]+)"/.exec(one)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toBeDefined();
    const two = await list(next!.split("?")[1]!);
    expect(rowIds(two)).toHaveLength(1);
    expect(rowIds(two)).not.toEqual(rowIds(one));
    expect(two).toMatch(/href="\/admin\/orders\?customer=table&amp;limit=1"[^>]*>← First page/);
  });

  test.each([["status=LOST", "status"], ["min=ten", "min"], ["cursor=nope", "cursor"], ["currency=XYZ", "currency"], ["offset=50", "offset"]])(
    "%s is a 400 page naming %s, nothing listed",
    async (qs, field) => {
      const res = await (await admin()).get(`/admin/orders?${qs}`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(`${field}: `);
    },
  );
});

describe("the CSV", () => {
  test("every matching order, one line each, with formula cells defused", async () => {
    const evil = await shop.place(mallory, { sku: "AUD-005" });
    const plain = await shop.place(ada, { sku: "AUD-005" });
    const csv = async () => (await admin()).get("/admin/orders.csv?customer=mallory.table");
    await waitUntil(async () => (await (await csv()).text()).includes(evil), 10_000, "the order in the read model");
    const res = await csv();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]).toBe("order_id,placed_at,updated_at,status,customer_name,customer_email,items,total,currency,total_usd");
    expect(lines).toHaveLength(3); // the header, one order, the final line break
    expect(lines[1]).toStartWith(`${evil},`);
    // the name would be a formula: a leading apostrophe, quoted for its commas and quotes
    expect(lines[1]).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",mallory.table@example.com,1,`);
    expect(lines.join("\n")).not.toContain(plain);
    // the same through ?format=csv
    expect(await (await (await admin()).get("/admin/orders?format=csv&customer=mallory.table")).text()).toContain(evil);
  });
});

describe("the live stream", () => {
  test("page one: a new order arrives at the top, then its row changes in place", async () => {
    const page = await admin();
    const res = await page.get("/admin/orders/stream?customer=grace.table", { accept: "text/event-stream" });
    expect(res.status).toBe(200);
    const sse = sseReader(res);
    try {
      await sse.next(); // connected
      const id = await shop.place(grace, { sku: "AUD-005" });
      const arrival = await sse.message();
      expect(arrival.data).toContain('hx-target="#order-rows" hx-swap="afterbegin"');
      expect(arrival.data).toContain(`<tr id="order-${id}" class="order-row arrived"`);
      expect(arrival.data).toContain("Grace Hopper");
      for (;;) {
        const next = await sse.message();
        expect(next.data).toContain(`hx-target="#order-${id}" hx-swap="outerHTML"`);
        expect(next.data).toContain("order-row changed");
        if (next.data.includes('data-status="SHIPPED"')) break;
      }
    } finally {
      await sse.cancel();
    }
  });

  test("unfiltered: every order that moves is on the table, arriving on top and then changing in place", async () => {
    const sse = sseReader(await (await admin()).get("/admin/orders/stream", { accept: "text/event-stream" }));
    try {
      await sse.next();
      const id = await shop.place(ada, { sku: "AUD-005" });
      // orders of earlier tests may still be moving: their rows come meanwhile
      let message = await sse.message();
      while (!message.data.includes(`id="order-${id}"`)) message = await sse.message();
      expect(message.data).toContain(`<tr id="order-${id}" class="order-row arrived"`);
      expect(message.data).toContain("Ada Lovelace");
      while (!message.data.includes(`id="order-${id}" class="order-row changed" data-status="SHIPPED"`)) {
        expect(message.data).not.toContain("order-row leaving");
        message = await sse.message();
      }
    } finally {
      await sse.cancel();
    }
  });

  test("a row that leaves the filter is sent fading; an order of another customer is not sent", async () => {
    const page = await admin();
    const id = await shop.place(grace, { sku: "AUD-005", card: "tok_decline" });
    await shop.waitFor(id, ["PAYMENT_FAILED"]);
    const res = await page.get("/admin/orders/stream?customer=grace.table&status=PAYMENT_FAILED", { accept: "text/event-stream" });
    const sse = sseReader(res);
    try {
      await sse.next();
      await shop.place(ada, { sku: "AUD-005", card: "tok_decline" }); // never matches: nothing sent for it
      const cancelled = await shop.call("POST", `/api/orders/${id}/cancel`, { token: await shop.token("customer", grace) });
      expect(cancelled.status).toBe(202);
      const leaving = await sse.message();
      expect(leaving.data).toContain(`hx-target="#order-${id}" hx-swap="outerHTML"`);
      expect(leaving.data).toContain("order-row leaving");
      expect(leaving.data).toContain("no longer matches");
    } finally {
      await sse.cancel();
    }
  });

  test("an order placed after the page was drawn but before its stream opened comes with the stream's first message", async () => {
    const page = await admin();
    const html = await (await page.get("/admin/orders?customer=grace.table")).text();
    const streamUrl = /hx-sse:connect="(\/admin\/orders\/stream[^"]*)"/.exec(html)![1]!.replaceAll("&amp;", "&");
    expect(streamUrl).toMatch(/^\/admin\/orders\/stream\?customer=grace\.table&since=\d+$/);
    const id = await shop.place(grace, { sku: "AUD-005" });
    await waitUntil(async () => (await (await page.get("/admin/orders?customer=grace.table")).text()).includes(`id="order-${id}"`), 10_000, "the order listed");
    const sse = sseReader(await page.get(streamUrl, { accept: "text/event-stream" }));
    try {
      await sse.next();
      const first = await sse.message();
      expect(first.data).toContain(`<tr id="order-${id}" class="order-row arrived"`);
    } finally {
      await sse.cancel();
    }
    await shop.waitFor(id, ["SHIPPED"]); // settled: the next tests count what moves
  });

  test("page one sorted by total: a new order is counted too, and the bar offers to reload", async () => {
    const sse = sseReader(await (await admin()).get("/admin/orders/stream?customer=grace.table&sort=total", { accept: "text/event-stream" }));
    try {
      await sse.next();
      const id = await shop.place(grace, { sku: "AUD-005" });
      // earlier orders of the page may still be moving: their rows come in place meanwhile
      let bar = await sse.message();
      while (!bar.data.includes('hx-target="#new-orders"')) {
        expect(bar.data).not.toContain(`id="order-${id}"`);
        bar = await sse.message();
      }
      expect(bar.data).toContain("1 new order matches this filter.");
      expect(bar.data).toMatch(/<a href="\/admin\/orders\?customer=grace\.table&amp;sort=total"[^>]*>Reload the list<\/a>/);
      await shop.waitFor(id, ["SHIPPED"]);
    } finally {
      await sse.cancel();
    }
  });

  test("page two: a new order is counted in the bar instead of shifting rows", async () => {
    const page = await admin();
    const first = await page.get("/admin/orders?customer=grace.table&limit=1");
    const next = /href="\/admin\/orders\?([^"]*cursor=[^"]+)"/.exec(await first.text())![1]!.replaceAll("&amp;", "&");
    const sse = sseReader(await page.get(`/admin/orders/stream?${next}`, { accept: "text/event-stream" }));
    try {
      await sse.next();
      await shop.place(grace, { sku: "AUD-005" });
      const bar = await sse.message();
      expect(bar.data).toContain('hx-target="#new-orders"');
      expect(bar.data).toContain("1 new order matches this filter.");
      expect(bar.data).toMatch(/<a href="\/admin\/orders\?customer=grace\.table&amp;limit=1"[^>]*>Show the first page<\/a>/);
      expect(bar.data).not.toContain("<tr");
    } finally {
      await sse.cancel();
    }
  });
});
