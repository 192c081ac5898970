/** The stock console against a real shop: who may, the list and its filters, adjusting with and without htmx, the movement log, the restock file. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog } from "../../../db/schema.ts";
import { startShop, type Shop } from "../../../test/kit.ts";
import { visitor } from "../../../test/visitor.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

const admin = () => visitor(shop).signIn("sp-ada", "admin", "Ada Stock");
const availableOf = async (sku: string) => (await shop.stockOf(sku)).available;

/** The restock form posted with `csv` as its file (null: no file chosen). */
async function restock(csv: string | null, note = "") {
  const body = new FormData();
  body.append("note", note);
  body.append("file", csv === null ? new Blob([]) : new Blob([csv], { type: "text/csv" }), csv === null ? "" : "restock.csv");
  return shop.app.request("/admin/stock/restock", { method: "POST", body, headers: { cookie: `session=${await shop.token("admin", "sp-ada")}`, "sec-fetch-site": "same-origin" } });
}

describe("who may", () => {
  const gets = ["/admin/stock", "/admin/stock?low=1", "/admin/stock/AUD-001", "/admin/stock/AUD-001?reason=saga"];
  const streams = ["/admin/stock/stream", "/admin/stock/AUD-001/stream"];
  const posts = ["/admin/stock/AUD-001/adjust", "/admin/stock/restock"];
  test("a guest is sent to sign in (401 for a post or a stream); a customer gets 403; nothing changes", async () => {
    const before = await availableOf("AUD-001");
    for (const path of gets) {
      const guest = await visitor(shop).get(path);
      expect([path, guest.status, guest.headers.get("location")?.startsWith("/login?next=")]).toEqual([path, 303, true]);
      expect([path, (await (await visitor(shop).signIn("sp-eve")).get(path)).status]).toEqual([path, 403]);
    }
    for (const path of streams) {
      expect([path, (await visitor(shop).get(path, { accept: "text/event-stream" })).status]).toEqual([path, 401]);
      expect([path, (await (await visitor(shop).signIn("sp-eve")).get(path, { accept: "text/event-stream" })).status]).toEqual([path, 403]);
    }
    for (const path of posts) {
      const form = { change: "5", reason: "restock", note: "" };
      expect([path, (await visitor(shop).post(path, form)).status]).toEqual([path, 401]);
      expect([path, (await (await visitor(shop).signIn("sp-eve")).post(path, form)).status]).toEqual([path, 403]);
      expect([path, (await (await visitor(shop).signIn("sp-eve")).post(path, form, { htmx: true })).status]).toEqual([path, 403]);
    }
    expect(await availableOf("AUD-001")).toBe(before);
  });
});

