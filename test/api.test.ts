/** The JSON API's contract: authentication, authorization, validation, idempotency, 503. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { movements, orders } from "../db/schema.ts";
import { ADDRESS, eventsFor, startShop, type Shop } from "./kit.ts";
import { ENGINES } from "./engines.ts";

describe.each(ENGINES)("%s", (engine) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({}, undefined, engine);
  });
  afterAll(() => shop.stop());

  const body = { items: [{ sku: "AUD-005", qty: 1 }], shippingAddress: ADDRESS, paymentToken: "tok_visa" };

  describe("authentication and authorization", () => {
    test("orders need a token", async () => {
      expect((await shop.call("GET", "/api/orders")).status).toBe(401);
      expect((await shop.call("POST", "/api/orders", { body, headers: { "idempotency-key": "k" } })).status).toBe(401);
      expect((await shop.call("GET", "/api/orders", { token: "not-a-jwt" })).status).toBe(401);
    });

    test("a customer sees only their own orders: another's is 404 to read and to cancel", async () => {
      const id = await shop.place("alice", { sku: "AUD-005" });
      const mallory = await shop.token("customer", "mallory");
      expect((await shop.call("GET", `/api/orders/${id}`, { token: mallory })).status).toBe(404);
      expect((await shop.call("POST", `/api/orders/${id}/cancel`, { token: mallory })).status).toBe(404);
      const own = await shop.call("GET", "/api/orders", { token: mallory });
      expect(own.json.orders).toEqual([]);
      const alice = await shop.call("GET", `/api/orders/${id}`, { token: await shop.token("customer", "alice") });
      expect(alice.status).toBe(200);
      expect(alice.json.orderId).toBe(id);
    });

    test("admin routes need the admin role", async () => {
      const id = await shop.place("alice", { sku: "AUD-005" });
      const customer = await shop.token("customer", "alice");
      expect((await shop.call("POST", `/api/admin/orders/${id}/retry`, { token: customer })).status).toBe(403);
      expect((await shop.call("POST", `/api/admin/orders/${id}/retry`)).status).toBe(401);
    });

    test("admin actions are audited: who, what, on which order, from which state to which, and why", async () => {
      const id = await shop.place("alice", { sku: "AUD-005", card: "tok_decline_once" });
      await shop.waitFor(id, ["PAYMENT_FAILED"]);
      const admin = await shop.token("admin", "ops-ada");
      const retried = await shop.call("POST", `/api/admin/orders/${id}/retry`, { token: admin, body: { reason: "card works now" } });
      expect(retried.status).toBe(202);
      await shop.waitFor(id, ["SHIPPED"]);
      const illegal = await shop.call("PATCH", `/api/admin/orders/${id}/status`, { token: admin, body: { status: "PAYMENT_AUTHORIZED", reason: "go back" } });
      expect(illegal.status).toBe(409);
      expect((await shop.call("POST", `/api/admin/orders/${id}/retry`, { token: admin })).status).toBe(409);
      const { entries } = await shop.sys.audit.list({ objectId: id, limit: 10 });
      expect(entries.map((e) => [e.adminId, e.action, e.fromState, e.toState, e.outcome, e.reason])).toEqual([
        ["ops-ada", "order.retry", "SHIPPED", null, "refused", ""],
        ["ops-ada", "order.status.PAYMENT_AUTHORIZED", "SHIPPED", null, "refused", "go back"],
        ["ops-ada", "order.retry", "PAYMENT_FAILED", retried.json.status, "done", "card works now"],
      ]);
      expect(entries[1]!.detail).toBe(illegal.json.error);
      const tooLong = await shop.call("POST", `/api/admin/orders/${id}/retry`, { token: admin, body: { reason: "x".repeat(501) } });
      expect([tooLong.status, tooLong.json.field]).toEqual([400, "reason"]);
      expect((await shop.sys.audit.list({ objectId: id, limit: 10 })).entries).toHaveLength(3);
    });

    test("a signed-out session's access token is refused at once, as a bearer token and as the page cookie", async () => {
      const signUp = await shop.call("POST", "/api/auth/register", { body: { email: `out-${engine}@example.com`, password: "analytical1", name: "Out" } });
      const { accessToken, refreshToken } = signUp.json;
      expect((await shop.call("GET", "/api/orders", { token: accessToken })).status).toBe(200);
      expect((await shop.call("POST", "/api/auth/logout", { body: { refreshToken } })).status).toBe(204);
      expect((await shop.call("GET", "/api/orders", { token: accessToken })).status).toBe(401);
      const page = await shop.call("GET", "/orders", { headers: { cookie: `session=${accessToken}` } });
      expect([page.status, page.headers.get("location")]).toEqual([303, "/login?next=/orders"]);
    });

    test("admins list every order, filterable by status", async () => {
      const id = await shop.place("zoe", { sku: "AUD-005", card: "tok_decline" });
      await shop.waitFor(id, ["PAYMENT_FAILED"]);
      const res = await shop.call("GET", "/api/orders?status=PAYMENT_FAILED", { token: await shop.token("admin") });
      expect(res.status).toBe(200);
      expect(res.json.orders.map((o: { orderId: string }) => o.orderId)).toContain(id);
      expect(res.json.orders.every((o: { status: string }) => o.status === "PAYMENT_FAILED")).toBe(true);
      const admin = await shop.token("admin");
      const later = new Date(Date.now() + 60_000).toISOString();
      const earlier = new Date(Date.now() - 60_000).toISOString();
      expect((await shop.call("GET", `/api/orders?from=${later}`, { token: admin })).json.orders).toEqual([]);
      const window = await shop.call("GET", `/api/orders?from=${earlier}&to=${later}`, { token: admin });
      expect(window.json.orders.map((o: { orderId: string }) => o.orderId)).toContain(id);
      expect((await shop.call("GET", "/api/orders?from=yesterday", { token: admin })).status).toBe(400);
    });
  });

  describe("validation", () => {
    const bad: [string, unknown, string][] = [
      ["no items", { ...body, items: [] }, "items"],
      ["zero quantity", { ...body, items: [{ sku: "AUD-005", qty: 0 }] }, "items[0].qty"],
      ["fractional quantity", { ...body, items: [{ sku: "AUD-005", qty: 1.5 }] }, "items[0].qty"],
      ["missing city", { ...body, shippingAddress: { ...ADDRESS, city: "" } }, "shippingAddress.city"],
      ["bad country", { ...body, shippingAddress: { ...ADDRESS, country: "Britain" } }, "shippingAddress.country"],
      ["no payment token", { ...body, paymentToken: undefined }, "paymentToken"],
      ["unknown product", { ...body, items: [{ sku: "NOPE-1", qty: 1 }] }, "items[0].sku"],
    ];
    test.each(bad)("%s -> 400 naming %p, nothing written", async (_name, payload, field) => {
      const token = await shop.token("customer", "val");
      const res = await shop.call("POST", "/api/orders", { token, body: payload, headers: { "idempotency-key": crypto.randomUUID() } });
      expect(res.status).toBe(400);
      expect(res.json.field).toBe(field);
      expect(res.json.error).toContain(field);
      const rows = await shop.sys.database.db.select().from(orders).where(eq(orders.customerId, "val"));
      expect(rows).toHaveLength(0);
    });

    test("a missing Idempotency-Key is a 400", async () => {
      const res = await shop.call("POST", "/api/orders", { token: await shop.token("customer"), body });
      expect(res.status).toBe(400);
      expect(res.json.field).toBe("Idempotency-Key");
    });

    test("a form-encoded post is refused", async () => {
      const res = await shop.app.request("/api/orders", {
        method: "POST",
        headers: { authorization: `Bearer ${await shop.token("customer")}`, "content-type": "text/plain", "idempotency-key": "x" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
    });

    test("bad list filters are a 400", async () => {
      const res = await shop.call("GET", "/api/orders?status=LOST", { token: await shop.token("admin") });
      expect(res.status).toBe(400);
      expect(res.json.field).toBe("status");
    });
  });

  describe("idempotency", () => {
    test("the same key from the same customer returns the same order, once", async () => {
      const key = crypto.randomUUID();
      const token = await shop.token("customer", "idem");
      const send = () => shop.call("POST", "/api/orders", { token, body, headers: { "idempotency-key": key } });
      const [a, b] = await Promise.all([send(), send()]);
      const c = await send();
      expect(a.status).toBe(202);
      expect(b.json.orderId).toBe(a.json.orderId);
      expect(c.json.orderId).toBe(a.json.orderId);
      expect(c.json.created).toBe(false);
      const rows = await shop.sys.database.db.select().from(orders).where(eq(orders.customerId, "idem"));
      expect(rows).toHaveLength(1);
      // the events went out once too: a repeat that finds the order writes nothing
      expect(await eventsFor(shop.sys.database.sql, a.json.orderId, "order.OrderCreated.v1")).toHaveLength(1);
      const other = await shop.call("POST", "/api/orders", { token: await shop.token("customer", "idem2"), body, headers: { "idempotency-key": key } });
      expect(other.json.orderId).not.toBe(a.json.orderId);
    });

    test("prices come from the catalog", async () => {
      const product = (await shop.call("GET", "/api/products/AUD-005")).json;
      const res = await shop.call("POST", "/api/orders", {
        token: await shop.token("customer", "price"),
        body: { ...body, items: [{ sku: "AUD-005", qty: 3, unitPrice: 1 }], total: 1 },
        headers: { "idempotency-key": crypto.randomUUID() },
      });
      expect(res.status).toBe(202);
      expect(res.json.total).toBe(product.price * 3);
    });
  });

  describe("catalog", () => {
    test("products list with available stock, 404 for an unknown sku", async () => {
      const list = await shop.call("GET", "/api/products?limit=100");
      expect(list.json.products.length).toBeGreaterThanOrEqual(50);
      expect(new Set(list.json.products.map((p: { category: string }) => p.category)).size).toBeGreaterThanOrEqual(5);
      expect((await shop.call("GET", "/api/products/NOPE")).status).toBe(404);
    });

    test("an adjustment moves the stock and logs the movement with its reason and the admin who made it", async () => {
      const admin = await shop.token("admin", "stock-sam");
      const before = (await shop.stockOf("BOK-004")).available;
      const res = await shop.call("POST", "/api/admin/products/BOK-004/stock", { token: admin, body: { delta: 5, reason: "restock", warehouse: "BER" } });
      expect(res.status).toBe(200);
      expect(res.json.available).toBe(before + 5);
      const [moved] = await shop.sys.database.db.select().from(movements).where(and(eq(movements.sku, "BOK-004"), eq(movements.ref, "admin")));
      expect(moved).toMatchObject({ deltaOnHand: 5, deltaReserved: 0, reason: "restock", actor: "stock-sam" });
    });

    test("removing more stock than is free is a 409 with its code, and changes nothing", async () => {
      const admin = await shop.token("admin");
      const before = await shop.call("GET", "/api/products/BOK-003");
      const res = await shop.call("POST", "/api/admin/products/BOK-003/stock", { token: admin, body: { delta: -100_000, reason: "count", warehouse: "BER" } });
      expect(res.status).toBe(409);
      expect(res.json).toEqual({ error: expect.stringContaining("cannot remove 100000 units of BOK-003"), code: "RESERVED" });
      expect((await shop.call("GET", "/api/products/BOK-003")).json).toEqual(before.json);
    });
  });

  describe("a dependency that is down", () => {
    test("commands answer 503 with Retry-After and write nothing", async () => {
      const down = await startShop({}, undefined, engine);
      try {
        const token = await down.token("customer", "x");
        await down.sys.stop();
        const res = await down.call("POST", "/api/orders", { token, body, headers: { "idempotency-key": crypto.randomUUID() } });
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("5");
      } finally {
        await down.stop(); // its database too (the system's stop runs once)
      }
    });
  });
});
