/** Catalog queries (products with available stock) and admin stock adjustments. */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { products, stockTotals } from "../../db/schema.ts";
import { NotFound } from "../contracts/errors.ts";
import type { Cache } from "../runtime/cache.ts";
import { available } from "./stock-sql.ts";
import { reasonOf, StockAdmin, type Adjustment } from "./stock-admin.ts";

export type Product = {
  sku: string;
  name: string;
  category: string;
  brand: string;
  description: string;
  price: number;
  currency: "USD";
  rating: number;
  images: string[];
  available: number;
};

const columns = {
  sku: products.sku, name: products.name, category: products.category, brand: products.brand,
  description: products.description, price: products.price, rating: products.rating, images: products.images,
  available,
};

/**
 * Cached reads are keyed by a version that every change bumps (per SKU, and one for the
 * whole catalog). A reader that loaded old data while a change committed can only write it
 * under the old version, which nobody reads any more: no stale entry outlives a change.
 */
const TTL_SECONDS = 60;
const VERSION_KEY = "catalog:version";
const VERSION_TTL_SECONDS = 7 * 24 * 3600;
const skuVersionKey = (sku: string) => `catalog:version:${sku}`;

/**
 * A catalog read cached under the catalog version: every stock or product change bumps
 * it, so a cached search, listing or category count is never older than the last change.
 */
export async function versioned<T>(cache: Cache, key: string, load: () => Promise<T>): Promise<T> {
  const version = await catalogVersion(cache);
  const full = `catalog:${version}:${key}`;
  const hit = await cache.get<T>(full);
  if (hit !== null) return hit;
  const value = await load();
  await cache.set(full, value, TTL_SECONDS);
  return value;
}

/** The catalog's version: every change of a product, its stock or the categories moves it on. */
export async function catalogVersion(cache: Cache): Promise<number> {
  return (await cache.get<number>(VERSION_KEY)) ?? 0;
}

/** Makes every versioned read stale: call after products change. */
export async function bumpCatalogVersion(cache: Cache): Promise<void> {
  await cache.incr(VERSION_KEY, VERSION_TTL_SECONDS);
}

export class Catalog {
  /** `stockChanged` tells live pages about an admin's adjustment (best effort, after commit). */
  /** The console's stock reads (list, movement log). */
  readonly stock: StockAdmin;
  constructor(private db: Db, private cache: Cache, private stockChanged: (skus: string[]) => Promise<void> = async () => {}) {
    this.stock = new StockAdmin(db);
  }

  /** A page of products; cached under the catalog version, which every stock change bumps. */
  list(f: { category?: string; limit: number; offset: number }): Promise<Product[]> {
    return versioned(this.cache, `list:${f.category ?? "*"}:${f.limit}:${f.offset}`, () => this.query(f));
  }

  private async query(f: { category?: string; limit: number; offset: number }): Promise<Product[]> {
    const rows = await this.db.select(columns).from(products).leftJoin(stockTotals, eq(stockTotals.sku, products.sku))
      .where(and(isNull(products.archivedAt), f.category ? eq(products.category, f.category) : undefined))
      .orderBy(asc(products.category), asc(products.name)).limit(f.limit).offset(f.offset);
    return rows.map((r) => ({ ...r, currency: "USD" as const }));
  }

  async get(sku: string): Promise<Product> {
    const version = (await this.cache.get<number>(skuVersionKey(sku))) ?? 0;
    const key = `catalog:product:${sku}:${version}`;
    const hit = await this.cache.get<Product>(key);
    if (hit) return hit;
    const product = await this.load(sku);
    await this.cache.set(key, product, TTL_SECONDS);
    return product;
  }

  /** Forget cached reads of these products (their stock or details changed). */
  async invalidate(skus: string[]): Promise<void> {
    if (skus.length === 0) return;
    await Promise.all([...skus.map((sku) => this.cache.incr(skuVersionKey(sku), VERSION_TTL_SECONDS)), bumpCatalogVersion(this.cache)]);
  }

  private async load(sku: string): Promise<Product> {
    const [row] = await this.db.select(columns).from(products).leftJoin(stockTotals, eq(stockTotals.sku, products.sku))
      .where(and(eq(products.sku, sku), isNull(products.archivedAt))); // archived: off the storefront
    if (!row) throw new NotFound(`product ${sku} not found`);
    return { ...row, currency: "USD" };
  }

  /** Add (or remove) units on hand in a warehouse (see Adjustment); never below what is reserved there. Logged as a movement. */
  /** `actor`: the admin's id, kept on the movement; `reason` a category or (older callers) free text, see `reasonOf`. */
  async adjustStock(sku: string, delta: number, reason: string, actor?: string, note = "", warehouse?: string): Promise<Product> {
    await this.applyStock([{ sku, delta, ...reasonOf(reason, note), actor: actor ?? null, ...(warehouse ? { warehouse } : {}) }]);
    return this.get(sku);
  }

  /** Adjustments all or none (one transaction; each a movement and an event), then the caches and live pages told. */
  async applyStock(adjustments: Adjustment[]): Promise<void> {
    const skus = await this.stock.apply(adjustments);
    await this.invalidate(skus);
    await this.stockChanged(skus).catch(() => undefined);
  }
}
