/** Seeds the demo catalog and its opening stock into an empty database; safe to call at every start. */
import { count } from "drizzle-orm";
import { CATALOG, CATEGORIES } from "./catalog-data.ts";
import type { Db } from "./client.ts";
import { categories, movements, products, stock } from "./schema.ts";

/** "Home & Kitchen" -> "home-kitchen", as the 0021 migration makes them. */
const slugOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

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
    await tx.insert(stock).values(fresh.map((p) => ({ sku: p.sku, onHand: p.initialStock, reserved: 0 })));
    await tx.insert(movements).values(fresh.map((p) => ({
      sku: p.sku, deltaOnHand: p.initialStock, deltaReserved: 0, reason: "initial stock", ref: "seed",
    })));
    return { inserted: fresh.length };
  });
}
