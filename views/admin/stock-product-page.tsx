/**
 * One product's stock: its figures (live), the adjust form (a plain post, or htmx swapping the
 * form and the figures in place) and its movement log, filtered by reason and date, in pages.
 */
import type { MovementFilter, WarehouseStock } from "../../actors/catalog/stock-admin.ts";
import { movementKind, SAGA_REASON, STOCK_REASON_LABELS, STOCK_REASONS, type Movement, type StockRow } from "../../actors/catalog/stock-rules.ts";
import { ErrorSummary, errorOf, type Problem } from "../form-parts.tsx";
import { formatTime } from "../format.ts";
import type { Shell } from "../layout.tsx";
import { AdminTextField, FieldError } from "./admin-field.tsx";
import { AdminLayout } from "./admin-layout.tsx";
import { StateBadge, stockPath } from "./stock-page.tsx";

export const FIGURES = "stock-figures";
export const ADJUST = "stock-adjust";
export const MOVEMENTS = "stock-movements";

/** The adjust form as typed: shown again with its problems when refused; `warehouse` empty: the product's default. */
export type AdjustForm = { change: string; reason: string; note: string; warehouse: string };
export type AdjustField = keyof AdjustForm;
export const EMPTY_ADJUST: AdjustForm = { change: "", reason: "restock", note: "", warehouse: "" };

/** The product's units per warehouse (`levels`) and every warehouse's code, the first by priority first. */
type Stocked = { row: StockRow; levels: WarehouseStock[]; warehouses: string[] };
type LogProps = Stocked & { movements: Movement[]; filter: MovementFilter; older: string | null; newest: string | null };
type AdjustProps = Stocked & { form: AdjustForm; errors: Problem<AdjustField>[]; notice?: string };
type PageProps = LogProps & AdjustProps & { shell: Shell; streamUrl: string };

export function StockProductPage({ shell, streamUrl, row, form, errors, notice, ...log }: PageProps) {
  return (
    <AdminLayout title={errors.length ? `Error: Stock of ${row.name}` : `Stock of ${row.name}`} shell={shell} section="/admin/stock">
      <p><a href="/admin/stock">← All stock</a></p>
      <div {...{ "hx-sse:connect": streamUrl, "hx-swap": "none" }}>
        <section class="card" aria-labelledby="stock-product-title">
          <div class="title-row">
            <h1 id="stock-product-title">{row.name}</h1>
            <a href={`/admin/products/${encodeURIComponent(row.sku)}`}>Edit product</a>
          </div>
          <StockFigures row={row} levels={log.levels} />
        </section>
        <AdjustCard row={row} levels={log.levels} warehouses={log.warehouses} form={form} errors={errors} notice={notice} />
        <MovementLog row={row} {...log} />
      </div>
    </AdminLayout>
  );
}

/** What the stream sends: the figures, and the log when the page shows its newest movements. */
export function StockProductUpdate(props: LogProps) {
  return (
    <>
      <hx-partial hx-target={`#${FIGURES}`} hx-swap="outerMorph"><StockFigures row={props.row} levels={props.levels} /></hx-partial>
      {!props.newest && <hx-partial hx-target={`#${MOVEMENTS}`} hx-swap="outerMorph"><MovementLog {...props} /></hx-partial>}
    </>
  );
}

/** What an htmx adjustment gets back: the form (with its notice or problems) and the figures, out of band. */
export function AdjustAnswer(props: AdjustProps) {
  return (
    <>
      <AdjustCard {...props} />
      <StockFigures row={props.row} levels={props.levels} oob />
    </>
  );
}

