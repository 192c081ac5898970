/**
 * The admins' customer API on a whole shop: search, a customer's orders, lifetime value and
 * sign-ins; disabling ends the sessions and refuses sign-in; enabling; promoting and
 * demoting with the last-admin rule; every change in the audit log.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, isNull } from "drizzle-orm";
import { auditLog, users } from "../db/schema.ts";
import { registerCustomer } from "./accounts-kit.ts";
import { startShop, waitUntil, type Shop } from "./kit.ts";
import { ENGINES } from "./engines.ts";

describe.each(ENGINES)("%s", (engine) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({}, undefined, engine);
  });
  afterAll(() => shop.stop());

  const tag = crypto.randomUUID().slice(0, 8);
  const register = (name: string) => registerCustomer(shop, name, tag);
  const login = (email: string, password = "analytical1") =>
    shop.call("POST", "/api/auth/login", { body: { email, password }, headers: { "user-agent": "TestBrowser/1.0" } });

  test("search by name or email, paged; a customer's orders, lifetime value and sign-ins", async () => {
    const admin = await shop.token("admin");
    const ada = await register("Ada");
    const bea = await register("Bea");
    const found = await shop.call("GET", `/api/admin/customers?q=${tag}`, { token: admin });
    expect(found.status).toBe(200);
    expect(found.json.customers.map((c: any) => c.email)).toEqual([ada.email, bea.email]);
    const first = await shop.call("GET", `/api/admin/customers?q=${tag}&limit=1`, { token: admin });
    expect([first.json.customers.length, first.json.next]).toEqual([1, ada.email]);
    const second = await shop.call("GET", `/api/admin/customers?q=${tag}&limit=1&after=${encodeURIComponent(first.json.next)}`, { token: admin });
    expect([second.json.customers[0].email, second.json.next]).toEqual([bea.email, null]);
    expect((await shop.call("GET", `/api/admin/customers?q=BEA ${tag}`, { token: admin })).json.customers.map((c: any) => c.id)).toEqual([bea.id]);

    expect((await login(ada.email, "wrong-password1")).status).toBe(401);
    expect((await login(ada.email)).status).toBe(200);
    const orderId = await shop.place(ada.id);
    await shop.waitFor(orderId, ["SHIPPED"]);
    let detail: any;
    await waitUntil(async () => {
      detail = (await shop.call("GET", `/api/admin/customers/${ada.id}`, { token: admin })).json;
      return detail.orders.length === 1 && detail.lifetimeValue > 0;
    });
    expect(detail.orders[0].id).toBe(orderId);
    expect(detail.lifetimeValue).toBe(detail.orders[0].baseTotal);
    expect(detail.signIns.map((s: any) => [s.succeeded, s.userAgent])).toEqual([[true, "TestBrowser/1.0"], [false, "TestBrowser/1.0"]]);
    expect(detail.lastLoginAt).not.toBeNull();

    expect((await shop.call("GET", "/api/admin/customers/not-an-id", { token: admin })).status).toBe(400);
    expect((await shop.call("GET", `/api/admin/customers/${crypto.randomUUID()}`, { token: admin })).status).toBe(404);
    expect((await shop.call("GET", "/api/admin/customers?limit=0", { token: admin })).status).toBe(400);
  });

  test("customers and guests are refused", async () => {
    const customer = await shop.token("customer");
    const { id } = await register("Cy");
    for (const [method, path] of [["GET", "/api/admin/customers"], ["GET", `/api/admin/customers/${id}`], ["POST", `/api/admin/customers/${id}/disable`],
      ["POST", `/api/admin/customers/${id}/enable`], ["POST", `/api/admin/customers/${id}/role`]] as const) {
      expect((await shop.call(method, path, { token: customer, body: { role: "admin" } })).status).toBe(403);
      expect((await shop.call(method, path, { body: { role: "admin" } })).status).toBe(401);
    }
    const [row] = await shop.sys.database.db.select().from(users).where(eq(users.id, id));
    expect([row!.role, row!.disabledAt]).toEqual(["customer", null]);
  });

  test("disabling refuses refresh at once, access tokens within their check, and sign-in; enabling lets it back", async () => {
    const admin = await shop.token("admin", "admin-disabler");
    const dan = await register("Dan");
    const session = await login(dan.email);
    const { accessToken, refreshToken } = session.json;
    expect((await shop.call("GET", "/api/orders", { token: accessToken })).status).toBe(200);

    const disabled = await shop.call("POST", `/api/admin/customers/${dan.id}/disable`, { token: admin, body: { reason: "fraud" } });
    expect(disabled.json).toEqual({ role: "customer", disabled: true, changed: true });
    expect((await shop.call("POST", "/api/auth/refresh", { body: { refreshToken } })).status).toBe(401);
    await waitUntil(async () => (await shop.call("GET", "/api/orders", { token: accessToken })).status === 401, 15_000, "access token refused");
    const refused = await login(dan.email);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toContain("disabled");
    // a wrong password gets the usual answer: it must not tell that the email has an account
    const guessed = await login(dan.email, "not-his-password1");
    const unknown = await login(`nobody-${tag}@example.com`, "not-his-password1");
    expect([guessed.status, guessed.json]).toEqual([unknown.status, unknown.json]);
    expect(guessed.status).toBe(401);

    const enabled = await shop.call("POST", `/api/admin/customers/${dan.id}/enable`, { token: admin });
    expect(enabled.json).toEqual({ role: "customer", disabled: false, changed: true });
    expect((await login(dan.email)).status).toBe(200);

    const entries = await shop.sys.database.db.select().from(auditLog).where(eq(auditLog.objectId, dan.id)).orderBy(auditLog.id);
    expect(entries.map((e) => [e.action, e.adminId, e.fromState, e.toState, e.outcome, e.reason])).toEqual([
      ["account.disable", "admin-disabler", "customer", "customer, disabled", "done", "fraud"],
      ["account.enable", "admin-disabler", "customer, disabled", "customer", "done", ""],
    ]);
  });

  test("promote and demote; the last enabled admin can be neither demoted nor disabled", async () => {
    const admin = await shop.token("admin", "admin-roles");
    const eve = await register("Eve");
    const promoted = await shop.call("POST", `/api/admin/customers/${eve.id}/role`, { token: admin, body: { role: "admin", reason: "new staff" } });
    expect(promoted.json).toEqual({ role: "admin", disabled: false, changed: true });
    // every other enabled admin steps down, leaving Eve the last one
    const { db } = shop.sys.database;
    const others = await db.select({ id: users.id }).from(users).where(and(eq(users.role, "admin"), isNull(users.disabledAt)));
    for (const { id } of others.filter((o) => o.id !== eve.id)) {
      expect((await shop.call("POST", `/api/admin/customers/${id}/role`, { token: admin, body: { role: "customer" } })).status).toBe(200);
    }
    const demote = await shop.call("POST", `/api/admin/customers/${eve.id}/role`, { token: admin, body: { role: "customer" } });
    expect([demote.status, demote.json.code]).toEqual([409, "LAST_ADMIN"]);
    const disable = await shop.call("POST", `/api/admin/customers/${eve.id}/disable`, { token: admin });
    expect([disable.status, disable.json.code]).toEqual([409, "LAST_ADMIN"]);
    const [row] = await db.select().from(users).where(eq(users.id, eve.id));
    expect([row!.role, row!.disabledAt]).toEqual(["admin", null]);
    expect((await shop.call("POST", `/api/admin/customers/${eve.id}/role`, { token: admin, body: { role: "boss" } })).status).toBe(400);

    const entries = await db.select().from(auditLog).where(eq(auditLog.objectId, eve.id)).orderBy(auditLog.id);
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([["account.promote", "done"], ["account.demote", "refused"], ["account.disable", "refused"]]);
    for (const { id } of others.filter((o) => o.id !== eve.id)) {
      expect((await shop.call("POST", `/api/admin/customers/${id}/role`, { token: admin, body: { role: "admin" } })).status).toBe(200);
    }
  });
});
