import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { asc, eq } from "drizzle-orm";
import { CATALOG, CATEGORIES } from "./catalog-data.ts";
import { openPglite, type Database } from "./client.ts";
import { movements, products, stock, stockTotals } from "./schema.ts";
import { seedCatalog, spread } from "./seed.ts";

describe("catalog data", () => {
  test("has at least 60 products with unique SKUs in every category", () => {
    expect(CATALOG.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CATALOG.map((p) => p.sku)).size).toBe(CATALOG.length);
    for (const c of CATEGORIES) expect(CATALOG.filter((p) => p.category === c).length).toBeGreaterThanOrEqual(5);
  });

  test.each([...CATALOG])("$sku is well formed", (p) => {
    expect(p.sku).toMatch(/^[A-Z]{3}-\d{3}$/);
    expect(p.name.length).toBeGreaterThan(3);
    expect(p.description).toMatch(/^[A-Z0-9].{30,}[.!]$/);
    expect(Number.isInteger(p.price) && p.price > 0).toBe(true);
    expect(p.rating).toBeGreaterThanOrEqual(1);
    expect(p.rating).toBeLessThanOrEqual(5);
    expect(Math.round(p.rating * 10) / 10).toBe(p.rating);
    expect(Number.isInteger(p.initialStock) && p.initialStock >= 0).toBe(true);
    expect(p.images.length === 2 || p.images.length === 3).toBe(true);
    p.images.forEach((path, i) => expect(path).toBe(`/images/${p.sku}-${i + 1}.svg`));
  });

  test("stock is mostly 20-200 with a few low and at least one sold out", () => {
    const levels = CATALOG.map((p) => p.initialStock);
    expect(levels.filter((n) => n >= 20 && n <= 200).length).toBeGreaterThan(CATALOG.length * 0.75);
    expect(levels.filter((n) => n > 0 && n < 10).length).toBeGreaterThanOrEqual(3);
    expect(levels.filter((n) => n === 0).length).toBeGreaterThanOrEqual(1);
  });
});

describe("seedCatalog", () => {
  let database: Database;
  beforeEach(async () => { database = await openPglite(); });
  afterEach(async () => { await database.close(); });

  test("spreads opening stock over the warehouses, Berlin keeping the rest", () => {
    expect(spread(42)).toEqual([["BER", 14], ["LYS", 14], ["NJ", 14]]);
    expect(spread(5)).toEqual([["BER", 3], ["LYS", 1], ["NJ", 1]]);
    expect(spread(2)).toEqual([["BER", 2]]);
    expect(spread(0)).toEqual([["BER", 0]]);
  });

  test("fills an empty catalog with products, stock per warehouse and one opening movement per row", async () => {
    const { db } = database;
    const { inserted } = await seedCatalog(db);
    expect(inserted).toBe(CATALOG.length);
    expect(inserted).toBeGreaterThanOrEqual(50);

    const rows = await db.select({ sku: products.sku, category: products.category, images: products.images, onHand: stockTotals.onHand, reserved: stockTotals.reserved })
      .from(products).leftJoin(stockTotals, eq(stockTotals.sku, products.sku)).orderBy(asc(products.sku));
    expect(rows.length).toBe(inserted);
    expect(new Set(rows.map((r) => r.category)).size).toBeGreaterThanOrEqual(6);
    const initial = new Map(CATALOG.map((p) => [p.sku, p.initialStock]));
    for (const r of rows) {
      expect(r.onHand).toBe(initial.get(r.sku)!);
      expect(r.reserved).toBe(0);
      expect(r.images.length).toBeGreaterThanOrEqual(2);
    }

    const opening = await db.select().from(movements);
    const bins = await db.select().from(stock);
    expect(opening.length).toBe(bins.length);
    expect(new Set(opening.map((m) => m.sku)).size).toBe(inserted);
    for (const m of opening) {
      expect(m.reason).toBe("initial stock");
      expect(m.deltaOnHand).toBe(bins.find((b) => b.sku === m.sku && b.warehouse === m.warehouse)!.onHand);
      expect(m.deltaReserved).toBe(0);
    }
  });

  test("a second call inserts nothing and changes nothing", async () => {
    const { db } = database;
    await seedCatalog(db);
    const rows = await db.$count(stock);
    await db.update(stock).set({ onHand: 1 }).where(eq(stock.sku, "LAP-001"));
    expect(await seedCatalog(db)).toEqual({ inserted: 0 });
    const counts = { products: await db.$count(products), stock: await db.$count(stock), movements: await db.$count(movements) };
    expect(counts).toEqual({ products: CATALOG.length, stock: rows, movements: rows });
    const [lap] = await db.select({ onHand: stock.onHand }).from(stock).where(eq(stock.sku, "LAP-001"));
    expect(lap?.onHand).toBe(1);
  });

  test("leaves a catalog that already has products alone", async () => {
    const { db } = database;
    await db.insert(products).values({ sku: "OWN-001", name: "House brand mug", category: "Home & Kitchen", brand: "Ours", description: "A mug.", price: 900, rating: 4, images: [] });
    expect(await seedCatalog(db)).toEqual({ inserted: 0 });
    expect((await db.select({ sku: products.sku }).from(products)).map((r) => r.sku)).toEqual(["OWN-001"]);
  });
});
