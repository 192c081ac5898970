/** The admin console's door and its audit log, against a real shop. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startShop, type Shop } from "../../../test/kit.ts";
import { visitor } from "../../../test/visitor.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

const PAGES = ["/admin", "/admin/audit", "/admin/audit?action=order.retry", "/admin/nothing-here"];

describe("who may enter", () => {
  test("a guest is sent to sign in and comes back to the page asked for", async () => {
    for (const path of PAGES) {
      const res = await visitor(shop).get(path);
      expect([path, res.status, res.headers.get("location")]).toEqual([path, 303, `/login?next=${encodeURIComponent(path)}`]);
    }
  });

  test("a guest's fragment, stream or post gets 401, not a sign-in page", async () => {
    expect((await visitor(shop).get("/admin/audit", { "hx-request": "true" })).status).toBe(401);
    expect((await visitor(shop).get("/admin", { accept: "text/event-stream" })).status).toBe(401);
    expect((await visitor(shop).post("/admin/audit")).status).toBe(401);
  });

  test("a customer gets a 403 page in the shop's layout, and no Admin entry in the header", async () => {
    const customer = await visitor(shop).signIn("adm-cy");
    for (const path of PAGES) {
      const res = await customer.get(path, { accept: "text/html" });
      expect([path, res.status]).toEqual([path, 403]);
      const html = await res.text();
      expect(html).toContain("<h1>Admins only</h1>");
      expect(html).toContain('class="site-nav"');
      expect(html).not.toContain('href="/admin"');
    }
    expect((await customer.get("/admin", { "hx-request": "true" })).status).toBe(403);
  });

  test("an admin sees the console with its sections, and the header's Admin entry", async () => {
    const admin = await visitor(shop).signIn("adm-ada", "admin");
    const res = await admin.get("/admin");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain('<a href="/admin" class="admin-link">Admin</a>');
    expect(html).toContain('<nav aria-label="Admin" class="admin-nav" hx-sse:connect="/admin/alerts/live" hx-swap="none"><a href="/admin" aria-current="page">Overview</a>');
    expect(html).toContain('<a href="/admin/alerts">Alerts<span id="alert-count">');
    expect(html).toContain('<a href="/admin/audit">Audit log</a>');
  });
});

describe("unknown addresses", () => {
  test("a browser gets an HTML 404 in the shop's layout; the API and non-HTML clients get JSON", async () => {
    const page = await visitor(shop).get("/no/such/page", { accept: "text/html,application/xhtml+xml" });
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toStartWith("text/html");
    expect(await page.text()).toContain("<h1>Page not found</h1>");
    const api = await visitor(shop).get("/api/no-such", { accept: "text/html" });
    expect([api.status, (await api.json()).error]).toEqual([404, "no route for GET /api/no-such"]);
    const curl = await visitor(shop).get("/no/such/page");
    expect([curl.status, curl.headers.get("content-type")]).toEqual([404, "application/json"]);
  });

  test("an admin asking for a console page that does not exist gets the HTML 404", async () => {
    const admin = await visitor(shop).signIn("adm-ada", "admin");
    const res = await admin.get("/admin/nothing-here", { accept: "text/html" });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("<h1>Page not found</h1>");
  });
});

describe("the audit log page", () => {
  test("lists admin actions newest first, filters them, and escapes what admins typed", async () => {
    const id = await shop.place("adm-alice", { sku: "AUD-005", card: "tok_decline" });
    await shop.waitFor(id, ["PAYMENT_FAILED"]);
    const token = await shop.token("admin", "adm-ada");
    const compensate = await shop.call("POST", `/api/admin/orders/${id}/compensate`, { token, body: { action: "releaseInventory", reason: "<script>alert(1)</script> card gone" } });
    expect(compensate.status).toBe(202);
    await shop.call("POST", "/api/admin/products/AUD-005/stock", { token: await shop.token("admin", "adm-bob"), body: { delta: 3, reason: "found in the back", warehouse: "BER" } });
    const admin = await visitor(shop).signIn("adm-ada", "admin");
    const all = await (await admin.get("/admin/audit")).text();
    expect(all.indexOf("found in the back")).toBeLessThan(all.indexOf("card gone"));
    expect(all).toContain("&lt;script>alert(1)&lt;/script> card gone");
    expect(all).not.toContain("<script>alert(1)");
    expect(all).toContain("PAYMENT_FAILED → INVENTORY_RELEASED");
    const orderOnly = await (await admin.get(`/admin/audit?type=order&object=${id}`)).text();
    expect(orderOnly).toContain("card gone");
    expect(orderOnly).not.toContain("found in the back");
    const bobs = await (await admin.get("/admin/audit?admin=adm-bob&action=stock.adjust&from=2020-01-01&to=2099-12-31")).text();
    expect(bobs).toContain("found in the back");
    expect(bobs).not.toContain("card gone");
    expect(bobs).toContain('<option value="adm-bob" selected>adm-bob</option>');
  });

  test("a bad filter is a 400 page naming the parameter, and changes nothing", async () => {
    const admin = await visitor(shop).signIn("adm-ada", "admin");
    for (const [path, field] of [["/admin/audit?from=yesterday", "from"], ["/admin/audit?before=-1", "before"], ["/admin/audit?object=a%00b", "object"], ["/admin/audit?type=planet", "type"]] as const) {
      const res = await admin.get(path);
      expect([path, res.status]).toEqual([path, 400]);
      // a control character is refused before routing, as an unreadable request naming the parameter
      expect(await res.text()).toMatch(new RegExp(`${field}(:| contains)`));
    }
  });
});
