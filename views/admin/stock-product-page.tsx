/**
 * One product's stock: its figures (live), the adjust form (a plain post, or htmx swapping the
 * form and the figures in place) and its movement log, filtered by reason and date, in pages.
 */
import type { MovementFilter } from "../../actors/catalog/stock-admin.ts";
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

/** The adjust form as typed: shown again with its problems when refused. */
export type AdjustForm = { change: string; reason: string; note: string };
export type AdjustField = keyof AdjustForm;
export const EMPTY_ADJUST: AdjustForm = { change: "", reason: "restock", note: "" };

type LogProps = { row: StockRow; movements: Movement[]; filter: MovementFilter; older: string | null; newest: string | null };
type AdjustProps = { row: StockRow; form: AdjustForm; errors: Problem<AdjustField>[]; notice?: string };
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
          <StockFigures row={row} />
        </section>
        <AdjustCard row={row} form={form} errors={errors} notice={notice} />
        <MovementLog row={row} {...log} />
      </div>
    </AdminLayout>
  );
}

/** What the stream sends: the figures, and the log when the page shows its newest movements. */
export function StockProductUpdate(props: LogProps) {
  return (
    <>
      <hx-partial hx-target={`#${FIGURES}`} hx-swap="outerMorph"><StockFigures row={props.row} /></hx-partial>
      {!props.newest && <hx-partial hx-target={`#${MOVEMENTS}`} hx-swap="outerMorph"><MovementLog {...props} /></hx-partial>}
    </>
  );
}

/** What an htmx adjustment gets back: the form (with its notice or problems) and the figures, out of band. */
export function AdjustAnswer(props: AdjustProps) {
  return (
    <>
      <AdjustCard {...props} />
      <StockFigures row={props.row} oob />
    </>
  );
}

export function StockFigures({ row, oob }: { row: StockRow; oob?: boolean }) {
  return (
    <div id={FIGURES} {...(oob ? { "hx-swap-oob": "true" } : {})}>
      <p class="muted"><code>{row.sku}</code> · <StateBadge row={row} /></p>
      <dl class="stock-figures">
        <div><dt>On hand</dt><dd data-figure="onHand">{row.onHand}</dd></div>
        <div><dt>Reserved</dt><dd data-figure="reserved">{row.reserved}</dd></div>
        <div><dt>Available</dt><dd data-figure="available">{row.available}</dd></div>
        <div><dt>Alert under</dt><dd data-figure="threshold">{row.threshold}</dd></div>
      </dl>
    </div>
  );
}

function AdjustCard({ row, form, errors, notice }: AdjustProps) {
  const action = `${stockPath(row.sku)}/adjust`;
  const reasonError = errorOf(errors, "reason");
  return (
    <section class="card" aria-labelledby="adjust-title" id={ADJUST}>
      <h2 id="adjust-title">Adjust stock</h2>
      {notice && <p class="notice" role="status">{notice}</p>}
      <ErrorSummary errors={errors} idOf={(f) => `adjust-${f}`} />
      <form method="post" action={action} hx-post={action} hx-target={`#${ADJUST}`} hx-swap="outerHTML" class="admin-form adjust-form" novalidate>
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

export function MovementLog({ row, movements, filter, older, newest }: LogProps) {
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
                <th scope="col">When</th><th scope="col">Why</th><th scope="col" class="num">On hand</th><th scope="col" class="num">Reserved</th>
                <th scope="col">Who</th>
              </tr>
            </thead>
            <tbody>
              {movements.map((m) => (
                <tr id={`movement-${m.id}`}>
                  <td><time dateTime={m.at}>{formatTime(m.at)}</time></td>
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
