/**
 *   GET  /admin/categories                 the categories in the storefront's order, and the new category's form
 *   POST /admin/categories                 create -> 303 to the list
 *   GET  /admin/categories/:slug           one category's form | POST: rename, nest, reposition -> 303 back
 *   POST /admin/categories/:slug/move      direction=up|down among its siblings -> 303 to the list
 *   POST /admin/categories/:slug/delete    only an empty one -> 303 to the list (refused: 409 page)
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { CategoryFields, type AdminCategory } from "../../../actors/catalog/catalog-admin.ts";
import { CategoriesPage, type CategoryField, type CategoryForm } from "../../../views/admin/categories-page.tsx";
import type { Problem } from "../../../views/form-parts.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import type { AuthEnv } from "../../auth/auth.ts";
import { auditedCreateCategory, auditedDeleteCategory, auditedMoveCategory, auditedUpdateCategory, slugParam, type CatalogActionDeps } from "../../http/catalog-actions.ts";
import { formBody } from "../../http/form.ts";
import { refusal } from "../../http/http-errors.ts";

const MoveForm = z.object({ direction: z.enum(["up", "down"]) });
const NOTICES: Record<string, string> = { created: "Category created.", saved: "Category saved.", moved: "Order changed.", deleted: "Category deleted." };
const LABELS: Record<CategoryField, string> = { name: "Name", slug: "Address", parent: "Inside", position: "Position" };
const blankForm: CategoryForm = { name: "", slug: "", parent: "", position: "" };

function categoryOf(form: CategoryForm, editing: boolean) {
  const position = form.position.trim() === "" ? 0 : /^\d{1,7}$/.test(form.position.trim()) ? Number(form.position.trim()) : -1;
  const parsed = (editing ? CategoryFields.omit({ slug: true }) : CategoryFields).safeParse({
    name: form.name, ...(editing ? {} : { slug: form.slug }), parent: form.parent === "" ? null : form.parent, position,
  });
  if (parsed.success) return { value: parsed.data, errors: [] };
  const errors: Problem<CategoryField>[] = [];
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0]) as CategoryField;
    if (!errors.some((e) => e.field === field)) errors.push({ field, message: `${LABELS[field]}: ${field === "position" ? "a whole number, 0 or more" : issue.message}` });
  }
  return { value: null, errors };
}

export function adminCategoryPages(deps: CatalogActionDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { catalogAdmin } = deps;

  const page = async (c: Context<AuthEnv>, editing: AdminCategory | null, form: CategoryForm, errors: Problem<CategoryField>[], status: 200 | 400 | 409 = 200, refused?: string) =>
    c.html(renderDocument(
      <CategoriesPage shell={await c.get("shell")()} categories={await catalogAdmin.categories()} editing={editing} form={form} errors={errors}
        notice={NOTICES[c.req.query("done") ?? ""]} refused={refused} />,
    ), status);

  const formFields = async (c: Context): Promise<CategoryForm> => {
    const f = await formBody(c);
    return { name: f.name ?? "", slug: f.slug ?? "", parent: f.parent ?? "", position: f.position ?? "" };
  };

  /** A refusal of the service (taken, nesting) beside the field it names. */
  const refusedAs = (err: unknown): Problem<CategoryField>[] | null => {
    const refused = refusal(err);
    if (!refused || refused.status === 404) return null;
    const field = /^(\w+):/.exec(refused.message)?.[1];
    return [{ field: field && field in LABELS ? (field as CategoryField) : "name", message: refused.message }];
  };

  app.get("/admin/categories", (c) => page(c, null, blankForm, []));

  app.post("/admin/categories", async (c) => {
    const form = await formFields(c);
    const { value, errors } = categoryOf(form, false);
    if (!value) return page(c, null, form, errors, 400);
    try {
      await auditedCreateCategory(deps, c.get("user")!, value as z.infer<typeof CategoryFields>);
    } catch (err) {
      const problems = refusedAs(err);
      if (!problems) throw err;
      return page(c, null, form, problems, 400);
    }
    return c.redirect("/admin/categories?done=created", 303);
  });

  app.get("/admin/categories/:slug", async (c) => {
    const cat = await catalogAdmin.category(slugParam(c.req.param("slug")));
    return page(c, cat, { name: cat.name, slug: cat.slug, parent: cat.parent ?? "", position: String(cat.position) }, []);
  });

  app.post("/admin/categories/:slug", async (c) => {
    const cat = await catalogAdmin.category(slugParam(c.req.param("slug")));
    const form = { ...(await formFields(c)), slug: cat.slug };
    const { value, errors } = categoryOf(form, true);
    if (!value) return page(c, cat, form, errors, 400);
    try {
      await auditedUpdateCategory(deps, c.get("user")!, cat.slug, value);
    } catch (err) {
      const problems = refusedAs(err);
      if (!problems) throw err;
      return page(c, cat, form, problems, 400);
    }
    return c.redirect(`/admin/categories/${cat.slug}?done=saved`, 303);
  });

  app.post("/admin/categories/:slug/move", async (c) => {
    const slug = slugParam(c.req.param("slug"));
    const { direction } = MoveForm.parse(await formBody(c));
    await auditedMoveCategory(deps, c.get("user")!, slug, direction);
    return c.redirect(`/admin/categories?done=moved#category-${slug}`, 303);
  });

  app.post("/admin/categories/:slug/delete", async (c) => {
    const slug = slugParam(c.req.param("slug"));
    await formBody(c);
    try {
      await auditedDeleteCategory(deps, c.get("user")!, slug);
    } catch (err) {
      const refused = refusal(err);
      if (refused?.status !== 409) throw err;
      return page(c, null, blankForm, [], 409, refused.message);
    }
    return c.redirect("/admin/categories?done=deleted", 303);
  });
  return app;
}
