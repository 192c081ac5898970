/**
 *   GET  /admin/products?q=&category=&brand=&state=&low=&limit=   the list, newest first, live
 *   GET  /admin/products/stream?<the same filter>                   SSE: the list again on every product change
 *   GET  /admin/products/new | POST /admin/products                 the new product's form -> 303 to its page
 *   GET  /admin/products/:sku | POST /admin/products/:sku           one product's form (the SKU stays) -> 303 back
 *   POST /admin/products/:sku/images                                upload a picture (multipart `image`) -> 303 back
 *   POST /admin/products/:sku/archive | /restore                    reason -> 303 back
 *
 * A refused form comes back (400) with every problem named beside its field.
 */
import { Hono, type Context } from "hono";
import { render } from "preact-render-to-string";
import { z } from "zod";
import { NewProduct, ProductFilter, ProductPatch, type AdminProduct } from "../../../actors/catalog/catalog-admin.ts";
import { InputError } from "../../../actors/contracts/errors.ts";
import { subjects } from "../../../actors/contracts/subjects.ts";
import type { PubSub } from "../../../actors/runtime/pubsub.ts";
import { formOf, ProductEditPage, ProductListUpdate, ProductsPage, type ProductField, type ProductForm } from "../../../views/admin/products-page.tsx";
import type { Problem } from "../../../views/form-parts.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import type { AuthEnv } from "../../auth/auth.ts";
import { auditedAddImage, auditedArchive, auditedCreateProduct, auditedUpdateProduct, skuParam, type CatalogActionDeps } from "../../http/catalog-actions.ts";
import { formBody, uploadBody } from "../../http/form.ts";
import { refusal } from "../../http/http-errors.ts";
import { refreshStream } from "../../http/refresh-stream.ts";
import { query } from "../../http/validate.ts";

export type ProductPageDeps = CatalogActionDeps & { pubsub: PubSub };

const ReasonForm = z.object({ reason: z.string().trim().max(500).default("") });
const NOTICES: Record<string, string> = {
  created: "Product created. It is on the storefront now.", saved: "Changes saved.", image: "Picture uploaded.",
  archived: "Archived: the product is off the storefront, search and carts.", restored: "Restored: the product is on sale again.",
};

/** The form's text as the API's fields; each problem named by its field. */
function productOf(form: ProductForm, creating: boolean): { value: NewProduct | null; errors: Problem<ProductField>[] } {
  const errors: Problem<ProductField>[] = [];
  const price = /^\s*\d{1,7}(\.\d{1,2})?\s*$/.test(form.price) ? Math.round(Number(form.price) * 100) : null;
  if (price === null) errors.push({ field: "price", message: "Price: enter an amount like 129.99" });
  const threshold = /^\s*\d{1,7}\s*$/.test(form.lowStockThreshold) ? Number(form.lowStockThreshold) : null;
  if (threshold === null) errors.push({ field: "lowStockThreshold", message: "Low-stock threshold: enter a whole number, 0 or more" });
  const parsed = (creating ? NewProduct : NewProduct.omit({ sku: true }).extend({ sku: z.string() })).safeParse({
    sku: form.sku, name: form.name, description: form.description, brand: form.brand, category: form.category, price: price ?? 0, lowStockThreshold: threshold ?? 0,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "") as ProductField;
      if (errors.some((e) => e.field === field)) continue;
      errors.push({ field, message: `${LABELS[field] ?? field}: ${field === "category" && form.category === "" ? "choose a category" : issue.message}` });
    }
  }
  const order = Object.keys(LABELS);
  errors.sort((a, b) => order.indexOf(a.field ?? "") - order.indexOf(b.field ?? "")); // as the form lists them
  return { value: errors.length === 0 && parsed.success ? parsed.data : null, errors };
}
const LABELS: Partial<Record<ProductField, string>> = {
  sku: "SKU", name: "Name", brand: "Brand", category: "Category", price: "Price", lowStockThreshold: "Low-stock threshold", description: "Description", image: "Picture",
};

const formFields = (f: Record<string, string>): ProductForm => ({
  sku: f.sku ?? "", name: f.name ?? "", description: f.description ?? "", brand: f.brand ?? "", category: f.category ?? "",
  price: f.price ?? "", lowStockThreshold: f.lowStockThreshold ?? "",
});

