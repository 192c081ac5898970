/**
 * Catalog administration: products (create, edit, archive, restore), their uploaded pictures
 * and the categories. Each product change writes its `catalog.*` event to the outbox in the
 * same transaction (keyed by SKU); after the commit the catalog's cached reads go stale, the
 * search words are rebuilt and `subjects.catalog` tells every edge's live pages.
 */
import { and, asc, count, desc, eq, ilike, isNotNull, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Q } from "../../db/client.ts";
import { categories, productImages, products, stock, stockTotals } from "../../db/schema.ts";
import { CatalogConflict, InputError, NotFound } from "../contracts/errors.ts";
import { envelope, topicOf, type Emit } from "../contracts/envelope.ts";
import { subjects } from "../contracts/subjects.ts";
import type { PubSub } from "../runtime/pubsub.ts";
import { firstWarehouse } from "../warehouses/warehouses.ts";
import { available, isLow } from "./stock-sql.ts";

const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `at most ${max} characters`)
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not hold control characters");

export const SkuField = z.string().trim().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, "2 to 32 capital letters, digits and dashes");
export const SlugField = z.string().trim().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "lower-case letters, digits and single dashes").max(60);

/** What an admin may set on a product; the SKU only when creating it. */
export const ProductFields = z.object({
  name: text(120),
  description: z.string().trim().max(4000, "at most 4000 characters").refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), "must not hold control characters"),
  brand: text(60),
  category: SlugField,
  price: z.number().int("must be whole cents").min(0, "must not be negative").max(100_000_000, "at most 1,000,000.00"),
  lowStockThreshold: z.number().int("must be a whole number").min(0, "must not be negative").max(1_000_000, "at most 1000000"),
});
export const NewProduct = ProductFields.extend({ sku: SkuField }).strict();
export const ProductPatch = ProductFields.partial().strict();
export type NewProduct = z.infer<typeof NewProduct>;
export type ProductPatch = z.infer<typeof ProductPatch>;

export const CategoryFields = z.object({
  name: text(60),
  slug: SlugField,
  parent: SlugField.nullable().default(null),
  position: z.number().int().min(0).max(1_000_000).default(0),
}).strict();
export const CategoryPatch = CategoryFields.partial().strict();
export type CategoryInput = z.infer<typeof CategoryFields>;

export type AdminProduct = {
  sku: string; name: string; description: string; brand: string; category: string; categorySlug: string | null;
  price: number; lowStockThreshold: number; images: string[]; available: number; archived: boolean; createdAt: string;
  /** low on stock by the one rule (stock-sql.ts `isLow`) */
  low: boolean;
};
export type AdminCategory = { slug: string; name: string; parent: string | null; position: number; products: number; children: number };

