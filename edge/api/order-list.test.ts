/** GET /api/orders: the admin's filters, a customer's own orders only, and keyset pages while orders keep arriving. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { toBaseCents } from "../../actors/money/currency.ts";
import { startShop, waitUntil, type Shop } from "../../test/kit.ts";

let shop: Shop;
let ada: string;
let grace: string;
beforeAll(async () => {
  shop = await startShop();
  ada = (await shop.sys.accounts.register("ada.api@example.com", "analytical1", "Ada Lovelace")).id;
  grace = (await shop.sys.accounts.register("grace.api@example.com", "analytical1", "Grace Hopper")).id;
});
afterAll(() => shop.stop());

type Listed = { orderId: string; customerId: string; status: string; currency: string; customer?: { name: string; email: string }; totalUsd?: number };
const list = async (qs: string, token?: string) => {
  const res = await shop.call("GET", `/api/orders?${qs}`, { token: token ?? await shop.token("admin") });
  expect(res.status).toBe(200);
  return res.json as { orders: Listed[]; next: string | null; links: { next: string | null } };
};
/** Wait until every one of `ids` is in the read model (the projector runs after the order's commit). */
const projected = (ids: string[]) => waitUntil(async () => {
  const { orders } = await list(`customer=.api@&limit=200`);
  return ids.every((id) => orders.some((o) => o.orderId === id));
}, 15_000, "orders in the read model");

async function placeEur(customer: string, currency = "EUR") {
  const res = await shop.call("POST", "/api/orders", {
    token: await shop.token("customer", customer), headers: { "idempotency-key": crypto.randomUUID() },
    body: { items: [{ sku: "AUD-005", qty: 1 }], shippingAddress: { name: "G", line1: "1 St", city: "X", postalCode: "1", country: "DE" }, paymentToken: "tok_visa", currency },
  });
  return res.json.orderId as string;
}

describe("filters", () => {
  let adaOrder: string, graceEur: string, declined: string;
  beforeAll(async () => {
    adaOrder = await shop.place(ada, { sku: "AUD-005" });
    graceEur = await placeEur(grace);
    declined = await shop.place(ada, { sku: "AUD-005", card: "tok_decline" });
    await shop.waitFor(declined, ["PAYMENT_FAILED"]);
    await projected([adaOrder, graceEur, declined]);
  });

  test("an admin's list carries each customer's name and email and the total in USD", async () => {
    const { orders } = await list(`id=${graceEur}`);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ orderId: graceEur, currency: "EUR", customer: { name: "Grace Hopper", email: "grace.api@example.com" } });
    // the same cents the money module's exact conversion gives, at the rate the order recorded
    const { minorUnits } = await shop.sys.currencies.rate("EUR");
    const order = (await shop.call("GET", `/api/orders/${graceEur}`, { token: await shop.token("admin") })).json;
    expect(orders[0]!.totalUsd).toBe(toBaseCents(order.total, { code: "EUR", minorUnits, rate: order.fxRate }));
  });

  test("a yen total (no minor units) is converted the same way", async () => {
    const id = await placeEur(grace, "JPY");
    await projected([id]);
    const [listed] = (await list(`id=${id}`)).orders;
    const order = (await shop.call("GET", `/api/orders/${id}`, { token: await shop.token("admin") })).json;
    expect(listed!.totalUsd).toBe(toBaseCents(order.total, { code: "JPY", minorUnits: 0, rate: order.fxRate }));
  });

  test.each([
    ["customer=lovelace", ["ada1", "ada2"], ["grace"]],
    ["customer=GRACE.API", ["grace"], ["ada1", "ada2"]],
    ["customer=.api@&currency=EUR", ["grace"], ["ada1", "ada2"]],
    ["customer=.api@&status=PAYMENT_FAILED", ["ada2"], ["ada1", "grace"]],
    ["customer=.api@&status=PAYMENT_FAILED,CREATED,INVENTORY_RESERVED,PAYMENT_AUTHORIZED,PROCESSING,SHIPPED,DELIVERED", ["ada1", "ada2", "grace"], []],
    ["customer=.api@&min=0&max=0", [], ["ada1", "ada2", "grace"]],
    ["customer=.api@&to=2001-01-01", [], ["ada1", "ada2", "grace"]],
  ])("%s", async (qs, shown, hidden) => {
    const names: Record<string, string> = { ada1: adaOrder, ada2: declined, grace: graceEur };
    const ids = (await list(qs)).orders.map((o) => o.orderId);
    for (const n of shown) expect(ids).toContain(names[n]!);
    for (const n of hidden) expect(ids).not.toContain(names[n]!);
  });

  test("a customer sees only their own orders, whatever the filter names, and no one's email", async () => {
    const token = await shop.token("customer", ada);
    const mine = await list("customer=grace", token);
    expect(mine.orders).toEqual([]);
    const own = await list("", token);
    expect(own.orders.map((o) => o.customerId)).toEqual(own.orders.map(() => ada));
    expect(own.orders[0]!.customer).toBeUndefined();
    expect((await list(`id=${graceEur}`, token)).orders).toEqual([]);
  });

  test.each([["status=LOST", "status"], ["min=-1", "min"], ["currency=EURO", "currency"], ["cursor=abc", "cursor"], ["offset=10", "offset"], ["sort=name", "sort"]])(
    "%s is a 400 naming %s",
    async (qs, field) => {
      const res = await shop.call("GET", `/api/orders?${qs}`, { token: await shop.token("admin") });
      expect([res.status, res.json.field]).toEqual([400, field]);
    },
  );
});