export function adminProductPages(deps: ProductPageDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { catalogAdmin } = deps;

  async function listOf(f: ProductFilter) {
    const { products, total } = await catalogAdmin.products(f);
    const shown = f.offset + products.length;
    const more = shown < total ? `/admin/products?${filterQuery(f, f.limit + products.length)}` : null;
    return { products, total, filter: f, more };
  }

  app.get("/admin/products", async (c) => {
    const f = query(c, ProductFilter);
    const [list, categories, brands] = await Promise.all([listOf(f), catalogAdmin.categories(), catalogAdmin.brands()]);
    return c.html(renderDocument(
      <ProductsPage shell={await c.get("shell")()} categories={categories} brands={brands} streamUrl={`/admin/products/stream?${filterQuery(f, f.limit)}`}
        notice={NOTICES[c.req.query("done") ?? ""]} {...list} />,
    ));
  });

  app.get("/admin/products/stream", (c) => {
    const f = query(c, ProductFilter);
    return refreshStream(c, deps.pubsub, subjects.catalog, async () => render(<ProductListUpdate {...await listOf(f)} />));
  });

  const editPage = async (c: Context<AuthEnv>, product: AdminProduct | null, form: ProductForm, errors: Problem<ProductField>[], status: 200 | 400 = 200) =>
    c.html(renderDocument(
      <ProductEditPage shell={await c.get("shell")()} product={product} form={form} errors={errors} categories={await catalogAdmin.categories()}
        notice={NOTICES[c.req.query("done") ?? ""]} />,
    ), status);

  app.get("/admin/products/new", (c) => editPage(c, null, { ...formFields({}), lowStockThreshold: "10" }, []));

  app.post("/admin/products", async (c) => {
    const form = formFields(await formBody(c));
    const { value, errors } = productOf(form, true);
    if (!value) return editPage(c, null, form, errors, 400);
    try {
      await auditedCreateProduct(deps, c.get("user")!, value);
    } catch (err) {
      const refused = refusal(err);
      if (!refused || refused.status === 404) throw err;
      return editPage(c, null, form, [{ field: fieldOf(err) ?? "sku", message: refused.message }], 400);
    }
    return c.redirect(`/admin/products/${encodeURIComponent(value.sku)}?done=created`, 303);
  });

  app.get("/admin/products/:sku", async (c) => {
    const product = await catalogAdmin.product(skuParam(c.req.param("sku")));
    return editPage(c, product, formOf(product), []);
  });

  app.post("/admin/products/:sku", async (c) => {
    const product = await catalogAdmin.product(skuParam(c.req.param("sku")));
    const form = { ...formFields(await formBody(c)), sku: product.sku };
    const { value, errors } = productOf(form, false);
    if (!value) return editPage(c, product, form, errors, 400);
    const { sku: _sku, ...fields } = value;
    const patch: z.infer<typeof ProductPatch> = fields;
    try {
      await auditedUpdateProduct(deps, c.get("user")!, product.sku, patch);
    } catch (err) {
      const refused = refusal(err);
      if (!refused || refused.status === 404) throw err;
      return editPage(c, product, form, [{ field: fieldOf(err) ?? "name", message: refused.message }], 400);
    }
    return c.redirect(`/admin/products/${encodeURIComponent(product.sku)}?done=saved`, 303);
  });

  app.post("/admin/products/:sku/images", async (c) => {
    const product = await catalogAdmin.product(skuParam(c.req.param("sku")));
    try {
      const { file } = await uploadBody(c, "image");
      await auditedAddImage(deps, c.get("user")!, product.sku, file);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return editPage(c, product, formOf(product), [{ field: "image", message: err.message.replace(/^image: /, "Picture: ") }], 400);
    }
    return c.redirect(`/admin/products/${encodeURIComponent(product.sku)}?done=image`, 303);
  });

  for (const [action, archived] of [["archive", true], ["restore", false]] as const) {
    app.post(`/admin/products/:sku/${action}`, async (c) => {
      const sku = skuParam(c.req.param("sku"));
      const { reason } = ReasonForm.parse(await formBody(c));
      await auditedArchive(deps, c.get("user")!, sku, archived, reason);
      return c.redirect(`/admin/products/${encodeURIComponent(sku)}?done=${archived ? "archived" : "restored"}`, 303);
    });
  }
  return app;
}

const fieldOf = (err: unknown): ProductField | undefined => {
  const m = /^(\w+):/.exec(err instanceof Error ? err.message : "");
  return m && m[1]! in LABELS ? (m[1] as ProductField) : undefined;
};

function filterQuery(f: ProductFilter, limit: number): string {
  const q = new URLSearchParams();
  for (const key of ["q", "category", "brand", "low"] as const) if (f[key]) q.set(key, f[key]);
  if (f.state !== "active") q.set("state", f.state);
  if (limit !== 50) q.set("limit", String(Math.min(limit, 200)));
  return q.toString();
}
