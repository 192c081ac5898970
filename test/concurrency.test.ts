/**
 * 200 one-unit orders race for a SKU with 50 units spread over three warehouses: exactly 50
 * win, every warehouse sells out, and no row ever goes negative (the checks would refuse it).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { asc, eq } from "drizzle-orm";
import { stock } from "../db/schema.ts";
import { startShop, type Shop } from "./kit.ts";
import { ENGINES } from "./engines.ts";

describe.each(ENGINES)("%s", (engine) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({ handlingMs: 60_000 }, undefined, engine);
  });
  afterAll(() => shop.stop());

  test("no overselling under a race, with the stock spread over warehouses", async () => {
    const db = shop.sys.database.db;
    await db.delete(stock).where(eq(stock.sku, "TOY-007"));
    await db.insert(stock).values([["BER", 20], ["LYS", 18], ["NJ", 12]].map(([warehouse, onHand]) => ({
      sku: "TOY-007", warehouse: String(warehouse), onHand: Number(onHand), reserved: 0,
    })));
    const ids = await Promise.all(
      Array.from({ length: 200 }, (_, i) => shop.place(`racer-${i}`, { sku: "TOY-007" })),
    );
    const finals = await Promise.all(ids.map((id) => shop.waitFor(id, ["PAYMENT_AUTHORIZED", "INVENTORY_FAILED"], 60_000)));
    const won = finals.filter((o) => o.status === "PAYMENT_AUTHORIZED").length;
    const lost = finals.filter((o) => o.status === "INVENTORY_FAILED").length;
    expect(won).toBe(50);
    expect(lost).toBe(150);
    const rows = await db.select().from(stock).where(eq(stock.sku, "TOY-007")).orderBy(asc(stock.warehouse));
    expect(rows).toEqual([
      { sku: "TOY-007", warehouse: "BER", onHand: 20, reserved: 20 },
      { sku: "TOY-007", warehouse: "LYS", onHand: 18, reserved: 18 },
      { sku: "TOY-007", warehouse: "NJ", onHand: 12, reserved: 12 },
    ]);
    // each winner's read model says where its unit is held: together, exactly the rows above
    const held = new Map<string, number>();
    for (const o of finals.filter((f) => f.status === "PAYMENT_AUTHORIZED")) {
      for (const a of o.allocations ?? []) held.set(a.warehouse, (held.get(a.warehouse) ?? 0) + a.qty);
    }
    expect(Object.fromEntries(held)).toEqual({ BER: 20, LYS: 18, NJ: 12 });
  });
});
