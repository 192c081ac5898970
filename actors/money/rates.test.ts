import { describe, expect, test } from "bun:test";
import { openPglite } from "../../db/client.ts";
import { memoryCache } from "../runtime/cache.ts";
import { CURRENCY_CODES } from "./currency.ts";
import { Currencies } from "./rates.ts";

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
