/**
 * The catalog for admins, as JSON (the console's pages share these actions, all audited):
 *
 *   GET    /api/admin/products               filtered list: q, category, brand, state, low, limit, offset
 *   GET    /api/admin/products/:sku          one product, archived ones too
 *   POST   /api/admin/products               create (sku, name, description, brand, category, price, lowStockThreshold)
 *   PATCH  /api/admin/products/:sku          edit any of those but the SKU
 *   POST   /api/admin/products/:sku/archive  off the storefront (reason optional); .../restore back
 *   POST   /api/admin/products/:sku/images   a PNG, JPEG or WebP picture, multipart field `image` or the raw body
 *   GET    /api/admin/categories             every category, parents first
 *   POST   /api/admin/categories             create (name, slug, parent, position)
 *   PATCH  /api/admin/categories/:slug       rename, move under a parent, reposition
 *   POST   /api/admin/categories/:slug/move  {"direction":"up"|"down"} among its siblings
 *   DELETE /api/admin/categories/:slug       only when no product and no subcategory is in it
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { CategoryFields, CategoryPatch, NewProduct, ProductFilter, ProductPatch } from "../../actors/catalog/catalog-admin.ts";
import { requireUser, type AuthEnv } from "../auth/auth.ts";
import {
  auditedAddImage, auditedArchive, auditedCreateCategory, auditedCreateProduct, auditedDeleteCategory, auditedMoveCategory,
  auditedUpdateCategory, auditedUpdateProduct, skuParam, slugParam, type CatalogActionDeps,
} from "../http/catalog-actions.ts";
import { uploadBody } from "../http/form.ts";
import { mediaType } from "../http/readable.ts";
import { jsonBody, query } from "../http/validate.ts";

const ReasonBody = z.object({ reason: z.string().trim().max(500).default("") }).strict();
const MoveBody = z.object({ direction: z.enum(["up", "down"]) }).strict();

async function reasonOf(c: Context): Promise<string> {
  if (c.req.header("content-type") === undefined && (await c.req.text()) === "") return "";
  return (await jsonBody(c, ReasonBody)).reason;
}

/** The picture of an upload: multipart's `image` field, or the whole body sent as image/*. */
async function uploaded(c: Context): Promise<Uint8Array | null> {
  if (mediaType(c.req.header("content-type")).type.startsWith("image/")) {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    return bytes.length ? bytes : null;
  }
  return (await uploadBody(c, "image")).file;
}

export function adminCatalogApi(deps: CatalogActionDeps) {
  const { catalogAdmin } = deps;
  const app = new Hono<AuthEnv>();
  app.use("*", requireUser("admin"));
  const admin = (c: Context<AuthEnv>) => c.get("user")!;

  app.get("/products", async (c) => c.json(await catalogAdmin.products(query(c, ProductFilter))));
  app.get("/products/:sku", async (c) => c.json(await catalogAdmin.product(skuParam(c.req.param("sku")))));
  app.post("/products", async (c) => c.json(await auditedCreateProduct(deps, admin(c), await jsonBody(c, NewProduct)), 201));
  app.patch("/products/:sku", async (c) => {
    const sku = skuParam(c.req.param("sku"));
    return c.json(await auditedUpdateProduct(deps, admin(c), sku, await jsonBody(c, ProductPatch.extend({ sku: z.literal(sku, { error: "the SKU cannot change" }).optional() }).strict())));
  });
  for (const [action, archived] of [["archive", true], ["restore", false]] as const) {
    app.post(`/products/:sku/${action}`, async (c) => {
      const sku = skuParam(c.req.param("sku"));
      return c.json(await auditedArchive(deps, admin(c), sku, archived, await reasonOf(c)));
    });
  }
  app.post("/products/:sku/images", async (c) => {
    const sku = skuParam(c.req.param("sku"));
    return c.json(await auditedAddImage(deps, admin(c), sku, await uploaded(c)), 201);
  });

  app.get("/categories", async (c) => c.json({ categories: await catalogAdmin.categories() }));
  app.post("/categories", async (c) => c.json(await auditedCreateCategory(deps, admin(c), await jsonBody(c, CategoryFields)), 201));
  app.patch("/categories/:slug", async (c) => {
    const slug = slugParam(c.req.param("slug"));
    return c.json(await auditedUpdateCategory(deps, admin(c), slug, await jsonBody(c, CategoryPatch)));
  });
  app.post("/categories/:slug/move", async (c) => {
    const slug = slugParam(c.req.param("slug"));
    return c.json(await auditedMoveCategory(deps, admin(c), slug, (await jsonBody(c, MoveBody)).direction));
  });
  app.delete("/categories/:slug", async (c) => {
    const slug = slugParam(c.req.param("slug"));
    await auditedDeleteCategory(deps, admin(c), slug);
    return c.body(null, 204);
  });
  return app;
}
