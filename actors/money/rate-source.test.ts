/** The rate source against a real shop: a local HTTP source failing then good, the file source, and fallback to the last good rates. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { currencies, rateHistory } from "../../db/schema.ts";
import { startShop, waitUntil, type Shop } from "../../test/kit.ts";
import { visitor } from "../../test/visitor.ts";
import { fileRateSource, httpRateSource, parseRates, pullRates } from "./rate-source.ts";

let answer: () => Response = () => new Response("down", { status: 500 });
const server = Bun.serve({ port: 0, fetch: () => answer() });
const url = `http://127.0.0.1:${server.port}/rates.json`;
const dir = mkdtempSync(join(tmpdir(), "rates-"));
let shop: Shop;
beforeAll(async () => {
  shop = await startShop({ ratesUrl: url, ratesEveryMs: 3600_000 });
});
afterAll(async () => {
  await shop.stop();
  server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

const stored = async (code: string) => (await shop.sys.database.db.select().from(currencies).where(eq(currencies.code, code)))[0]!;
const good = (rates: Record<string, unknown>) => () => Response.json({ base: "USD", rates });

describe("the HTTP source", () => {
  test("failing at start: no rate changes, the failure is noted and shown on /admin/rates", async () => {
    const seeded = (await stored("EUR")).rate;
    await waitUntil(async () => (await shop.sys.currencies.sourceStatus())?.lastFailureAt != null, 15_000, "the first fetch noted");
    const status = (await shop.sys.currencies.sourceStatus())!;
    expect(status).toMatchObject({ name: "http", lastGoodAt: null });
    expect(status.lastError).toContain("500");
    expect((await stored("EUR")).rate).toBe(seeded);
    const html = await (await (await visitor(shop).signIn("src-ada", "admin")).get("/admin/rates")).text();
    expect(html).toContain(`From <strong>http://127.0.0.1:${server.port}, every hour</strong>`);
    expect(html).toContain("Last fetch failed");
    expect(html).toContain("The last good rates stay in use");
  });

  test("good: rates set with source http, kept in the history, prices follow; unknown codes ignored", async () => {
    answer = good({ EUR: "0.5", JPY: 140, XYZ: "9" });
    expect(await pullRates(httpRateSource(url), shop.sys.currencies)).toBe(true);
    expect(await stored("EUR")).toMatchObject({ rate: "0.50000000", source: "http" });
    expect(await stored("JPY")).toMatchObject({ rate: "140.00000000", source: "http" });
    const hist = await shop.sys.database.db.select().from(rateHistory).where(eq(rateHistory.code, "EUR"));
    expect(hist.map((h) => [h.rate, h.source])).toEqual([["0.50000000", "http"]]);
    expect((await shop.sys.currencies.sourceStatus())!.lastGoodAt).not.toBeNull();
    const p = (await shop.call("GET", "/api/products/AUD-001?currency=EUR")).json as { price: number; basePrice: number };
    expect(p.price).toBe(Math.round(p.basePrice / 2));
    // the same rates again write no history
    expect(await pullRates(httpRateSource(url), shop.sys.currencies)).toBe(true);
    expect((await shop.sys.database.db.select().from(rateHistory).where(eq(rateHistory.code, "EUR"))).length).toBe(1);
  });

  test.each([
    ["a 503", () => new Response("busy", { status: 503 }), "503"],
    ["not JSON", () => new Response("<html>", { status: 200 }), ""],
    ["another base", () => Response.json({ base: "EUR", rates: { GBP: "0.8" } }), "base"],
    ["a zero rate", good({ EUR: "0", GBP: "0.8" }), "rates.EUR"],
    ["an absurd rate", good({ EUR: "1e12" }), "rates.EUR"],
  ])("%s keeps the last good rates and notes the failure", async (_, bad, says) => {
    answer = bad;
    const before = await stored("EUR");
    expect(await pullRates(httpRateSource(url), shop.sys.currencies)).toBe(false);
    expect(await stored("EUR")).toEqual(before);
    expect((await stored("GBP")).source).not.toBe("http");
    const status = (await shop.sys.currencies.sourceStatus())!;
    expect(status.lastFailureAt!.getTime()).toBeGreaterThanOrEqual(status.lastGoodAt!.getTime());
    expect(status.lastError).toContain(says);
  });
});

describe("the file source", () => {
  test("reads the same shape; a missing or broken file keeps the last good rates", async () => {
    const path = join(dir, "rates.json");
    writeFileSync(path, JSON.stringify({ base: "USD", rates: { INR: "90.25", CNY: "7.1" } }));
    expect(await pullRates(fileRateSource(path), shop.sys.currencies)).toBe(true);
    expect(await stored("INR")).toMatchObject({ rate: "90.25000000", source: "file" });
    writeFileSync(path, "{ broken");
    expect(await pullRates(fileRateSource(path), shop.sys.currencies)).toBe(false);
    expect(await pullRates(fileRateSource(join(dir, "missing.json")), shop.sys.currencies)).toBe(false);
    expect(await stored("INR")).toMatchObject({ rate: "90.25000000", source: "file" });
  });
});

describe("parseRates", () => {
  test("takes text or numbers, skips the base and unknown codes, refuses an empty document", () => {
    expect(parseRates({ base: "USD", rates: { EUR: 0.92, USD: "1", GBP: "0.79", ZZZ: "3" } })).toEqual({ EUR: "0.92", GBP: "0.79" });
    expect(() => parseRates({ base: "USD", rates: {} })).toThrow("no rate");
    expect(() => parseRates({ base: "USD", rates: [] })).toThrow("rates must be");
    expect(() => parseRates(null)).toThrow("not a JSON object");
    expect(() => parseRates({ base: "USD", rates: { EUR: "-1" } })).toThrow("rates.EUR");
  });
});
