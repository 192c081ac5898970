/** /admin/rates against a real shop: who may, what it shows, setting a rate by form, refusals naming the field. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog, currencies } from "../../../db/schema.ts";
import { startShop, type Shop } from "../../../test/kit.ts";
import { visitor } from "../../../test/visitor.ts";

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop.stop());

const admin = () => visitor(shop).signIn("rates-ada", "admin", "Ada");
const rateOf = async (code: string) => (await shop.sys.database.db.select().from(currencies).where(eq(currencies.code, code)))[0]!.rate;

describe("/admin/rates", () => {
  test("guests and customers are kept out, and their posts change nothing", async () => {
    const guest = await visitor(shop).get("/admin/rates", { accept: "text/html" });
    expect(guest.status).toBe(303); // to sign in
    expect(guest.headers.get("location")).toContain("/login");
    expect([303, 401]).toContain((await visitor(shop).post("/admin/rates/EUR", { rate: "3" })).status);
    const customer = await visitor(shop).signIn("rates-cy");
    expect((await customer.get("/admin/rates", { accept: "text/html" })).status).toBe(403);
    expect((await customer.post("/admin/rates/EUR", { rate: "3" })).status).toBe(403);
    expect(await rateOf("EUR")).not.toBe("3.00000000");
  });

  test("an admin sees every currency with its rate and source, and a form for each but USD", async () => {
    const res = await (await admin()).get("/admin/rates");
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const code of ["AUD", "CAD", "CNY", "EUR", "GBP", "INR", "JPY"]) expect(html).toContain(`action="/admin/rates/${code}"`);
    expect(html).not.toContain(`action="/admin/rates/USD"`);
    expect(html).toContain("initial data");
    expect(html).toContain("No rate source is configured");
    expect(html).toContain('href="/admin/rates"');
  });

  test("setting a rate by form stores it, audits it, and the page says who set it", async () => {
    const a = await admin();
    const res = await a.post("/admin/rates/GBP", { rate: "0.81", reason: "bank" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("/admin/rates?done=set&code=GBP");
    expect(await rateOf("GBP")).toBe("0.81000000");
    const [entry] = await shop.sys.database.db.select().from(auditLog).where(and(eq(auditLog.action, "rate.set"), eq(auditLog.objectId, "GBP")));
    expect(entry).toMatchObject({ outcome: "done", adminId: "rates-ada", toState: "0.81000000", reason: "bank" });
    const html = await (await a.get(res.headers.get("location")!)).text();
    expect(html).toContain("GBP rate set.");
    expect(html).toContain("set by Ada");
  });

  test.each([["0", "rate: must be more than zero"], ["-2", "rate: a decimal number"], ["5000000", "rate: at most 1,000,000"], ["", "rate: a decimal number"]])(
    "rate %p is refused with the field named, and nothing changes", async (rate, message) => {
      const before = await rateOf("INR");
      const res = await (await admin()).post("/admin/rates/INR", { rate, reason: "" });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain('aria-invalid="true"');
      expect(await rateOf("INR")).toBe(before);
    },
  );

  test("an unknown currency or the base currency is a 400 page", async () => {
    const a = await admin();
    expect((await a.post("/admin/rates/XYZ", { rate: "1" })).status).toBe(400);
    const usd = await a.post("/admin/rates/USD", { rate: "2" });
    expect(usd.status).toBe(400);
    expect(await usd.text()).toContain("base currency");
    expect(await rateOf("USD")).toBe("1.00000000");
  });
});
