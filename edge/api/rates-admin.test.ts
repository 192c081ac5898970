/** The exchange rates admin API against a real shop: who may, validation, audit, history, prices follow, orders keep their rate. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { convert } from "../../actors/money/currency.ts";
import { auditLog, currencies, rateHistory } from "../../db/schema.ts";
import { startShop, waitUntil, type Shop } from "../../test/kit.ts";

let shop: Shop;
let admin: string;
beforeAll(async () => {
  shop = await startShop();
  admin = await shop.token("admin", "fx-ada");
});
afterAll(() => shop.stop());

const put = (code: string, body: unknown, token = admin) => shop.call("PUT", `/api/admin/rates/${code}`, { token, body });
const stored = async (code: string) => (await shop.sys.database.db.select().from(currencies).where(eq(currencies.code, code)))[0]!;

describe("who may", () => {
  test("guests get 401 and customers 403 on every route, and nothing changes", async () => {
    const customer = await shop.token("customer", "fx-eve");
    const before = await stored("GBP");
    for (const [method, path, body] of [["GET", "/api/admin/rates"], ["GET", "/api/admin/rates/GBP"], ["PUT", "/api/admin/rates/GBP", { rate: "2" }]] as const) {
      expect({ path, status: (await shop.call(method, path, { body })).status }).toEqual({ path, status: 401 });
      expect({ path, status: (await shop.call(method, path, { body, token: customer })).status }).toEqual({ path, status: 403 });
    }
    expect((await stored("GBP")).rate).toBe(before.rate);
  });
});

describe("setting a rate", () => {
  test("lists every currency with source and time", async () => {
    const res = await shop.call("GET", "/api/admin/rates", { token: admin });
    expect(res.status).toBe(200);
    const { rates } = res.json as { rates: { code: string; source: string; updatedAt: string }[] };
    expect(rates.map((r) => r.code)).toEqual(["AUD", "CAD", "CNY", "EUR", "GBP", "INR", "JPY", "USD"]);
    for (const r of rates) expect(r).toMatchObject({ source: "seed" });
  });

  test("a good rate is stored with its source, kept in the history, audited, and prices follow at once", async () => {
    expect((await shop.call("GET", "/api/products/AUD-001?currency=CAD")).status).toBe(200); // warm the cache
    const res = await put("cad", { rate: "1.5", reason: "bank rate" });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ code: "CAD", rate: "1.50000000", source: "admin:fx-ada" });
    const hist = await shop.sys.database.db.select().from(rateHistory).where(eq(rateHistory.code, "CAD"));
    expect(hist.map((h) => [h.rate, h.source])).toEqual([["1.50000000", "admin:fx-ada"]]);
    const [entry] = await shop.sys.database.db.select().from(auditLog).where(and(eq(auditLog.action, "rate.set"), eq(auditLog.objectId, "CAD")));
    expect(entry).toMatchObject({ outcome: "done", toState: "1.50000000", reason: "bank rate", objectType: "currency" });
    const p = (await shop.call("GET", "/api/products/AUD-001?currency=CAD")).json as { price: number; basePrice: number; pricing: { rate: string } };
    expect(p.pricing.rate).toBe("1.50000000");
    expect(p.price).toBe(convert(p.basePrice, { code: "CAD", minorUnits: 2, rate: "1.5" }));
  });

  test.each([
    ["rate", { rate: "0" }], ["rate", { rate: -1 }], ["rate", { rate: "abc" }], ["rate", { rate: "99999999" }], ["rate", { rate: "1.123456789" }],
    ["rate", {}], ["reason", { rate: "1", reason: "x".repeat(501) }], ["extra", { rate: "1", extra: 1 }],
  ])("a bad %s is a 400 naming it and changes nothing", async (field, body) => {
    const before = await stored("AUD");
    const res = await put("AUD", body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain(field);
    expect((await stored("AUD")).rate).toBe(before.rate);
  });

  test("an unknown code is a 400 naming it; the base currency's rate stays 1 (refusal audited)", async () => {
    const res = await put("XYZ", { rate: "1" });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain("XYZ");
    const usd = await put("USD", { rate: "2" });
    expect(usd.status).toBe(400);
    expect((await stored("USD")).rate).toBe("1.00000000");
    const [entry] = await shop.sys.database.db.select().from(auditLog).where(and(eq(auditLog.action, "rate.set"), eq(auditLog.objectId, "USD")));
    expect(entry).toMatchObject({ outcome: "refused" });
  });
});

describe("an order keeps the rate it was placed with", () => {
  test("a rate change after placing leaves the order's amounts and rate alone", async () => {
    const customer = await shop.token("customer", "fx-grace");
    const placed = await shop.call("POST", "/api/orders", {
      token: customer, headers: { "idempotency-key": crypto.randomUUID() },
      body: { items: [{ sku: "AUD-005", qty: 2 }], shippingAddress: { name: "G", line1: "1 St", city: "X", postalCode: "1", country: "DE" }, paymentToken: "tok_visa", currency: "EUR" },
    });
    expect(placed.status).toBe(202);
    const orderId = (placed.json as { orderId: string }).orderId;
    const read = async () => (await shop.call("GET", `/api/orders/${orderId}`, { token: customer })).json as { total: number; fxRate: string; currency: string; items: { unitPrice: number }[] };
    await waitUntil(async () => (await shop.call("GET", `/api/orders/${orderId}`, { token: customer })).status === 200, 15_000, "the order");
    const before = await read();
    expect(before.currency).toBe("EUR");
    expect((await put("EUR", { rate: "2.5" })).status).toBe(200);
    const after = await read();
    expect(after.fxRate).toBe(before.fxRate);
    expect(after.total).toBe(before.total);
    expect(after.items.map((i) => i.unitPrice)).toEqual(before.items.map((i) => i.unitPrice));
    expect(after.fxRate).not.toBe("2.50000000");
  });
});
