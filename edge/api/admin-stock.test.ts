/** The stock API against a real shop: reason categories, the movement log's pages, the restock file all or nothing, events, audit, who may. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog, log } from "../../db/schema.ts";
import { startShop, waitUntil, type Shop } from "../../test/kit.ts";

let shop: Shop;
let admin: string;
let customer: string;
beforeAll(async () => {
  shop = await startShop();
  admin = await shop.token("admin", "stock-ada");
  customer = await shop.token("customer", "stock-eve");
});
afterAll(() => shop.stop());

const as = (method: string, path: string, body?: unknown, token = admin) => shop.call(method, path, { token, body });
/** An adjustment; in BER unless the body says otherwise (the demo's products are stocked in several warehouses). */
const adjust = (sku: string, body: Record<string, unknown>) => as("POST", `/api/admin/products/${sku}/stock`, { warehouse: "BER", ...body });
/** The restock file as the request's body, `text/csv`. */
async function postCsv(text: string, token: string | null = admin) {
  const headers: Record<string, string> = { "content-type": "text/csv" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await shop.app.request("/api/admin/stock/restock", { method: "POST", headers, body: text });
  return { status: res.status, json: await res.json() as any };
}
const onHand = async (sku: string) => (await as("GET", `/api/admin/products/${sku}/movements?limit=1`)).json;
const availableOf = async (sku: string) => (await shop.stockOf(sku)).available;
const events = (sku: string) => shop.sys.database.db.select().from(log).where(and(eq(log.topic, "inventory.events"), eq(log.key, sku)));
const typesOf = async (sku: string) => (await events(sku)).map((r) => JSON.parse(r.value as string).type as string);

describe("who may", () => {
  test("guests get 401 and customers 403 on every stock route, and nothing changes", async () => {
    const before = await availableOf("AUD-002");
    const routes: [string, string, unknown?][] = [
      ["POST", "/api/admin/products/AUD-002/stock", { delta: 5, reason: "restock" }], ["GET", "/api/admin/products/AUD-002/movements"],
      ["POST", "/api/admin/stock/restock", { lines: ["AUD-002,5"] }], ["GET", "/api/admin/warehouses"],
    ];
    for (const [method, path, body] of routes) {
      expect({ path, status: (await shop.call(method, path, { body })).status }).toEqual({ path, status: 401 });
      expect({ path, status: (await as(method, path, body, customer)).status }).toEqual({ path, status: 403 });
    }
    expect((await postCsv("AUD-002,5", null)).status).toBe(401);
    expect((await postCsv("AUD-002,5", customer)).status).toBe(403);
    expect(await availableOf("AUD-002")).toBe(before);
  });
});

describe("adjust with a reason", () => {
  test("each category is kept with its note and the admin; older free text is a manual adjustment noted with it", async () => {
    const start = await availableOf("AUD-003");
    for (const reason of ["restock", "return", "damage", "count", "manual"]) {
      const res = await adjust("AUD-003", { delta: reason === "damage" ? -1 : 2, reason, note: `a ${reason}` });
      expect(res.status).toBe(200);
    }
    expect((await adjust("AUD-003", { delta: 1, reason: "found one behind the shelf" })).status).toBe(200);
    expect(await availableOf("AUD-003")).toBe(start + 8);
    const { movements } = (await as("GET", "/api/admin/products/AUD-003/movements?limit=6")).json;
    expect(movements.map((m: any) => [m.deltaOnHand, m.reason, m.note, m.actor])).toEqual([
      [1, "manual", "found one behind the shelf", "stock-ada"], [2, "manual", "a manual", "stock-ada"], [2, "count", "a count", "stock-ada"],
      [-1, "damage", "a damage", "stock-ada"], [2, "return", "a return", "stock-ada"], [2, "restock", "a restock", "stock-ada"],
    ]);
    const audit = await shop.sys.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, "AUD-003"), eq(auditLog.action, "stock.adjust")));
    expect(audit.map((a) => a.reason)).toContain("damage: a damage");
  });

  test("bad input is a 400 naming the field, and changes nothing", async () => {
    const before = await availableOf("AUD-003");
    for (const [field, body] of [["delta", { delta: 0, reason: "restock" }], ["delta", { delta: 1.5, reason: "restock" }], ["reason", { delta: 1, reason: "" }],
      ["note", { delta: 1, reason: "restock", note: "x".repeat(501) }], ["note", { delta: 1, reason: "restock", note: "bell\u0007" }]] as const) {
      const res = await adjust("AUD-003", body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.json.error).toContain(field);
    }
    expect((await adjust("NOPE-404", { delta: 1, reason: "restock" })).status).toBe(404);
    expect((await adjust("AUD-003", { delta: -1_000, reason: "damage" })).status).toBe(409);
    expect(await availableOf("AUD-003")).toBe(before);
  });

  test("an adjustment is an event keyed by SKU; falling under the threshold is LowStock, once", async () => {
    await shop.oneWarehouse("AUD-004");
    const left = await availableOf("AUD-004");
    await adjust("AUD-004", { delta: -(left - 10), reason: "count" }); // at the threshold (10): not low
    await adjust("AUD-004", { delta: -1, reason: "damage" }); // under it: low
    await adjust("AUD-004", { delta: -1, reason: "damage" }); // still under: no second alert
    await waitUntil(async () => (await events("AUD-004")).length >= 4);
    expect(await typesOf("AUD-004")).toEqual(["inventory.StockAdjusted.v1", "inventory.StockAdjusted.v1", "inventory.LowStock.v1", "inventory.StockAdjusted.v1"]);
    const rows = await events("AUD-004");
    expect(JSON.parse(rows[2]!.value as string).payload).toEqual({ sku: "AUD-004", name: expect.any(String), available: 9, threshold: 10 });
    expect(JSON.parse(rows[3]!.value as string).payload).toMatchObject({ sku: "AUD-004", delta: -1, reason: "damage", available: 8, actor: "stock-ada", warehouse: "BER" });
  });
});

