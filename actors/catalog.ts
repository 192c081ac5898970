/** Catalog queries (products with available stock) and admin stock adjustments. */
import { and, asc, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { movements, products, stock } from "../db/schema.ts";
import { Conflict, NotFound } from "./errors.ts";

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
  available: sql<number>`coalesce(${stock.onHand} - ${stock.reserved}, 0)`.mapWith(Number),
};

export class Catalog {
  constructor(private db: Db) {}

  async list(f: { category?: string; limit: number; offset: number }): Promise<Product[]> {
    const rows = await this.db.select(columns).from(products).leftJoin(stock, eq(stock.sku, products.sku))
      .where(f.category ? eq(products.category, f.category) : undefined)
      .orderBy(asc(products.category), asc(products.name)).limit(f.limit).offset(f.offset);
    return rows.map((r) => ({ ...r, currency: "USD" as const }));
  }

  async get(sku: string): Promise<Product> {
    const [row] = await this.db.select(columns).from(products).leftJoin(stock, eq(stock.sku, products.sku))
      .where(eq(products.sku, sku));
    if (!row) throw new NotFound(`product ${sku} not found`);
    return { ...row, currency: "USD" };
  }

  /** Add (or remove) units on hand; never below what is reserved. Logged as a movement. */
  async adjustStock(sku: string, delta: number, reason: string): Promise<Product> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx.update(stock).set({ onHand: sql`${stock.onHand} + ${delta}` })
        .where(and(eq(stock.sku, sku), gte(sql`${stock.onHand} + ${delta}`, stock.reserved)))
        .returning({ sku: stock.sku });
      if (!row) {
        const [exists] = await tx.select({ sku: stock.sku, onHand: stock.onHand, reserved: stock.reserved }).from(stock).where(eq(stock.sku, sku));
        if (!exists) throw new NotFound(`product ${sku} not found`);
        throw new Conflict(`on hand ${exists.onHand}, reserved ${exists.reserved}`, `cannot remove ${-delta} units of ${sku}: only ${exists.onHand - exists.reserved} are not reserved`);
      }
      await tx.insert(movements).values({ sku, deltaOnHand: delta, deltaReserved: 0, reason, ref: "admin" });
    });
    return this.get(sku);
  }
}
