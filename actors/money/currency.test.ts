import { describe, expect, test } from "bun:test";
import { openPglite } from "../../db/client.ts";
import { convert, Currencies, CURRENCY_CODES } from "./currency.ts";
import { memoryCache } from "../runtime/cache.ts";

describe("convert", () => {
  test.each([
    // usd cents, code, minor units, rate, expected minor units
    [1999, "USD", 2, "1", 1999],
    [1999, "EUR", 2, "0.92", 1839], // 18.3908 -> 18.39
    [1995, "EUR", 2, "0.92", 1835], // 18.354 -> 18.35
    [1250, "EUR", 2, "0.5", 625],
    [1, "EUR", 2, "0.5", 1], // 0.5 cent rounds half-up
    [99900, "JPY", 0, "151.2", 151049], // 999 * 151.2 = 151048.8 -> 151049 yen
    [50, "JPY", 0, "151.2", 76], // 75.6 yen
    [0, "INR", 2, "83.4", 0],
    [123456789, "INR", 2, "83.4", 10296296203], // exact beyond float's comfort
  ])("%i USD cents in %s", (cents, code, minorUnits, rate, expected) => {
    expect(convert(cents, { code, minorUnits, rate })).toBe(expected);
  });

  test("rejects fractional cents and malformed rates", () => {
    expect(() => convert(1.5, { code: "EUR", minorUnits: 2, rate: "0.92" })).toThrow("whole cents");
    expect(() => convert(100, { code: "EUR", minorUnits: 2, rate: "abc" })).toThrow("not a decimal rate");
  });
});

describe("Currencies", () => {
  test("every currency the shop sells in has a rate in the database, cached", async () => {
    const database = await openPglite();
    try {
      const cache = memoryCache();
      const fx = new Currencies(database.db, cache);
      const codes = (await fx.all()).map((r) => r.code).sort();
      expect(codes).toEqual([...CURRENCY_CODES].sort());
      const jpy = await fx.rate("JPY");
      expect(jpy.minorUnits).toBe(0);
      expect(Number(jpy.rate)).toBeGreaterThan(1);
      expect(await cache.get("fx:rates")).toHaveLength(CURRENCY_CODES.length);
      expect(fx.rate("XYZ")).rejects.toThrow("currency: XYZ is not one of");
    } finally {
      await database.close();
    }
  });
});
