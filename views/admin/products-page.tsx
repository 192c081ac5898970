/**
 * The catalog in the console: the product list (filters; live: a product another admin
 * creates or changes shows without a reload), and one product's form with its pictures and
 * archive or restore.
 */
import type { AdminCategory, AdminProduct, ProductFilter } from "../../actors/catalog/catalog-admin.ts";
import { ErrorSummary, errorOf, type Problem } from "../form-parts.tsx";
import { formatMoney } from "../format.ts";
import type { Shell } from "../layout.tsx";
import { AdminTextField, FieldError } from "./admin-field.tsx";
import { AdminLayout } from "./admin-layout.tsx";
import { Choice } from "./choice.tsx";

export const PRODUCT_LIST = "product-list";

type ListProps = { products: AdminProduct[]; total: number; filter: ProductFilter; more: string | null };
type PageProps = ListProps & { shell: Shell; categories: AdminCategory[]; brands: string[]; streamUrl: string; notice?: string };

export function ProductsPage({ shell, categories, brands, streamUrl, notice, ...list }: PageProps) {
  const f = list.filter;
  return (
    <AdminLayout title="Products" shell={shell} section="/admin/products">
      <section class="card" aria-labelledby="products-title" {...{ "hx-sse:connect": streamUrl, "hx-swap": "none" }}>
        <div class="title-row">
          <h1 id="products-title">Products</h1>
          <a class="button" href="/admin/products/new">New product</a>
        </div>
        <p class="muted">Every product, newest first. A product another admin creates or changes appears here without a reload.</p>
        {notice && <p class="notice" role="status">{notice}</p>}
        <form method="get" action="/admin/products" class="filters" role="search" aria-label="Filter the products">
          <label>
            Search
            <input name="q" value={f.q} maxLength={100} placeholder="SKU, name or brand" />
          </label>
          <Choice label="Category" name="category" selected={f.category} options={categories.map((c) => [c.slug, c.parent ? `– ${c.name}` : c.name])} />
          <Choice label="Brand" name="brand" selected={f.brand} options={brands.map((b) => [b, b])} />
          <label>
            Shown
            <select name="state">
              {([["active", "On sale"], ["archived", "Archived"], ["all", "All"]] as const).map(([v, t]) => <option value={v} selected={v === f.state}>{t}</option>)}
            </select>
          </label>
          <label class="check">
            <span><input type="checkbox" name="low" value="1" checked={f.low === "1"} /> Low stock only</span>
          </label>
          <button type="submit">Filter</button>
          <a href="/admin/products">Clear</a>
        </form>
        <ProductList {...list} />
      </section>
    </AdminLayout>
  );
}

/** What the stream sends: the list region, swapped in place. */
export function ProductListUpdate(props: ListProps) {
  return (
    <hx-partial hx-target={`#${PRODUCT_LIST}`} hx-swap="outerMorph">
      <ProductList {...props} />
    </hx-partial>
  );
}

