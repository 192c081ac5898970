/**
 * The storefront's categories in the console: in the order the storefront shows them, each
 * parent followed by its subcategories; move up or down, rename, nest, delete when empty,
 * and a form for a new one.
 */
import type { AdminCategory } from "../../actors/catalog/catalog-admin.ts";
import { ErrorSummary, errorOf, type Problem } from "../form-parts.tsx";
import type { Shell } from "../layout.tsx";
import { AdminTextField, FieldError } from "./admin-field.tsx";
import { AdminLayout } from "./admin-layout.tsx";

export type CategoryForm = { name: string; slug: string; parent: string; position: string };
export type CategoryField = keyof CategoryForm;

type Props = {
  shell: Shell;
  categories: AdminCategory[];
  /** the category being edited, or null for the list with the new category's form */
  editing: AdminCategory | null;
  form: CategoryForm;
  errors: Problem<CategoryField>[];
  notice?: string;
  refused?: string;
};

export function CategoriesPage({ shell, categories, editing, form, errors, notice, refused }: Props) {
  const parents = categories.filter((c) => c.parent === null && c.slug !== editing?.slug);
  return (
    <AdminLayout title={errors.length ? "Error: Categories" : "Categories"} shell={shell} section="/admin/categories">
      {!editing && (
        <section class="card" aria-labelledby="categories-title">
          <h1 id="categories-title">Categories</h1>
          <p class="muted">The storefront lists categories in this order; a subcategory's products also show on its parent's page. A category can be deleted once it holds no products and no subcategories.</p>
          {notice && <p class="notice" role="status">{notice}</p>}
          {refused && <p class="refusal" role="alert">{refused}</p>}
          <div class="table-scroll">
            <table class="admin-table category-table">
              <thead>
                <tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">Products</th><th scope="col">Order</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
              </thead>
              <tbody>
                {categories.map((c) => {
                  const siblings = categories.filter((s) => s.parent === c.parent);
                  const at = siblings.indexOf(c);
                  return (
                    <tr id={`category-${c.slug}`} class={c.parent ? "subcategory" : undefined}>
                      <td>{c.parent && <span aria-hidden="true">↳ </span>}<a href={`/admin/categories/${c.slug}`}>{c.name}</a>{c.parent && <span class="visually-hidden"> (in {categories.find((p) => p.slug === c.parent)?.name})</span>}</td>
                      <td><a href={`/c/${c.slug}`}><code>/c/{c.slug}</code></a></td>
                      <td class="num">{c.products}{c.children > 0 && <span class="muted detail">{c.children} sub</span>}</td>
                      <td class="row-actions">
                        <MoveButton slug={c.slug} name={c.name} direction="up" disabled={at === 0} />
                        <MoveButton slug={c.slug} name={c.name} direction="down" disabled={at === siblings.length - 1} />
                      </td>
                      <td class="row-actions">
                        {c.products === 0 && c.children === 0
                          ? (
                            <form method="post" action={`/admin/categories/${c.slug}/delete`}>
                              <button type="submit" class="link danger" aria-label={`Delete ${c.name}`}>Delete</button>
                            </form>
                          )
                          : <span class="muted" title="Only an empty category can be deleted">in use</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <section class="card" aria-labelledby="category-form-title">
        {editing && <p><a href="/admin/categories">← All categories</a></p>}
        {editing ? <h1 id="category-form-title">Edit {editing.name}</h1> : <h2 id="category-form-title">New category</h2>}
        {editing && notice && <p class="notice" role="status">{notice}</p>}
        <ErrorSummary errors={errors} idOf={(f) => `category-${f}`} />
        <form method="post" action={editing ? `/admin/categories/${editing.slug}` : "/admin/categories"} class="admin-form" novalidate>
          <Text form={form} errors={errors} name="name" label="Name" max={60} />
          {editing
            ? <p class="muted">Address: <code>/c/{editing.slug}</code> (it stays, so links keep working)</p>
            : <Text form={form} errors={errors} name="slug" label="Address" hint="Lower-case letters, digits and dashes: the page's address, /c/…" max={60} />}
          <div class={errorOf(errors, "parent") ? "field field-invalid" : "field"}>
            <label for="category-parent">Inside</label>
            <FieldError id="category-parent" error={errorOf(errors, "parent")} />
            <select id="category-parent" name="parent">
              <option value="">Nothing: a top-level category</option>
              {parents.map((p) => <option value={p.slug} selected={p.slug === form.parent}>{p.name}</option>)}
            </select>
          </div>
          <Text form={form} errors={errors} name="position" label="Position" hint="Lower comes first among its siblings." max={7} />
          <button type="submit">{editing ? "Save category" : "Create category"}</button>
        </form>
      </section>
    </AdminLayout>
  );
}

function MoveButton({ slug, name, direction, disabled }: { slug: string; name: string; direction: "up" | "down"; disabled: boolean }) {
  return (
    <form method="post" action={`/admin/categories/${slug}/move`} class="inline">
      <input type="hidden" name="direction" value={direction} />
      <button type="submit" class="icon" disabled={disabled} aria-label={`Move ${name} ${direction}`}>{direction === "up" ? "↑" : "↓"}</button>
    </form>
  );
}

function Text({ form, errors, name, ...rest }: { form: CategoryForm; errors: Problem<CategoryField>[]; name: CategoryField; label: string; hint?: string; max: number }) {
  return <AdminTextField id={`category-${name}`} name={name} value={form[name]} error={errorOf(errors, name)} {...rest} />;
}
