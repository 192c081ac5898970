/** Seeds the demo catalog and its opening stock into an empty database; safe to call at every start. */
import { count } from "drizzle-orm";
import { CATALOG, CATEGORIES } from "./catalog-data.ts";
import type { Db } from "./client.ts";
import { categories, movements, products, stock } from "./schema.ts";

/** "Home & Kitchen" -> "home-kitchen", as the 0021 migration makes them. */
const slugOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

/** The demo's warehouses (created by migration 0031), by priority. */
export const DEMO_WAREHOUSES = ["BER", "LYS", "NJ"] as const;

/**
 * A product's opening stock spread over the demo warehouses: a third each, Berlin keeping the
 * rest (so 5 units are 3 + 1 + 1); a warehouse with no units gets no row.
 */
export function spread(units: number): [warehouse: string, units: number][] {
  const third = Math.floor(units / 3);
  const rows: [string, number][] = [["BER", units - 2 * third], ["LYS", third], ["NJ", third]];
  return units === 0 ? [["BER", 0]] : rows.filter(([, n]) => n > 0);
}

/**
 * Inserts every catalog product with its stock row and an "initial stock" movement, but only
 * when catalog.products is empty: a shop that has edited its catalog is never re-seeded.
 */
export async function seedCatalog(db: Db): Promise<{ inserted: number }> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ n: count() }).from(products);
    if ((existing?.n ?? 0) > 0) return { inserted: 0 };
    // Two processes starting together both see an empty table; ON CONFLICT makes the
    // second one wait for the first and insert nothing, and only what this call inserted
    // gets stock and a movement.
    const rows = await tx.insert(products)
      .values(CATALOG.map(({ initialStock: _, ...p }) => p))
      .onConflictDoNothing()
      .returning({ sku: products.sku });
    const mine = new Set(rows.map((r) => r.sku));
    const fresh = CATALOG.filter((p) => mine.has(p.sku));
    if (fresh.length === 0) return { inserted: 0 };
    // the storefront's categories, in the demo's order (the admins manage them from here on)
    await tx.insert(categories).values(CATEGORIES.map((name, i) => ({ name, slug: slugOf(name), position: (i + 1) * 10 }))).onConflictDoNothing();
    const opening = fresh.flatMap((p) => spread(p.initialStock).map(([warehouse, onHand]) => ({ sku: p.sku, warehouse, onHand })));
    await tx.insert(stock).values(opening.map((o) => ({ ...o, reserved: 0 })));
    await tx.insert(movements).values(opening.map((o) => ({
      sku: o.sku, warehouse: o.warehouse, deltaOnHand: o.onHand, deltaReserved: 0, reason: "initial stock", ref: "seed",
    })));
    return { inserted: fresh.length };
  });
}