export const ProductFilter = z.object({
  q: z.string().trim().max(100).default(""),
  category: z.union([SlugField, z.literal("")]).default(""),
  brand: z.string().trim().max(60).default(""),
  state: z.enum(["active", "archived", "all"]).default("active"),
  low: z.enum(["", "1"]).default(""),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type ProductFilter = z.infer<typeof ProductFilter>;

/** What `subjects.catalog` carries: which product changed and how. */
export const CatalogChange = z.object({ sku: z.string().min(1), change: z.enum(["created", "updated", "archived", "restored"]) });
export type CatalogChange = z.infer<typeof CatalogChange>;

/** The generated picture a product without uploads shows (edge/pages/product-images.ts). */
export const generatedImage = (sku: string) => `/images/${sku}-1.svg`;

const columns = {
  sku: products.sku, name: products.name, description: products.description, brand: products.brand, category: products.category,
  categorySlug: categories.slug, price: products.price, lowStockThreshold: products.lowStockThreshold, images: products.images,
  available, archivedAt: products.archivedAt, createdAt: products.createdAt, low: sql<boolean>`coalesce(${isLow}, false)`,
};
type Row = { [K in keyof typeof columns]: unknown } & { archivedAt: Date | null; createdAt: Date; images: string[] };
const toProduct = (r: Row): AdminProduct => ({
  sku: r.sku as string, name: r.name as string, description: r.description as string, brand: r.brand as string,
  category: r.category as string, categorySlug: (r.categorySlug as string | null) ?? null, price: r.price as number,
  lowStockThreshold: r.lowStockThreshold as number, images: r.images, available: Number(r.available), archived: r.archivedAt !== null,
  createdAt: r.createdAt.toISOString(), low: r.low === true,
});

export type CatalogAdminDeps = {
  db: Db;
  pubsub: PubSub;
  /** after a commit: forget cached catalog reads of these products and rebuild the search words */
  changed: (skus: string[]) => Promise<void>;
};

export class CatalogAdmin {
  constructor(private deps: CatalogAdminDeps) {}

  private get db() {
    return this.deps.db;
  }

  /** A page of products for the console, newest first, with the filters applied. */
  async products(f: ProductFilter): Promise<{ products: AdminProduct[]; total: number }> {
    const like = f.q ? `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
    const where = and(
      like ? or(ilike(products.sku, like), ilike(products.name, like), ilike(products.brand, like)) : undefined,
      f.category ? eq(categories.slug, f.category) : undefined,
      f.brand ? eq(products.brand, f.brand) : undefined,
      f.state === "active" ? isNull(products.archivedAt) : f.state === "archived" ? isNotNull(products.archivedAt) : undefined,
      f.low ? isLow : undefined,
    );
    const [rows, [total]] = await Promise.all([
      this.db.select(columns).from(products).leftJoin(stockTotals, eq(stockTotals.sku, products.sku)).leftJoin(categories, eq(categories.name, products.category))
        .where(where).orderBy(desc(products.createdAt), asc(products.sku)).limit(f.limit).offset(f.offset),
      this.db.select({ n: count() }).from(products).leftJoin(stockTotals, eq(stockTotals.sku, products.sku)).leftJoin(categories, eq(categories.name, products.category)).where(where),
    ]);
    return { products: rows.map((r) => toProduct(r as Row)), total: Number(total?.n ?? 0) };
  }

  /** Every brand in the catalog, for the filter. */
  async brands(): Promise<string[]> {
    const rows = await this.db.selectDistinct({ brand: products.brand }).from(products).orderBy(asc(products.brand));
    return rows.map((r) => r.brand);
  }

  async product(sku: string, q: Q = this.db): Promise<AdminProduct> {
    const [row] = await q.select(columns).from(products).leftJoin(stockTotals, eq(stockTotals.sku, products.sku))
      .leftJoin(categories, eq(categories.name, products.category)).where(eq(products.sku, sku));
    if (!row) throw new NotFound(`product ${sku} not found`);
    return toProduct(row as Row);
  }

  async create(input: NewProduct): Promise<AdminProduct> {
    const p = NewProduct.parse(input);
    await this.db.transaction(async (tx) => {
      const category = await this.categoryName(tx, p.category);
      const [inserted] = await tx.insert(products).values({
        sku: p.sku, name: p.name, description: p.description, brand: p.brand, category, price: p.price, rating: 0,
        images: [generatedImage(p.sku)], lowStockThreshold: p.lowStockThreshold,
      }).onConflictDoNothing().returning({ sku: products.sku });
      if (!inserted) throw new CatalogConflict("SKU_TAKEN", `sku: ${p.sku} is already a product`);
      await tx.insert(stock).values({ sku: p.sku, warehouse: await firstWarehouse(tx), onHand: 0, reserved: 0 }).onConflictDoNothing();
      await outbox(tx, p.sku, { type: "catalog.ProductCreated.v1", payload: eventOf({ ...p, category }) });
    });
    return this.after(p.sku, "created");
  }

  async update(sku: string, patch: ProductPatch): Promise<AdminProduct> {
    const p = ProductPatch.parse(patch);
    await this.db.transaction(async (tx) => {
      const before = await this.product(sku, tx);
      const category = p.category === undefined ? undefined : await this.categoryName(tx, p.category);
      const { category: _slug, ...rest } = p;
      const values = { ...rest, ...(category === undefined ? {} : { category }) };
      const changed = Object.entries(values).filter(([k, v]) => before[k as keyof AdminProduct] !== v).map(([k]) => k);
      if (changed.length === 0) return;
      await tx.update(products).set(values).where(eq(products.sku, sku));
      const after = { ...before, ...values };
      await outbox(tx, sku, { type: "catalog.ProductUpdated.v1", payload: { ...eventOf(after), changed } });
    });
    return this.after(sku, "updated");
  }

  /** Archive (off the storefront, search and carts) or restore a product; past orders keep it. */
  async setArchived(sku: string, archived: boolean): Promise<AdminProduct> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx.update(products).set({ archivedAt: archived ? sql`now()` : null })
        .where(and(eq(products.sku, sku), archived ? isNull(products.archivedAt) : isNotNull(products.archivedAt))).returning({ sku: products.sku });
      if (!row) {
        await this.product(sku, tx); // 404 when there is no such product
        throw new CatalogConflict("ARCHIVED", `product ${sku} is ${archived ? "already archived" : "not archived"}`);
      }
      await outbox(tx, sku, archived ? { type: "catalog.ProductArchived.v1", payload: { sku } } : { type: "catalog.ProductRestored.v1", payload: { sku } });
    });
    return this.after(sku, archived ? "archived" : "restored");
  }

  /** Add an uploaded picture (already checked and resized: see images.ts); it becomes the product's first picture. */
  async addImage(sku: string, img: { contentType: string; digest: string; original: Uint8Array; thumb: Uint8Array; width: number; height: number }): Promise<AdminProduct> {
    await this.db.transaction(async (tx) => {
      const before = await this.product(sku, tx);
      const [row] = await tx.insert(productImages).values({ sku, ...img, original: Buffer.from(img.original), thumb: Buffer.from(img.thumb) })
        .returning({ id: productImages.id });
      const url = uploadedImage(row!.id, img.digest);
      const kept = before.images.filter((u) => u !== generatedImage(sku));
      const images = [url, ...kept].slice(0, 8);
      await tx.update(products).set({ images }).where(eq(products.sku, sku));
      await outbox(tx, sku, { type: "catalog.ProductUpdated.v1", payload: { ...eventOf(before), changed: ["images"] } });
    });
    return this.after(sku, "updated");
  }

  /** An uploaded picture by id and digest (its URL); the thumbnail or the original. */
  async image(id: number, digest: string, size: "thumb" | "original"): Promise<{ contentType: string; bytes: Uint8Array } | null> {
    const [row] = await this.db.select({ contentType: productImages.contentType, original: productImages.original, thumb: productImages.thumb })
      .from(productImages).where(and(eq(productImages.id, id), eq(productImages.digest, digest)));
    if (!row) return null;
    return size === "thumb" ? { contentType: "image/webp", bytes: new Uint8Array(row.thumb) } : { contentType: row.contentType, bytes: new Uint8Array(row.original) };
  }

  private async categoryName(q: Q, slug: string): Promise<string> {
    const [row] = await q.select({ name: categories.name }).from(categories).where(eq(categories.slug, slug));
    if (!row) throw new InputError("category", `category: there is no category ${slug}`);
    return row.name;
  }

  private async after(sku: string, change: CatalogChange["change"]): Promise<AdminProduct> {
    await this.deps.changed([sku]);
    this.deps.pubsub.publish(subjects.catalog, { sku, change } satisfies CatalogChange);
    return this.product(sku);
  }

  // --- categories -------------------------------------------------------------------------

  /** Every category, parents first by position, each followed by its children. */
  async categories(): Promise<AdminCategory[]> {
    const rows = await this.db.select({
      slug: categories.slug, name: categories.name, parent: categories.parentSlug, position: categories.position,
      products: sql<number>`(SELECT count(*)::int FROM catalog.products p WHERE p.category = "categories"."name")`,
      children: sql<number>`(SELECT count(*)::int FROM catalog.categories c WHERE c.parent_slug = "categories"."slug")`,
    }).from(categories).orderBy(asc(categories.position), asc(categories.name));
    const all = rows.map((r) => ({ ...r, products: Number(r.products), children: Number(r.children) }));
    return all.filter((c) => c.parent === null).flatMap((p) => [p, ...all.filter((c) => c.parent === p.slug)])
      .concat(all.filter((c) => c.parent !== null && !all.some((p) => p.slug === c.parent)));
  }

  async category(slug: string): Promise<AdminCategory> {
    const found = (await this.categories()).find((c) => c.slug === slug);
    if (!found) throw new NotFound(`category ${slug} not found`);
    return found;
  }

  async createCategory(input: z.input<typeof CategoryFields>): Promise<AdminCategory> {
    const c = CategoryFields.parse(input);
    await this.db.transaction(async (tx) => {
      await this.checkParent(tx, c.slug, c.parent);
      await this.checkFree(tx, c.slug, c.name, null);
      await tx.insert(categories).values({ slug: c.slug, name: c.name, parentSlug: c.parent, position: c.position });
    });
    await this.deps.changed([]);
    return this.category(c.slug);
  }

  /** Rename, move under another parent (or to the top) or reorder; the slug stays. Its products follow a rename. */
  async updateCategory(slug: string, patch: z.input<typeof CategoryPatch>): Promise<AdminCategory> {
    const c = CategoryPatch.parse(patch);
    if (c.slug !== undefined && c.slug !== slug) throw new InputError("slug", "slug: a category's slug cannot change (its pages' addresses)");
    await this.db.transaction(async (tx) => {
      const [before] = await tx.select().from(categories).where(eq(categories.slug, slug)).for("update");
      if (!before) throw new NotFound(`category ${slug} not found`);
      if (c.parent !== undefined) {
        await this.checkParent(tx, slug, c.parent);
        const [child] = await tx.select({ slug: categories.slug }).from(categories).where(eq(categories.parentSlug, slug)).limit(1);
        if (c.parent !== null && child) throw new CatalogConflict("NESTING", `parent: ${slug} has subcategories, so it cannot go under another category`);
      }
      if (c.name !== undefined && c.name !== before.name) {
        await this.checkFree(tx, slug, c.name, slug);
        await tx.update(products).set({ category: c.name }).where(eq(products.category, before.name));
      }
      await tx.update(categories).set({
        ...(c.name === undefined ? {} : { name: c.name }), ...(c.parent === undefined ? {} : { parentSlug: c.parent }),
        ...(c.position === undefined ? {} : { position: c.position }),
      }).where(eq(categories.slug, slug));
    });
    await this.deps.changed([]);
    return this.category(slug);
  }

  /** Move a category one place up or down among its siblings (positions renumbered by tens). */
  async moveCategory(slug: string, direction: "up" | "down"): Promise<AdminCategory> {
    await this.db.transaction(async (tx) => {
      const [me] = await tx.select().from(categories).where(eq(categories.slug, slug)).for("update");
      if (!me) throw new NotFound(`category ${slug} not found`);
      const siblings = await tx.select({ slug: categories.slug }).from(categories)
        .where(me.parentSlug === null ? isNull(categories.parentSlug) : eq(categories.parentSlug, me.parentSlug))
        .orderBy(asc(categories.position), asc(categories.name));
      const order = siblings.map((s) => s.slug);
      const i = order.indexOf(slug);
      const j = direction === "up" ? i - 1 : i + 1;
      if (j < 0 || j >= order.length) return;
      [order[i], order[j]] = [order[j]!, order[i]!];
      for (const [k, s] of order.entries()) await tx.update(categories).set({ position: (k + 1) * 10 }).where(eq(categories.slug, s));
    });
    await this.deps.changed([]);
    return this.category(slug);
  }

  /** Delete a category only when no product (archived ones too) and no subcategory is in it. */
  async deleteCategory(slug: string): Promise<void> {
    const c = await this.category(slug);
    if (c.products > 0) throw new CatalogConflict("IN_USE", `category ${c.name} still has ${c.products} product${c.products === 1 ? "" : "s"}; move them first`);
    if (c.children > 0) throw new CatalogConflict("IN_USE", `category ${c.name} still has ${c.children} subcategor${c.children === 1 ? "y" : "ies"}`);
    await this.db.delete(categories).where(and(eq(categories.slug, slug), sql`NOT EXISTS (SELECT 1 FROM catalog.products p WHERE p.category = ${c.name})`));
    await this.deps.changed([]);
  }

  private async checkParent(q: Q, slug: string, parent: string | null) {
    if (parent === null) return;
    if (parent === slug) throw new InputError("parent", "parent: a category cannot be its own parent");
    const [row] = await q.select({ parent: categories.parentSlug }).from(categories).where(eq(categories.slug, parent));
    if (!row) throw new InputError("parent", `parent: there is no category ${parent}`);
    if (row.parent !== null) throw new CatalogConflict("NESTING", `parent: ${parent} is itself a subcategory; categories nest one level only`);
  }

  private async checkFree(q: Q, slug: string, name: string, self: string | null) {
    const taken = await q.select({ slug: categories.slug, name: categories.name }).from(categories)
      .where(or(eq(categories.slug, slug), sql`lower(${categories.name}) = lower(${name})`));
    for (const t of taken) {
      if (t.slug === self) continue;
      if (t.slug === slug) throw new CatalogConflict("SLUG_TAKEN", `slug: ${slug} is already a category`);
      throw new CatalogConflict("NAME_TAKEN", `name: ${name} is already a category`);
    }
  }
}

/** The URL of an uploaded picture's thumbnail; it never changes, so it may be cached for good. */
export const uploadedImage = (id: number, digest: string) => `/images/u/${id}-${digest}.webp`;

const eventOf = (p: { sku: string; name: string; category: string; brand: string; price: number; lowStockThreshold: number }) =>
  ({ sku: p.sku, name: p.name, category: p.category, brand: p.brand, price: p.price, lowStockThreshold: p.lowStockThreshold });

/** The event's outbox row, in the transaction of the change it announces (keyed by SKU). */
export async function outbox(tx: Q, sku: string, e: Emit): Promise<void> {
  const eventId = crypto.randomUUID();
  const message = JSON.stringify(envelope(e, sku, new Date(), null, eventId));
  await tx.execute(sql`INSERT INTO runtime.outbox (event_id, topic, key, type, message) VALUES (${eventId}::uuid, ${topicOf(e.type)}, ${sku}, ${e.type}, ${message})`);
}
