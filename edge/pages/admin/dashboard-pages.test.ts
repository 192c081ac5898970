/** The dashboard at /admin against a real shop: who may see it, what it shows, and its live stream. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startShop, type Shop } from "../../../test/kit.ts";
import { sseReader } from "../../../test/sse.ts";
import { visitor } from "../../../test/visitor.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

const admin = () => visitor(shop).signIn("dash-ada", "admin");
/** The big figure of the tile named `label`. */
const tile = (html: string, label: string) => new RegExp(`<h3>${label}</h3><p class="figure">([^<]*)</p>`).exec(html)?.[1];

describe("the dashboard", () => {
  test("guests and customers are kept out of the page and its stream", async () => {
    expect((await visitor(shop).get("/admin/stream", { accept: "text/event-stream" })).status).toBe(401);
    const customer = await visitor(shop).signIn("dash-cy");
    expect((await customer.get("/admin", { accept: "text/html" })).status).toBe(403);
    expect((await customer.get("/admin/stream", { accept: "text/event-stream" })).status).toBe(403);
    const page = await (await customer.get("/admin", { accept: "text/html" })).text();
    expect(page).not.toContain("Orders in flight");
  });

  test("an admin sees today's orders and revenue, where sagas stand, and the charts with their figures as text", async () => {
    // the shop's first orders (the read below is the dashboard's first)
    const id = await shop.place("dash-bo", { sku: "AUD-001", qty: 2 });
    await shop.waitFor(id, ["SHIPPED"]);
    const declined = await shop.place("dash-bo", { card: "tok_decline" });
    await shop.waitFor(declined, ["PAYMENT_FAILED"]);
    const res = await (await admin()).get("/admin");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(tile(html, "Orders")).toBe("2");
    expect(tile(html, "Revenue")).toMatch(/^\$[\d,]+\.\d\d$/);
    expect(tile(html, "Revenue")).not.toBe("$0.00");
    expect(Number(tile(html, "Failed, waiting for an admin"))).toBeGreaterThanOrEqual(1);
    expect(tile(html, "Stalled sagas")).toBe("0");
    for (const title of ["Revenue per day, last 30 days", "Orders per hour, today", "Orders by status", "Top products this week"]) {
      expect(html).toContain(`<title id="chart-`);
      expect(html).toContain(`<figcaption id="chart-`);
      expect(html).toContain(title);
    }
    expect(html).toContain('role="img" aria-labelledby="chart-revenue-title chart-revenue-desc"');
    expect(html).toMatch(/<th scope="row">Payment failed<\/th><td class="num">\d+<\/td>/);
    expect(html).toContain("Latest admin actions");
    expect(html).toContain('hx-sse:connect="/admin/stream"');
  });

  test("the stream sends the dashboard again when an order moves, with the new figures", async () => {
    const res = await (await admin()).get("/admin/stream", { accept: "text/event-stream" });
    expect(res.status).toBe(200);
    const sse = sseReader(res);
    try {
      await sse.next(); // the stream is open and subscribed
      const first = await sse.message(); // the dashboard as it is now, at once
      const before = Number(tile(first.data, "Orders"));
      expect(before).toBe(2);
      const id = await shop.place("dash-cleo");
      let seen = before;
      while (seen < before + 1) {
        const { data } = await sse.message();
        expect(data).toStartWith('<hx-partial hx-target="#dashboard-live" hx-swap="outerMorph">');
        seen = Number(tile(data, "Orders"));
      }
      expect(seen).toBe(before + 1);
      await shop.waitFor(id, ["SHIPPED"]);
    } finally {
      await sse.cancel();
    }
  }, 30_000);

  test("an admin's stock adjustment shows live among the products low on stock, and in the latest actions", async () => {
    const res = await (await admin()).get("/admin/stream", { accept: "text/event-stream" });
    const sse = sseReader(res);
    try {
      await sse.next();
      const first = (await sse.message()).data;
      expect(first).not.toContain("(TOY-002)");
      await shop.oneWarehouse("TOY-002");
      const { available } = await shop.stockOf("TOY-002");
      const adjusted = await shop.call("POST", "/api/admin/products/TOY-002/stock", {
        token: await shop.token("admin"), body: { delta: 3 - available, reason: "stocktake: most were damaged", warehouse: "BER" },
      });
      expect(adjusted.status).toBe(200);
      let data = "";
      while (!data.includes("(TOY-002)")) data = (await sse.message()).data;
      expect(data).toContain("(TOY-002)</span>: <strong>3 units</strong> available");
      expect(data).toContain("<code>stock.adjust</code> product");
    } finally {
      await sse.cancel();
    }
  }, 30_000);
});