/** The product's figures summed over its warehouses, then each warehouse's. */
export function StockFigures({ row, levels, oob }: { row: StockRow; levels: WarehouseStock[]; oob?: boolean }) {
  return (
    <div id={FIGURES} {...(oob ? { "hx-swap-oob": "true" } : {})}>
      <p class="muted"><code>{row.sku}</code> · <StateBadge row={row} /></p>
      <dl class="stock-figures">
        <div><dt>On hand</dt><dd data-figure="onHand">{row.onHand}</dd></div>
        <div><dt>Reserved</dt><dd data-figure="reserved">{row.reserved}</dd></div>
        <div><dt>Available</dt><dd data-figure="available">{row.available}</dd></div>
        <div><dt>Alert under</dt><dd data-figure="threshold">{row.threshold}</dd></div>
      </dl>
      {levels.length > 0 && (
        <div class="table-scroll">
          <table class="admin-table warehouse-table">
            <caption>By warehouse</caption>
            <thead>
              <tr><th scope="col">Warehouse</th><th scope="col" class="num">On hand</th><th scope="col" class="num">Reserved</th><th scope="col" class="num">Available</th></tr>
            </thead>
            <tbody>
              {levels.map((l) => (
                <tr data-warehouse={l.warehouse}>
                  <th scope="row">{l.warehouse}</th>
                  <td class="num" data-label="On hand">{l.onHand}</td><td class="num" data-label="Reserved">{l.reserved}</td>
                  <td class="num" data-label="Available">{l.available}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function AdjustCard({ row, levels, warehouses, form, errors, notice }: AdjustProps) {
  const action = `${stockPath(row.sku)}/adjust`;
  const reasonError = errorOf(errors, "reason");
  const warehouseError = errorOf(errors, "warehouse");
  // the one asked for, else where the product is stocked first (by priority), else the first warehouse
  const chosen = form.warehouse || levels[0]?.warehouse || warehouses[0] || "";
  return (
    <section class="card" aria-labelledby="adjust-title" id={ADJUST}>
      <h2 id="adjust-title">Adjust stock</h2>
      {notice && <p class="notice" role="status">{notice}</p>}
      <ErrorSummary errors={errors} idOf={(f) => `adjust-${f}`} />
      <form method="post" action={action} hx-post={action} hx-target={`#${ADJUST}`} hx-swap="outerHTML" class="admin-form adjust-form" novalidate>
        <div class={warehouseError ? "field field-invalid" : "field"}>
          <label for="adjust-warehouse">Warehouse</label>
          <FieldError id="adjust-warehouse" error={warehouseError} />
          <select id="adjust-warehouse" name="warehouse" aria-invalid={warehouseError ? "true" : undefined}>
            {warehouses.map((w) => <option value={w} selected={w === chosen}>{w}</option>)}
          </select>
        </div>
        <AdminTextField id="adjust-change" name="change" label="Change in units on hand" value={form.change} error={errorOf(errors, "change")} max={8} mode="numeric"
          hint="A number to add, like 12, or to take away, like -3. Reserved units cannot be taken away." />
        <div class={reasonError ? "field field-invalid" : "field"}>
          <label for="adjust-reason">Reason</label>
          <FieldError id="adjust-reason" error={reasonError} />
          <select id="adjust-reason" name="reason" aria-invalid={reasonError ? "true" : undefined}>
            {STOCK_REASONS.map((r) => <option value={r} selected={r === form.reason}>{STOCK_REASON_LABELS[r]}</option>)}
          </select>
        </div>
        <AdminTextField id="adjust-note" name="note" label="Note (optional)" value={form.note} error={errorOf(errors, "note")} max={500}
          hint="Kept with the movement and in the audit log, e.g. a delivery number." />
        <button type="submit" id="adjust-submit">Adjust stock</button>
      </form>
    </section>
  );
}

/** Who moved the units: the order (its short id, linked), the admin, or the shop itself (the opening stock). */
function Who({ m }: { m: Movement }) {
  if (m.orderId) {
    return <a href={`/admin/orders/${encodeURIComponent(m.orderId)}`} title={m.orderId}>order {m.orderId.slice(0, 8)}<span class="visually-hidden">{m.orderId.slice(8)}</span></a>;
  }
  return <>{m.actor ? (m.actorName ?? m.actor) : "the shop"}</>;
}

const REASON_CHOICES: [string, string][] = [...STOCK_REASONS.map((r): [string, string] => [r, STOCK_REASON_LABELS[r]]), [SAGA_REASON, "Orders (reserved, released, shipped)"]];
const signed = (n: number) => (n > 0 ? `+${n}` : n === 0 ? "0" : `−${-n}`);

export function MovementLog({ row, warehouses, movements, filter, older, newest }: LogProps) {
  const base = stockPath(row.sku);
  return (
    <section class="card" aria-labelledby="movements-title" id={MOVEMENTS}>
      <h2 id="movements-title">Movement log</h2>
      <form method="get" action={base} class="filters" role="search" aria-label="Filter the movements">
        <label>
          Reason
          <select name="reason">
            <option value="">Any</option>
            {REASON_CHOICES.map(([v, t]) => <option value={v} selected={v === filter.reason}>{t}</option>)}
          </select>
        </label>
        <label>
          Warehouse
          <select name="warehouse">
            <option value="">Any</option>
            {warehouses.map((w) => <option value={w} selected={w === filter.warehouse}>{w}</option>)}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" value={filter.from} />
        </label>
        <label>
          To (inclusive)
          <input type="date" name="to" value={filter.to} />
        </label>
        <button type="submit">Filter</button>
        <a href={`${base}#movements-title`}>Clear</a>
      </form>
      {movements.length === 0 ? <p>No movements match.</p> : (
        <div class="table-scroll">
          <table class="admin-table movement-table">
            <thead>
              <tr>
                <th scope="col">When</th><th scope="col">Warehouse</th><th scope="col">Why</th><th scope="col" class="num">On hand</th><th scope="col" class="num">Reserved</th>
                <th scope="col">Who</th>
              </tr>
            </thead>
            <tbody>
              {movements.map((m) => (
                <tr id={`movement-${m.id}`}>
                  <td><time dateTime={m.at}>{formatTime(m.at)}</time></td>
                  <td data-label="Warehouse">{m.warehouse}</td>
                  <td class="reason">
                    {movementKind(m)}
                    {m.note && <span class="muted detail">{m.note}</span>}
                  </td>
                  <td class="num" data-label="On hand">{m.deltaOnHand === 0 ? "" : signed(m.deltaOnHand)}</td>
                  <td class="num" data-label="Reserved">{m.deltaReserved === 0 ? "" : signed(m.deltaReserved)}</td>
                  <td data-label="Who"><Who m={m} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Movement pages" class="pager">
        {newest && <a href={newest}>Newest movements</a>}
        {older && <a href={older}>Older movements</a>}
      </nav>
    </section>
  );
}
