/**
 *   GET  /admin/stock?q=&low=&offset=              every product's stock, live; the bulk restock form
 *   GET  /admin/stock/stream?<the same filter>     SSE: the list again whenever stock or a product changes
 *   POST /admin/stock/restock                      multipart `file` (CSV) and `note` -> 303 back (refused: 400, the line named)
 *   GET  /admin/stock/:sku?reason=&warehouse=&from=&to=&before=   one product: figures (per warehouse too), adjust form, movement log
 *   GET  /admin/stock/:sku/stream?<the same filter>    SSE: its figures and newest movements on every change
 *   POST /admin/stock/:sku/adjust                  warehouse, change, reason, note -> 303 back, or with htmx the form and figures
 *
 * Every change goes through the audited stock actions the JSON API uses (stock-actions.ts).
 */
import { Hono, type Context } from "hono";
import { render } from "preact-render-to-string";
import { z } from "zod";
import { MovementFilter, STOCK_REASONS, StockFilter, WarehouseCode, type StockRow } from "../../../actors/catalog/stock-admin.ts";
import { InputError } from "../../../actors/contracts/errors.ts";
import { subjects } from "../../../actors/contracts/subjects.ts";
import type { PubSub } from "../../../actors/runtime/pubsub.ts";
import { StockListUpdate, StockPage, stockPath } from "../../../views/admin/stock-page.tsx";
import { AdjustAnswer, EMPTY_ADJUST, StockProductPage, StockProductUpdate, type AdjustField, type AdjustForm } from "../../../views/admin/stock-product-page.tsx";
import type { Problem } from "../../../views/form-parts.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import type { AuthEnv } from "../../auth/auth.ts";
import { skuParam } from "../../http/catalog-actions.ts";
import { formBody, uploadBody } from "../../http/form.ts";
import { refusal } from "../../http/http-errors.ts";
import { refreshStream } from "../../http/refresh-stream.ts";
import { auditedAdjust, auditedRestock, restockText, type StockActionDeps } from "../../http/stock-actions.ts";
import { query } from "../../http/validate.ts";
import { isHtmx } from "../cart-pages.tsx";

export type StockPageDeps = StockActionDeps & { pubsub: PubSub };

const Done = z.object({
  done: z.enum(["adjusted", "restocked"]).optional().catch(undefined),
  products: z.coerce.number().int().min(0).max(1_000_000).optional().catch(undefined),
  units: z.coerce.number().int().min(0).max(1_000_000_000).optional().catch(undefined),
});

/** The adjust form's text as an adjustment, each problem named by its field. */
function adjustmentOf(form: AdjustForm): { value: { delta: number; reason: string; note: string; warehouse?: string } | null; errors: Problem<AdjustField>[] } {
  const errors: Problem<AdjustField>[] = [];
  const text = form.change.trim().replace(/^−/, "-");
  const delta = /^[+-]?\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > 100_000) {
    errors.push({ field: "change", message: "Change: enter a whole number of units from -100000 to 100000 other than 0, like 12 or -3" });
  }
  if (!(STOCK_REASONS as readonly string[]).includes(form.reason)) errors.push({ field: "reason", message: `Reason: choose one of ${STOCK_REASONS.join(", ")}` });
  if (form.note.trim().length > 500) errors.push({ field: "note", message: "Note: at most 500 characters" });
  const warehouse = form.warehouse.trim();
  if (warehouse && !WarehouseCode.safeParse(warehouse).success) errors.push({ field: "warehouse", message: "Warehouse: choose one of the list" });
  const value = { delta, reason: form.reason, note: form.note.trim(), ...(warehouse ? { warehouse } : {}) };
  return { value: errors.length === 0 ? value : null, errors };
}

