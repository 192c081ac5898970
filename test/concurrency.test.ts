/** 200 one-unit orders race for a SKU with 50 units: exactly 50 win, stock never negative. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { stock } from "../db/schema.ts";
import { startShop, type Shop } from "./kit.ts";
import { ENGINES } from "./engines.ts";

describe.each(ENGINES)("%s", (engine) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await startShop({ handlingMs: 60_000 }, undefined, engine);
  });
  afterAll(() => shop.stop());

  test("no overselling under a race", async () => {
    const db = shop.sys.database.db;
    await db.update(stock).set({ onHand: 50, reserved: 0 }).where(eq(stock.sku, "TOY-007"));
    const ids = await Promise.all(
      Array.from({ length: 200 }, (_, i) => shop.place(`racer-${i}`, { sku: "TOY-007" })),
    );
    const finals = await Promise.all(ids.map((id) => shop.waitFor(id, ["PAYMENT_AUTHORIZED", "INVENTORY_FAILED"], 60_000)));
    const won = finals.filter((o) => o.status === "PAYMENT_AUTHORIZED").length;
    const lost = finals.filter((o) => o.status === "INVENTORY_FAILED").length;
    expect(won).toBe(50);
    expect(lost).toBe(150);
    const [row] = await db.select().from(stock).where(eq(stock.sku, "TOY-007"));
    expect(row).toEqual({ sku: "TOY-007", onHand: 50, reserved: 50 });
  });
});
