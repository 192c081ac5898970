/**
 * The catalog's admin actions the JSON API and the console share, each written to the audit
 * log with the admin, the product or category, and its state before and after.
 */
import type { z } from "zod";
import { CategoryFields, CategoryPatch, SkuField, SlugField, type AdminProduct, type CatalogAdmin, type NewProduct, type ProductPatch } from "../../actors/catalog/catalog-admin.ts";
import { prepareImage } from "../../actors/catalog/images.ts";
import { InputError } from "../../actors/contracts/errors.ts";
import type { Admin, AuditLog } from "../../actors/ops/audit.ts";

export type CatalogActionDeps = { catalogAdmin: CatalogAdmin; audit: AuditLog };

const stateOf = (p: AdminProduct) => (p.archived ? "archived" : "active");
const summary = (p: AdminProduct) => `${stateOf(p)}, ${p.name}, ${(p.price / 100).toFixed(2)} USD`;

/** A path's SKU or slug, or a 400 naming the parameter. */
export function skuParam(value: string | undefined): string {
  const parsed = SkuField.safeParse(value ?? "");
  if (!parsed.success) throw new InputError("sku", `sku: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}
export function slugParam(value: string | undefined): string {
  const parsed = SlugField.safeParse(value ?? "");
  if (!parsed.success) throw new InputError("slug", `slug: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

export function auditedCreateProduct(d: CatalogActionDeps, admin: Admin, p: NewProduct): Promise<AdminProduct> {
  return d.audit.record(admin, { action: "product.create", objectType: "product", objectId: p.sku, reason: "" }, () => d.catalogAdmin.create(p), summary);
}

export async function auditedUpdateProduct(d: CatalogActionDeps, admin: Admin, sku: string, patch: ProductPatch): Promise<AdminProduct> {
  const before = await d.catalogAdmin.product(sku);
  return d.audit.record(admin, { action: "product.update", objectType: "product", objectId: sku, fromState: summary(before), reason: Object.keys(patch).join(", ") },
    () => d.catalogAdmin.update(sku, patch), summary);
}

export async function auditedArchive(d: CatalogActionDeps, admin: Admin, sku: string, archived: boolean, reason: string): Promise<AdminProduct> {
  const before = await d.catalogAdmin.product(sku);
  return d.audit.record(admin, { action: archived ? "product.archive" : "product.restore", objectType: "product", objectId: sku, fromState: stateOf(before), reason },
    () => d.catalogAdmin.setArchived(sku, archived), stateOf);
}

/** Check, resize and store an uploaded picture; a refused one stores nothing (the refusal is audited too). */
export async function auditedAddImage(d: CatalogActionDeps, admin: Admin, sku: string, bytes: Uint8Array | null): Promise<AdminProduct> {
  await d.catalogAdmin.product(sku); // 404 first
  return d.audit.record(admin, { action: "product.image", objectType: "product", objectId: sku, reason: bytes ? `${bytes.length} bytes` : "" }, async () => {
    if (!bytes) throw new InputError("image", "image: choose a PNG, JPEG or WebP picture to upload");
    return d.catalogAdmin.addImage(sku, await prepareImage(bytes));
  }, (p) => `${p.images.length} picture${p.images.length === 1 ? "" : "s"}`);
}

export function auditedCreateCategory(d: CatalogActionDeps, admin: Admin, c: z.input<typeof CategoryFields>) {
  return d.audit.record(admin, { action: "category.create", objectType: "category", objectId: String(c.slug), reason: "" },
    () => d.catalogAdmin.createCategory(c), (x) => x.name);
}

export async function auditedUpdateCategory(d: CatalogActionDeps, admin: Admin, slug: string, patch: z.input<typeof CategoryPatch>) {
  const before = await d.catalogAdmin.category(slug);
  return d.audit.record(admin, { action: "category.update", objectType: "category", objectId: slug, fromState: `${before.name} @${before.position}`, reason: Object.keys(patch).join(", ") },
    () => d.catalogAdmin.updateCategory(slug, patch), (x) => `${x.name} @${x.position}`);
}

export async function auditedMoveCategory(d: CatalogActionDeps, admin: Admin, slug: string, direction: "up" | "down") {
  const before = await d.catalogAdmin.category(slug);
  return d.audit.record(admin, { action: `category.move-${direction}`, objectType: "category", objectId: slug, fromState: `@${before.position}`, reason: "" },
    () => d.catalogAdmin.moveCategory(slug, direction), (x) => `@${x.position}`);
}

export async function auditedDeleteCategory(d: CatalogActionDeps, admin: Admin, slug: string): Promise<void> {
  const before = await d.catalogAdmin.category(slug);
  await d.audit.record(admin, { action: "category.delete", objectType: "category", objectId: slug, fromState: before.name, reason: "" },
    () => d.catalogAdmin.deleteCategory(slug), () => "deleted");
}