describe("the list", () => {
  test("each product's on hand, reserved, available and threshold; search; low stock only", async () => {
    const page = await admin();
    const html = await (await page.get("/admin/stock?q=AUD-00")).text();
    expect(html).toContain('id="stock-AUD-001"');
    expect(html).not.toContain('id="stock-LAP-001"');
    expect(html).toContain('href="/admin/stock"');
    await shop.oneWarehouse("TOY-003");
    const left = await availableOf("TOY-003");
    await page.post("/admin/stock/TOY-003/adjust", { warehouse: "BER", change: String(-(left - 2)), reason: "damage", note: "water" });
    const low = await (await page.get("/admin/stock?low=1")).text();
    expect(low).toMatch(/id="stock-TOY-003"[\s\S]*?data-figure="available"><strong>2<\/strong>[\s\S]*?badge-problem">low</);
    expect(low).not.toContain('id="stock-AUD-001"');
    expect((await page.get("/admin/stock?low=yes")).status).toBe(400);
  });
});

describe("adjusting", () => {
  test("without JavaScript: a post and a redirect; the movement log names the admin, the reason and the note; audited", async () => {
    const page = await admin();
    const before = await availableOf("AUD-002");
    const res = await page.post("/admin/stock/AUD-002/adjust", { warehouse: "BER", change: "+7", reason: "return", note: "RMA 12" });
    expect([res.status, res.headers.get("location")]).toEqual([303, "/admin/stock/AUD-002?done=adjusted"]);
    expect(await availableOf("AUD-002")).toBe(before + 7);
    const html = await (await page.get("/admin/stock/AUD-002?done=adjusted")).text();
    expect(html).toContain("Stock adjusted.");
    expect(html).toMatch(/Return<span class="muted detail">RMA 12<\/span><\/td><td class="num" data-label="On hand">\+7<\/td><td class="num" data-label="Reserved"><\/td><td data-label="Who">sp-ada</); // a token's admin with no account row: its id
    const audit = await shop.sys.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, "AUD-002"), eq(auditLog.action, "stock.adjust")));
    expect(audit.map((a) => [a.adminId, a.reason, a.outcome])).toEqual([["sp-ada", "return: RMA 12", "done"]]);
  });

  test("with htmx: the form comes back empty with a notice, and the figures out of band", async () => {
    const page = await admin();
    const before = await availableOf("AUD-003");
    const res = await page.post("/admin/stock/AUD-003/adjust", { warehouse: "BER", change: "-2", reason: "damage", note: "" }, { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`Took away 2 units: ${before - 2} available now.`);
    expect(html).toContain('id="stock-figures" hx-swap-oob="true"');
    expect(html).not.toContain("<html");
  });

  test("bad input names its field and changes nothing; taking away reserved units is a 409 on the form", async () => {
    const page = await admin();
    const before = await availableOf("AUD-004");
    for (const [form, field] of [[{ change: "0", reason: "restock" }, "change"], [{ change: "2.5", reason: "restock" }, "change"], [{ change: "", reason: "restock" }, "change"],
      [{ change: "3", reason: "stolen" }, "reason"], [{ change: "3", reason: "restock", note: "x".repeat(501) }, "note"],
      [{ change: "3", reason: "restock", warehouse: "" }, "warehouse"], [{ change: "3", reason: "restock", warehouse: "MAD" }, "warehouse"],
      [{ change: "3", reason: "restock", warehouse: "no such" }, "warehouse"]] as const) {
      for (const htmx of [false, true]) {
        const res = await page.post("/admin/stock/AUD-004/adjust", { note: "", warehouse: "BER", ...form }, { htmx });
        const html = await res.text();
        expect({ form, htmx, status: res.status, named: html.includes(`id="adjust-${field}-error"`) }).toEqual({ form, htmx, status: 400, named: true });
      }
    }
    const refused = await page.post("/admin/stock/AUD-004/adjust", { warehouse: "BER", change: "-100000", reason: "count", note: "" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("cannot remove 100000 units of AUD-004");
    expect((await page.post("/admin/stock/NOPE-1/adjust", { change: "1", reason: "restock" })).status).toBe(404);
    expect((await page.post("/admin/stock/bad%20sku/adjust", { change: "1", reason: "restock" })).status).toBe(400);
    expect(await availableOf("AUD-004")).toBe(before);
  });
});

describe("warehouses", () => {
  test("the page shows each warehouse's units; the form picks one; the log names it and filters by it", async () => {
    const page = await admin();
    const html = await (await page.get("/admin/stock/AUD-006")).text();
    expect(html).toMatch(/<caption>By warehouse<\/caption>[\s\S]*<tr data-warehouse="BER"><th scope="row">BER<\/th>[\s\S]*<tr data-warehouse="LYS">[\s\S]*<tr data-warehouse="NJ">/);
    expect(html).toContain('<select id="adjust-warehouse" name="warehouse"><option value="BER" selected>BER</option><option value="LYS">LYS</option><option value="NJ">NJ</option></select>');
    const before = Object.fromEntries((await shop.sys.catalog.stock.byWarehouse(["AUD-006"])).map((l) => [l.warehouse, l.onHand]));
    const res = await page.post("/admin/stock/AUD-006/adjust", { warehouse: "NJ", change: "5", reason: "restock", note: "to New Jersey" });
    expect(res.status).toBe(303);
    const after = Object.fromEntries((await shop.sys.catalog.stock.byWarehouse(["AUD-006"])).map((l) => [l.warehouse, l.onHand]));
    expect(after).toEqual({ ...before, NJ: before.NJ! + 5 });
    const nj = await (await page.get("/admin/stock/AUD-006?warehouse=NJ")).text();
    expect(nj).toMatch(/<td data-label="Warehouse">NJ<\/td><td class="reason">Restock<span class="muted detail">to New Jersey<\/span>/);
    expect(nj).not.toContain('<td data-label="Warehouse">BER</td>');
    expect((await page.get("/admin/stock/AUD-006?warehouse=nope")).status).toBe(400);
  });
});

describe("the movement log", () => {
  test("filtered by reason and date, in pages; a bad filter is a 400 naming it", async () => {
    const page = await admin();
    for (let i = 1; i <= 3; i++) await page.post("/admin/stock/AUD-005/adjust", { warehouse: "BER", change: String(i), reason: "count", note: `count ${i}` });
    const counts = await (await page.get("/admin/stock/AUD-005?reason=count")).text();
    expect([...counts.matchAll(/count (\d)<\/span>/g)].map((m) => m[1])).toEqual(["3", "2", "1"]);
    expect(counts).not.toContain("Opening stock");
    const opening = await (await page.get("/admin/stock/AUD-005?reason=")).text();
    expect(opening).toContain("Opening stock");
    const today = new Date().toISOString().slice(0, 10);
    expect(await (await page.get(`/admin/stock/AUD-005?reason=count&from=${today}&to=${today}`)).text()).toContain("count 3");
    expect(await (await page.get("/admin/stock/AUD-005?reason=count&to=2000-01-01")).text()).toContain("No movements match.");
    const { json } = await shop.call("GET", "/api/admin/products/AUD-005/movements?reason=count&limit=2", { token: await shop.token("admin") });
    const older = await (await page.get(`/admin/stock/AUD-005?reason=count&before=${json.next}`)).text();
    expect([...older.matchAll(/count (\d)<\/span>/g)].map((m) => m[1])).toEqual(["1"]);
    expect(older).toContain("Newest movements");
    for (const [path, field] of [["/admin/stock/AUD-005?from=yesterday", "from"], ["/admin/stock/AUD-005?reason=theft", "reason"], ["/admin/stock/AUD-005?before=-1", "before"]]) {
      const res = await page.get(path!);
      expect({ path, status: res.status, named: (await res.text()).includes(field!) }).toEqual({ path, status: 400, named: true });
    }
  });
});

describe("the restock file", () => {
  test("applied as one batch: a notice, the units added, audited", async () => {
    const [a, b] = [await availableOf("LAP-001"), await availableOf("LAP-002")];
    const res = await restock("sku,warehouse,quantity\nLAP-001,BER,4\nLAP-002,NJ,6\n", "delivery 4711");
    expect([res.status, res.headers.get("location")]).toEqual([303, "/admin/stock?done=restocked&products=2&units=10"]);
    expect([await availableOf("LAP-001"), await availableOf("LAP-002")]).toEqual([a + 4, b + 6]);
    expect(await (await (await admin()).get(res.headers.get("location")!)).text()).toContain("Restock applied: 10 units added to 2 products.");
  });

  test("a bad line rejects the whole file and the page names the line; so does an unknown product; nothing changes", async () => {
    const before = await availableOf("LAP-003");
    for (const [csv, words] of [
      ["LAP-003,BER,5\nLAP-004,BER,five\n", "line 2: quantity must be a whole number"],
      ["LAP-003,BER,5\n\nNOPE-9,BER,1\n", "line 3: product NOPE-9 not found"],
      ["LAP-003,BER,5\nLAP-004,MAD,1\n", "line 2: warehouse: unknown warehouse MAD"],
      [null, "Restock file: choose a CSV file"],
      ["LAP-003,BER,5\n\xff", "line 2"],
    ] as const) {
      const res = await restock(csv, "kept");
      const html = await res.text();
      expect({ csv, status: res.status, named: html.includes(words), kept: html.includes('value="kept"') }).toEqual({ csv, status: 400, named: true, kept: true });
    }
    const bytes = await restock("LAP-003,BER,5\n" + "x".repeat(600_000));
    expect(bytes.status).toBe(400);
    expect(await availableOf("LAP-003")).toBe(before);
  });
});