describe("warehouses", () => {
  const levels = async (sku: string) => Object.fromEntries((await shop.sys.catalog.stock.byWarehouse([sku])).map((w) => [w.warehouse, w.onHand]));

  test("the warehouses by priority, and a product's units in each", async () => {
    const { warehouses } = (await as("GET", "/api/admin/warehouses")).json;
    expect(warehouses.map((w: any) => [w.code, w.country, w.priority])).toEqual([["BER", "DE", 10], ["LYS", "FR", 20], ["NJ", "US", 30]]);
    const { stock } = (await as("GET", "/api/admin/warehouses?sku=AUD-001")).json;
    expect(stock.map((s: any) => s.warehouse)).toEqual(["BER", "LYS", "NJ"]);
    expect(stock.reduce((n: number, s: any) => n + s.available, 0)).toBe(await availableOf("AUD-001"));
    expect((await as("GET", "/api/admin/warehouses?sku=NOPE-404")).status).toBe(404);
  });

  test("a product stocked in several needs the warehouse named; an unknown one is a 400; nothing changes", async () => {
    const before = await levels("AUD-007");
    expect(Object.keys(before).length).toBeGreaterThan(1);
    const unnamed = await as("POST", "/api/admin/products/AUD-007/stock", { delta: 2, reason: "restock" });
    expect(unnamed.status).toBe(400);
    expect(unnamed.json.error).toContain("warehouse");
    expect(unnamed.json.error).toContain("say which");
    const unknown = await adjust("AUD-007", { delta: 2, reason: "restock", warehouse: "XYZ" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toContain("unknown warehouse XYZ");
    expect((await adjust("AUD-007", { delta: 2, reason: "restock", warehouse: "ber" })).status).toBe(400);
    expect(await levels("AUD-007")).toEqual(before);
    expect((await adjust("AUD-007", { delta: 2, reason: "restock", warehouse: "LYS" })).status).toBe(200);
    expect(await levels("AUD-007")).toEqual({ ...before, LYS: before.LYS! + 2 });
  });

  test("a product stocked in one warehouse, or none, defaults to it, or to the first by priority", async () => {
    const created = await as("POST", "/api/admin/products", {
      sku: "WH-001", name: "Crate", description: "A wooden crate.", brand: "Acme", category: "audio", price: 500, lowStockThreshold: 0,
    });
    expect(created.status).toBe(201);
    expect((await as("POST", "/api/admin/products/WH-001/stock", { delta: 4, reason: "restock" })).status).toBe(200);
    expect(await levels("WH-001")).toEqual({ BER: 4 });
    await shop.sys.database.sql.query("UPDATE inventory.stock SET warehouse = 'NJ' WHERE sku = 'WH-001'");
    expect((await as("POST", "/api/admin/products/WH-001/stock", { delta: 1, reason: "restock" })).status).toBe(200);
    expect(await levels("WH-001")).toEqual({ NJ: 5 });
  });

  test("removing more than a warehouse holds unreserved is a 409 naming it, though others hold more", async () => {
    const at = await levels("AUD-008");
    const res = await adjust("AUD-008", { delta: -(at.NJ! + 1), reason: "damage", warehouse: "NJ" });
    expect(res.status).toBe(409);
    expect(res.json.error).toContain("from NJ");
    expect(await levels("AUD-008")).toEqual(at);
  });

  test("the movement log shows each movement's warehouse and filters by it", async () => {
    await adjust("AUD-009", { delta: 3, reason: "restock", warehouse: "LYS" });
    await adjust("AUD-009", { delta: 1, reason: "return", warehouse: "NJ" });
    const all = (await as("GET", "/api/admin/products/AUD-009/movements?limit=2")).json;
    expect(all.movements.map((m: any) => [m.warehouse, m.deltaOnHand])).toEqual([["NJ", 1], ["LYS", 3]]);
    const lys = (await as("GET", "/api/admin/products/AUD-009/movements?warehouse=LYS")).json;
    expect(lys.movements.every((m: any) => m.warehouse === "LYS")).toBe(true);
    expect(lys.movements[0]).toMatchObject({ deltaOnHand: 3, reason: "restock" });
    expect((await as("GET", "/api/admin/products/AUD-009/movements?warehouse=lys")).status).toBe(400);
  });
});

describe("the movement log", () => {
  test("pages newest first by id, and filters by reason", async () => {
    for (let i = 1; i <= 5; i++) await adjust("AUD-005", { delta: i, reason: i % 2 ? "restock" : "return" });
    const first = (await as("GET", "/api/admin/products/AUD-005/movements?limit=2")).json;
    expect(first.movements.map((m: any) => m.deltaOnHand)).toEqual([5, 4]);
    const second = (await as("GET", `/api/admin/products/AUD-005/movements?limit=2&before=${first.next}`)).json;
    expect(second.movements.map((m: any) => m.deltaOnHand)).toEqual([3, 2]);
    const restocks = (await as("GET", "/api/admin/products/AUD-005/movements?reason=restock")).json;
    expect(restocks.movements.map((m: any) => m.deltaOnHand)).toEqual([5, 3, 1]);
    expect(restocks.next).toBeNull();
    for (const bad of ["reason=nope", "before=0", "before=x", "limit=0", "limit=201"]) {
      expect({ bad, status: (await as("GET", `/api/admin/products/AUD-005/movements?${bad}`)).status }).toEqual({ bad, status: 400 });
    }
    expect((await as("GET", "/api/admin/products/NOPE-404/movements")).status).toBe(404);
  });

  test("the saga's reservations are in the log as saga movements", async () => {
    const orderId = await shop.place("stock-eve", { sku: "AUD-006" });
    await waitUntil(async () => (await as("GET", "/api/admin/products/AUD-006/movements?reason=saga")).json.movements.length > 0);
    const { movements } = (await as("GET", "/api/admin/products/AUD-006/movements?reason=saga")).json;
    expect(movements.some((m: any) => m.deltaReserved === 1 && m.actor === null)).toBe(true);
    expect(orderId).toBeString();
  });
});

describe("bulk restock", () => {
  test("a file is applied as one batch and audited", async () => {
    const [a, b] = [await availableOf("LAP-001"), await availableOf("LAP-002")];
    const res = await postCsv("sku,warehouse,quantity\r\nLAP-001,BER,7\nLAP-002,LYS,3\nLAP-002,NJ,2\n");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ products: 3, units: 12 });
    expect([await availableOf("LAP-001"), await availableOf("LAP-002")]).toEqual([a + 7, b + 5]);
    const json = await as("POST", "/api/admin/stock/restock", { lines: ["LAP-001,NJ,1"], note: "delivery 42" });
    expect(json.status).toBe(200);
    const m = (await onHand("LAP-001")).movements[0];
    expect([m.reason, m.note, m.deltaOnHand, m.warehouse]).toEqual(["restock", "delivery 42", 1, "NJ"]);
    const audit = await shop.sys.database.db.select().from(auditLog).where(eq(auditLog.action, "stock.restock"));
    expect(audit.map((r) => r.objectId)).toContain("LAP-001@BER, LAP-002@LYS, LAP-002@NJ");
  });

  test("a bad line, or an unknown SKU, rejects the whole file with its line number and changes nothing", async () => {
    const before = await availableOf("LAP-003");
    const bad = await postCsv("LAP-003,BER,5\nLAP-004,BER,five\n");
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe("line 2: quantity must be a whole number from 1 to 100000");
    const unknown = await postCsv("LAP-003,BER,5\nNOPE-404,BER,1\n");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toContain("line 2: product NOPE-404 not found");
    const nowhere = await postCsv("sku,warehouse,quantity\nLAP-003,BER,5\nLAP-004,MAD,1\n");
    expect(nowhere.status).toBe(400);
    expect(nowhere.json.error).toContain("line 3: warehouse: unknown warehouse MAD");
    const unsaid = await postCsv("LAP-003,BER,5\nLAP-004,2\n");
    expect(unsaid.status).toBe(400);
    expect(unsaid.json.error).toContain("line 2: warehouse: LAP-004 is stocked in");
    const json = await as("POST", "/api/admin/stock/restock", { lines: ["LAP-003,BER,5", "LAP-003,BER,1"] });
    expect(json.status).toBe(400);
    expect(json.json.error).toBe("line 2: LAP-003 in BER is listed twice");
    expect((await as("POST", "/api/admin/stock/restock", { lines: [] })).status).toBe(400);
    expect((await postCsv("")).status).toBe(400);
    expect(await availableOf("LAP-003")).toBe(before);
    expect((await onHand("LAP-003")).movements.filter((m: any) => m.reason === "restock")).toEqual([]);
  });
});