export function ProductList({ products, total, more }: ListProps) {
  return (
    <div id={PRODUCT_LIST}>
      <p class="muted" role="status">{total} {total === 1 ? "product" : "products"}</p>
      {products.length === 0 ? <p>No products match.</p> : (
        <div class="table-scroll">
          <table class="admin-table product-table">
            <thead>
              <tr>
                <th scope="col"><span class="visually-hidden">Picture</span></th><th scope="col">Product</th><th scope="col">Category</th>
                <th scope="col">Price</th><th scope="col">Available</th><th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {products.map((p) => (
                <tr id={`product-${p.sku}`}>
                  <td><img src={p.images[0]} alt="" width={64} height={48} loading="lazy" class="thumb" /></td>
                  <td>
                    <a href={`/admin/products/${encodeURIComponent(p.sku)}`}>{p.name}</a>
                    <span class="muted detail"><code>{p.sku}</code> · {p.brand}</span>
                  </td>
                  <td>{p.category}</td>
                  <td class="num">{formatMoney(p.price, "USD")}</td>
                  <td class="num">
                    {p.available}
                    {p.low && <span class="badge badge-problem">low</span>}
                    <span class="muted detail">alert under {p.lowStockThreshold}</span>
                  </td>
                  <td>{p.archived ? <span class="badge badge-neutral">archived</span> : <span class="badge badge-success">on sale</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more && <nav aria-label="Pages" class="pager"><a href={more}>More products</a></nav>}
    </div>
  );
}

/** The form's text as typed: shown again with the problems when it is refused. */
export type ProductForm = { sku: string; name: string; description: string; brand: string; category: string; price: string; lowStockThreshold: string };
export type ProductField = keyof ProductForm | "image";

export const formOf = (p: AdminProduct): ProductForm => ({
  sku: p.sku, name: p.name, description: p.description, brand: p.brand, category: p.categorySlug ?? "",
  price: (p.price / 100).toFixed(2), lowStockThreshold: String(p.lowStockThreshold),
});

type EditProps = {
  shell: Shell;
  /** null: a new product */
  product: AdminProduct | null;
  form: ProductForm;
  errors: Problem<ProductField>[];
  categories: AdminCategory[];
  notice?: string;
};

export function ProductEditPage({ shell, product, form, errors, categories, notice }: EditProps) {
  const title = product ? product.name : "New product";
  const action = product ? `/admin/products/${encodeURIComponent(product.sku)}` : "/admin/products";
  const formErrors = errors.filter((e) => e.field !== "image");
  const imageError = errorOf(errors, "image");
  return (
    <AdminLayout title={errors.length ? `Error: ${title}` : title} shell={shell} section="/admin/products">
      <p><a href="/admin/products">← All products</a></p>
      <section class="card" aria-labelledby="product-title">
        <h1 id="product-title">
          {title} {product?.archived && <span class="badge badge-neutral">archived</span>}
        </h1>
        {notice && <p class="notice" role="status">{notice}</p>}
        {product && (
          <p class="muted">
            <code>{product.sku}</code> · {product.available} available (<a href={`/admin/stock/${encodeURIComponent(product.sku)}`}>stock and movements</a>) ·{" "}
            <a href={`/p/${encodeURIComponent(product.sku)}`}>storefront page</a>
          </p>
        )}
        <ErrorSummary errors={formErrors} idOf={(f) => `product-${f}`} />
        <form method="post" action={action} class="admin-form" novalidate>
          {product
            ? <input type="hidden" name="sku" value={form.sku} />
            : <TextField form={form} errors={errors} name="sku" label="SKU" hint="Capital letters, digits and dashes, e.g. AUD-042. It cannot change later." max={32} />}
          <TextField form={form} errors={errors} name="name" label="Name" max={120} />
          <TextField form={form} errors={errors} name="brand" label="Brand" max={60} />
          <div class={errorOf(errors, "category") ? "field field-invalid" : "field"}>
            <label for="product-category">Category</label>
            <FieldError id="product-category" error={errorOf(errors, "category")} />
            <select id="product-category" name="category" required aria-invalid={errorOf(errors, "category") ? "true" : undefined}>
              <option value="">Choose a category</option>
              {categories.map((c) => <option value={c.slug} selected={c.slug === form.category}>{c.parent ? `– ${c.name}` : c.name}</option>)}
            </select>
          </div>
          <TextField form={form} errors={errors} name="price" label="Price (USD)" hint="The base currency; other currencies follow the exchange rates. A change never alters placed orders." max={12} mode="decimal" />
          <TextField form={form} errors={errors} name="lowStockThreshold" label="Low-stock threshold" hint="The admins are alerted when fewer units than this are available." max={7} mode="numeric" />
          <div class={errorOf(errors, "description") ? "field field-invalid" : "field"}>
            <label for="product-description">Description</label>
            <FieldError id="product-description" error={errorOf(errors, "description")} />
            <textarea id="product-description" name="description" rows={5} maxLength={4000}>{form.description}</textarea>
          </div>
          <button type="submit">{product ? "Save changes" : "Create product"}</button>
        </form>
      </section>
      {product && (
        <section class="card" aria-labelledby="pictures-title">
          <h2 id="pictures-title">Pictures</h2>
          <div class="picture-row">
            {product.images.map((src, i) => <img src={src} alt={`${product.name}, picture ${i + 1}`} width={160} height={120} class="thumb" />)}
          </div>
          <form method="post" action={`${action}/images`} enctype="multipart/form-data" class="admin-form">
            <div class={imageError ? "field field-invalid" : "field"}>
              <label for="product-image">Upload a picture</label>
              <p id="product-image-hint" class="hint">PNG, JPEG or WebP, at most 5 MiB. It becomes the first picture; the storefront shows it at 400×300.</p>
              <FieldError id="product-image" error={imageError} />
              <input id="product-image" name="image" type="file" accept="image/png,image/jpeg,image/webp" required
                aria-describedby={`product-image-hint${imageError ? " product-image-error" : ""}`} aria-invalid={imageError ? "true" : undefined} />
            </div>
            <button type="submit">Upload</button>
          </form>
        </section>
      )}
      {product && (
        <section class="card" aria-labelledby="archive-title">
          <h2 id="archive-title">{product.archived ? "Restore" : "Archive"}</h2>
          <p class="muted">
            {product.archived
              ? "Restoring puts the product back on the storefront and in search."
              : "An archived product leaves the storefront, search and carts. Orders already placed keep it."}
          </p>
          <form method="post" action={`${action}/${product.archived ? "restore" : "archive"}`} class="admin-form">
            <label for="archive-reason" class="reason-field">
              Reason (for the audit log)
              <input id="archive-reason" name="reason" maxLength={500} />
            </label>
            <button type="submit" class={product.archived ? undefined : "danger"}>{product.archived ? "Restore product" : "Archive product"}</button>
          </form>
        </section>
      )}
    </AdminLayout>
  );
}

type TextFieldProps = { form: ProductForm; errors: Problem<ProductField>[]; name: keyof ProductForm; label: string; hint?: string; max: number; mode?: "decimal" | "numeric" };

function TextField({ form, errors, name, ...rest }: TextFieldProps) {
  return <AdminTextField id={`product-${name}`} name={name} value={form[name]} error={errorOf(errors, name)} {...rest} />;
}