export function adminStockPages(deps: StockPageDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { catalog } = deps;

  async function listOf(f: StockFilter) {
    const { rows, total, lowTotal } = await catalog.stock.list(f);
    const at = (offset: number) => withQuery("/admin/stock", listQuery({ ...f, offset }));
    const pages = { previous: f.offset > 0 ? at(Math.max(0, f.offset - f.limit)) : null, next: f.offset + rows.length < total ? at(f.offset + f.limit) : null };
    return { rows, total, lowTotal, filter: f, pages, lowOnly: withQuery("/admin/stock", listQuery({ ...f, low: "1", offset: 0 })) };
  }

  const listPage = async (c: Context<AuthEnv>, f: StockFilter, restock?: { error: string; note: string }, status: 200 | 400 = 200) => {
    const done = Done.parse(c.req.query());
    const notice = done.done === "restocked" ? `Restock applied: ${done.units ?? 0} units added to ${done.products ?? 0} products.` : undefined;
    return c.html(renderDocument(
      <StockPage shell={await c.get("shell")()} streamUrl={withQuery("/admin/stock/stream", listQuery(f))} notice={notice}
        restockError={restock?.error} restockNote={restock?.note} {...await listOf(f)} />,
    ), status);
  };

  app.get("/admin/stock", (c) => listPage(c, query(c, StockFilter)));

  app.get("/admin/stock/stream", (c) => {
    const f = query(c, StockFilter);
    return refreshStream(c, deps.pubsub, [subjects.stockLevels, subjects.catalog], async () => render(<StockListUpdate {...await listOf(f)} />), { everyMs: 250 });
  });

  app.post("/admin/stock/restock", async (c) => {
    let note = "";
    try {
      const { fields, file } = await uploadBody(c, "file");
      note = (fields.note ?? "").trim();
      if (note.length > 500) throw new InputError("note", "Note: at most 500 characters");
      if (!file) throw new InputError("file", "Restock file: choose a CSV file to upload");
      const done = await auditedRestock(deps, c.get("user")!, restockText(file, "Restock file"), note);
      return c.redirect(`/admin/stock?done=restocked&products=${done.products}&units=${done.units}`, 303);
    } catch (err) {
      const refused = refusal(err);
      if (!refused) throw err;
      // a line naming an unknown product is the file's problem too: the page says which line
      return listPage(c, StockFilter.parse({}), { error: refused.message, note }, 400);
    }
  });

  /** The product's units per warehouse, and the warehouses to choose from. */
  async function stockedIn(row: StockRow) {
    const [levels, warehouses] = await Promise.all([catalog.stock.byWarehouse([row.sku]), catalog.stock.warehouses()]);
    return { levels, warehouses: warehouses.map((w) => w.code) };
  }

  async function logOf(row: StockRow, f: MovementFilter) {
    const { movements, next } = await catalog.stock.movements(row.sku, f);
    const base = stockPath(row.sku);
    const older = next === null ? null : `${withQuery(base, logQuery({ ...f, before: next }))}#movements-title`;
    const newest = f.before ? `${withQuery(base, logQuery({ ...f, before: undefined }))}#movements-title` : null;
    return { row, movements, filter: f, older, newest, ...await stockedIn(row) };
  }

  async function productPage(c: Context<AuthEnv>, sku: string, form: AdjustForm, errors: Problem<AdjustField>[], status: 200 | 400 | 409 = 200) {
    const f = query(c, MovementFilter);
    const row = await catalog.stock.row(sku);
    const notice = Done.parse(c.req.query()).done === "adjusted" ? "Stock adjusted. The movement log below shows it." : undefined;
    return c.html(renderDocument(
      <StockProductPage shell={await c.get("shell")()} streamUrl={withQuery(`${stockPath(sku)}/stream`, logQuery(f))} form={form} errors={errors} notice={notice} {...await logOf(row, f)} />,
    ), status);
  }

  app.get("/admin/stock/:sku", (c) => productPage(c, skuParam(c.req.param("sku")), EMPTY_ADJUST, []));

  app.get("/admin/stock/:sku/stream", async (c) => {
    const sku = skuParam(c.req.param("sku"));
    const f = query(c, MovementFilter);
    await catalog.stock.row(sku); // an unknown product is a 404, not a stream that never speaks
    return refreshStream(c, deps.pubsub, subjects.stock(sku), async () => render(<StockProductUpdate {...await logOf(await catalog.stock.row(sku), f)} />));
  });

  app.post("/admin/stock/:sku/adjust", async (c) => {
    const sku = skuParam(c.req.param("sku"));
    const body = await formBody(c);
    const form = { change: body.change ?? "", reason: body.reason ?? "", note: body.note ?? "", warehouse: body.warehouse ?? "" };
    const answer = async (errors: Problem<AdjustField>[], status: 200 | 400 | 409, notice?: string) => {
      const row = await catalog.stock.row(sku);
      const kept = status === 200 ? { ...EMPTY_ADJUST, warehouse: form.warehouse } : form;
      return isHtmx(c)
        ? c.html(render(<AdjustAnswer row={row} {...await stockedIn(row)} form={kept} errors={errors} notice={notice} />), status)
        : productPage(c, sku, form, errors, status);
    };
    const { value, errors } = adjustmentOf(form);
    if (!value) return answer(errors, 400);
    let after: StockRow;
    try {
      after = await auditedAdjust(deps, c.get("user")!, { sku, ...value });
    } catch (err) {
      const refused = refusal(err);
      if (!refused || refused.status === 404) throw err;
      return answer([{ field: err instanceof InputError && err.field === "warehouse" ? "warehouse" : "change", message: refused.message }], refused.status);
    }
    if (!isHtmx(c)) return c.redirect(`${stockPath(sku)}?done=adjusted`, 303);
    const moved = value.delta > 0 ? `Added ${value.delta}` : `Took away ${-value.delta}`;
    return answer([], 200, `${moved} ${Math.abs(value.delta) === 1 ? "unit" : "units"}: ${after.available} available now.`);
  });
  return app;
}

/** `path`, with `query` when there is one. */
const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

function listQuery(f: StockFilter): string {
  const q = new URLSearchParams();
  if (f.q) q.set("q", f.q);
  if (f.low) q.set("low", f.low);
  if (f.offset) q.set("offset", String(f.offset));
  return q.toString();
}

function logQuery(f: MovementFilter): string {
  const q = new URLSearchParams();
  for (const key of ["reason", "warehouse", "from", "to"] as const) if (f[key]) q.set(key, f[key]);
  if (f.before) q.set("before", String(f.before));
  return q.toString();
}
