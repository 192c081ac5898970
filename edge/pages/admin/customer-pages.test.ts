/** The console's customer pages against a real shop: who may enter, search, one account, the audited forms. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, isNull } from "drizzle-orm";
import { auditLog, users } from "../../../db/schema.ts";
import { registerCustomer } from "../../../test/accounts-kit.ts";
import { startShop, waitUntil, type Shop } from "../../../test/kit.ts";
import { visitor } from "../../../test/visitor.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

const tag = crypto.randomUUID().slice(0, 8);
const register = (name: string) => registerCustomer(shop, name, tag);
const rowOf = async (id: string) => (await shop.sys.database.db.select().from(users).where(eq(users.id, id)))[0]!;

describe("who may enter", () => {
  test("guests are sent to sign in and customers refused, on every customer page and action", async () => {
    const ada = await register("Ada");
    const pages = ["/admin/customers", `/admin/customers?q=${tag}`, `/admin/customers/${ada.id}`];
    for (const path of pages) {
      expect((await visitor(shop).get(path)).status).toBe(303);
    }
    const customer = await visitor(shop).signIn(ada.id);
    for (const path of pages) expect([path, (await customer.get(path, { accept: "text/html" })).status]).toEqual([path, 403]);
    for (const tool of ["disable", "enable", "promote", "demote"]) {
      expect((await visitor(shop).post(`/admin/customers/${ada.id}/${tool}`, { reason: "x", confirm: "yes" })).status).toBe(401);
      expect((await customer.post(`/admin/customers/${ada.id}/${tool}`, { reason: "x", confirm: "yes" })).status).toBe(403);
    }
    const row = await rowOf(ada.id);
    expect([row.role, row.disabledAt]).toEqual(["customer", null]);
  });
});

describe("an admin", () => {
  test("searches by name or email and opens an account with its orders and sign-ins", async () => {
    const admin = await visitor(shop).signIn("cust-admin", "admin");
    const bea = await register("Bea");
    const cal = await register("Cal");
    expect((await shop.call("POST", "/api/auth/login", { body: { email: bea.email, password: "analytical1" }, headers: { "user-agent": "PageTest/2.0" } })).status).toBe(200);
    const list = await admin.get(`/admin/customers?q=${tag}`);
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain('<a href="/admin/customers" aria-current="page">Customers</a>');
    expect(html).toContain(`<a href="/admin/customers/${bea.id}">Bea ${tag}</a>`);
    expect(html).toContain(cal.email);
    expect(await (await admin.get(`/admin/customers?q=CAL-${tag}`)).text()).not.toContain(bea.email);
    expect(await (await admin.get(`/admin/customers?q=nobody-${tag}`)).text()).toContain(`No account's name or email contains &quot;nobody-${tag}&quot;.`);

    const orderId = await shop.place(bea.id);
    let detail = "";
    await waitUntil(async () => (detail = await (await admin.get(`/admin/customers/${bea.id}`)).text()).includes(`href="/admin/orders/${orderId}"`));
    expect(detail).toContain(`<h1 id="customer-title">Bea ${tag}</h1>`);
    expect(detail).toContain(`href="/admin/orders/${orderId}"`);
    expect(detail).toContain("PageTest/2.0");
    expect(detail).toContain("Lifetime value");
    expect(detail).toContain(`action="/admin/customers/${bea.id}/disable"`);
    expect(detail).toContain(`action="/admin/customers/${bea.id}/promote"`);
  });

  test("bad input is a 400 naming it and changes nothing", async () => {
    const admin = await visitor(shop).signIn("cust-admin", "admin");
    const dee = await register("Dee");
    const cases: [string, Record<string, string>, string][] = [
      [`/admin/customers/${dee.id}/disable`, { reason: "fraud" }, "confirm"],
      [`/admin/customers/${dee.id}/disable`, { confirm: "yes" }, "reason"],
      [`/admin/customers/${dee.id}/retire`, { reason: "x" }, "tool"],
      ["/admin/customers/not-an-id/disable", { reason: "x", confirm: "yes" }, "id"],
    ];
    for (const [path, form, field] of cases) {
      const res = await admin.post(path, form);
      expect([path, res.status]).toEqual([path, 400]);
      expect(await res.text()).toContain(`${field}:`);
    }
    expect((await admin.get("/admin/customers/nope")).status).toBe(400);
    expect((await admin.get(`/admin/customers/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await admin.get("/admin/customers?q=a%00b")).status).toBe(400);
    expect((await rowOf(dee.id)).disabledAt).toBeNull();
  });

  test("disables, enables, promotes and demotes with a reason, each audited; the last admin is refused on the page", async () => {
    const admin = await visitor(shop).signIn("cust-admin", "admin");
    const eve = await register("Eve");
    const done = await admin.post(`/admin/customers/${eve.id}/disable`, { reason: "chargebacks", confirm: "yes" });
    expect([done.status, done.headers.get("location")]).toEqual([303, `/admin/customers/${eve.id}?done=disable`]);
    expect((await rowOf(eve.id)).disabledAt).not.toBeNull();
    expect(await (await admin.get(done.headers.get("location")!)).text()).toContain("Account disabled: its sessions end now.");
    expect((await admin.post(`/admin/customers/${eve.id}/enable`, { reason: "settled" })).status).toBe(303);
    expect((await admin.post(`/admin/customers/${eve.id}/promote`, { reason: "new staff" })).status).toBe(303);
    expect((await rowOf(eve.id)).role).toBe("admin");

    // every other enabled admin steps down, leaving Eve the last one
    const { db } = shop.sys.database;
    const others = (await db.select({ id: users.id }).from(users).where(and(eq(users.role, "admin"), isNull(users.disabledAt)))).filter((o) => o.id !== eve.id);
    for (const { id } of others) expect((await admin.post(`/admin/customers/${id}/demote`, { reason: "test", confirm: "yes" })).status).toBe(303);
    const refused = await admin.post(`/admin/customers/${eve.id}/demote`, { reason: "test", confirm: "yes" });
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain('<p class="refusal" role="alert">this is the shop\'s only enabled admin: make another admin first</p>');
    expect(html).toContain(`<h1 id="customer-title">Eve ${tag}</h1>`);
    expect((await rowOf(eve.id)).role).toBe("admin");
    for (const { id } of others) expect((await admin.post(`/admin/customers/${id}/promote`, { reason: "test" })).status).toBe(303);

    const entries = await db.select().from(auditLog).where(eq(auditLog.objectId, eve.id)).orderBy(auditLog.id);
    expect(entries.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ["account.disable", "done", "chargebacks"], ["account.enable", "done", "settled"], ["account.promote", "done", "new staff"], ["account.demote", "refused", "test"],
    ]);
  });
});

describe("the account's own recent sign-ins", () => {
  test("a customer sees their own sign-ins and no one else's; a guest is sent to sign in", async () => {
    const fay = await register("Fay");
    const gus = await register("Gus");
    const login = (email: string, password: string) =>
      shop.call("POST", "/api/auth/login", { body: { email, password }, headers: { "user-agent": `Agent-${email}` } });
    expect((await login(fay.email, "wrong-password1")).status).toBe(401);
    expect((await login(fay.email, "analytical1")).status).toBe(200);
    expect((await login(gus.email, "analytical1")).status).toBe(200);
    const guest = await visitor(shop).get("/account/sign-ins");
    expect([guest.status, guest.headers.get("location")]).toEqual([303, "/login?next=/account/sign-ins"]);
    const page = await (await (await visitor(shop).signIn(fay.id)).get("/account/sign-ins")).text();
    expect(page).toContain('<h2 id="recent-sign-ins-title">Recent sign-ins</h2>');
    expect(page).toContain(`Agent-${fay.email}`);
    expect(page).toContain("Wrong password");
    expect(page).not.toContain(`Agent-${gus.email}`);
  });
});