describe("keyset pages", () => {
  test.each(["placed", "total", "status"] as const)("sorted by %s: every order once, while new orders arrive between pages", async (sort) => {
    const who = (await shop.sys.accounts.register(`pager-${sort}@example.com`, "analytical1", `Pager ${sort}`)).id;
    const before: string[] = [];
    for (let i = 0; i < 7; i++) before.push(await shop.place(who, { sku: "AUD-005", qty: 1 + (i % 3) }));
    // settled first: a status sort's key is the status, which must not move while the pages are read
    for (const id of before) await shop.waitFor(id, ["SHIPPED"]);
    await waitUntil(async () => (await list(`customer=pager-${sort}@&status=SHIPPED&limit=200`)).orders.length === 7, 15_000, "7 orders listed");

    const seen: string[] = [];
    const added: string[] = [];
    let url: string | null = `/api/orders?customer=pager-${sort}@&sort=${sort}&limit=3`;
    while (url) {
      const res = await shop.call("GET", url, { token: await shop.token("admin") });
      expect(res.status).toBe(200);
      seen.push(...res.json.orders.map((o: Listed) => o.orderId));
      url = res.json.links.next;
      if (url) expect(url).toContain(`limit=3`);
      added.push(await shop.place(who, { sku: "AUD-005" })); // lands before the cursor when newest first, anywhere otherwise
    }
    expect(new Set(seen).size).toBe(seen.length); // no duplicates
    for (const id of before) expect(seen).toContain(id); // no gaps
    for (const id of seen) expect([...before, ...added]).toContain(id);
  }, 60_000);

  test("the next page of a newest-first list never shows an order placed after the first page", async () => {
    const who = (await shop.sys.accounts.register("pager-new@example.com", "analytical1", "Pager New")).id;
    const a = await shop.place(who, { sku: "AUD-005" });
    const b = await shop.place(who, { sku: "AUD-005" });
    await waitUntil(async () => (await list("customer=pager-new@")).orders.length === 2, 15_000, "2 orders listed");
    const one = await list("customer=pager-new@&limit=1");
    expect(one.orders.map((o) => o.orderId)).toEqual([b]);
    const c = await shop.place(who, { sku: "AUD-005" });
    await waitUntil(async () => (await list("customer=pager-new@")).orders.length === 3, 15_000, "3 orders listed");
    const two = await list(`customer=pager-new@&limit=1&cursor=${one.next}`);
    expect(two.orders.map((o) => o.orderId)).toEqual([a]);
    expect(two.next).toBeNull();
    expect(c).not.toBe(a);
  });
});
