/**
 * Stock in the console: every product's units on hand, reserved by orders not yet shipped and
 * available to sell, against its low-stock threshold (live: a reservation, a release or another
 * admin's adjustment shows without a reload), and the bulk restock from a CSV file.
 */
import type { StockFilter } from "../../actors/catalog/stock-admin.ts";
import { stockState, type StockRow, type StockState } from "../../actors/catalog/stock-rules.ts";
import type { Shell } from "../layout.tsx";
import { FieldError } from "./admin-field.tsx";
import { AdminLayout } from "./admin-layout.tsx";

export const STOCK_LIST = "stock-list";

type ListProps = {
  rows: StockRow[]; total: number; lowTotal: number; filter: StockFilter; pages: { previous: string | null; next: string | null };
  /** the list with "low stock only" set */
  lowOnly: string;
};
type PageProps = ListProps & { shell: Shell; streamUrl: string; notice?: string; restockError?: string; restockNote?: string };

/** Each state's badge: its words and tone; the words say what to do about it. */
export const STATE_BADGES: Record<StockState, { text: string; tone: string }> = {
  archived: { text: "archived", tone: "neutral" },
  unstocked: { text: "not stocked yet", tone: "neutral" },
  out: { text: "out of stock", tone: "problem" },
  low: { text: "low", tone: "problem" },
  ok: { text: "in stock", tone: "success" },
};

export function StateBadge({ row }: { row: StockRow }) {
  const badge = STATE_BADGES[stockState(row)];
  return <span class={`badge badge-${badge.tone}`}>{badge.text}</span>;
}

export const stockPath = (sku: string) => `/admin/stock/${encodeURIComponent(sku)}`;

export function StockPage({ shell, streamUrl, notice, restockError, restockNote, ...list }: PageProps) {
  const f = list.filter;
  return (
    <AdminLayout title={restockError ? "Error: Stock" : "Stock"} shell={shell} section="/admin/stock">
      {/* a refused file is what the admin came back for: it comes first */}
      {restockError && <RestockCard error={restockError} note={restockNote ?? ""} />}
      <section class="card" aria-labelledby="stock-title" {...{ "hx-sse:connect": streamUrl, "hx-swap": "none" }}>
        <div class="title-row">
          <h1 id="stock-title">Stock</h1>
          <a href="#restock">Bulk restock from a CSV file</a>
        </div>
        <p class="muted">
          <strong>On hand</strong>: units in the warehouse. <strong>Reserved</strong>: held for orders not shipped yet.{" "}
          <strong>Available</strong>: what shoppers can still buy. Below a product's threshold the admins get a low-stock alert.
          The figures follow orders and other admins' changes live.
        </p>
        {notice && <p class="notice" role="status">{notice}</p>}
        <form method="get" action="/admin/stock" class="filters" role="search" aria-label="Filter the stock">
          <label>
            Search
            <input name="q" value={f.q} maxLength={100} placeholder="SKU or name" />
          </label>
          <label class="check">
            <span><input type="checkbox" name="low" value="1" checked={f.low === "1"} /> Low stock only</span>
          </label>
          <button type="submit">Filter</button>
          <a href="/admin/stock">Clear</a>
        </form>
        <StockList {...list} />
      </section>
      {!restockError && <RestockCard note={restockNote ?? ""} />}
    </AdminLayout>
  );
}

/** What the stream sends: the list region, morphed in place. */
export function StockListUpdate(props: ListProps) {
  return (
    <hx-partial hx-target={`#${STOCK_LIST}`} hx-swap="outerMorph">
      <StockList {...props} />
    </hx-partial>
  );
}

export function StockList({ rows, total, lowTotal, filter, pages, lowOnly }: ListProps) {
  return (
    <div id={STOCK_LIST}>
      <p class="muted" role="status">
        {total} {total === 1 ? "product" : "products"}
        {filter.low ? " low on stock" : <> · {lowTotal > 0 ? <a href={lowOnly}>{lowTotal} low on stock</a> : "none low on stock"}</>}
      </p>
      {rows.length === 0 ? <p>{filter.low ? "No product is low on stock." : "No products match."}</p> : (
        <div class="table-scroll">
          <table class="admin-table stock-table">
            <thead>
              <tr>
                <th scope="col">Product</th><th scope="col" class="num">On hand</th><th scope="col" class="num">Reserved</th>
                <th scope="col" class="num">Available</th><th scope="col" class="num">Alert under</th><th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr id={`stock-${r.sku}`}>
                  <td>
                    <a href={stockPath(r.sku)}>{r.name}</a>
                    <span class="muted detail"><code>{r.sku}</code> · <a href={stockPath(r.sku)} aria-label={`Adjust ${r.name}`}>adjust, history</a></span>
                  </td>
                  <td class="num" data-label="On hand" data-figure="onHand">{r.onHand}</td>
                  <td class="num" data-label="Reserved" data-figure="reserved">{r.reserved}</td>
                  <td class="num" data-label="Available" data-figure="available"><strong>{r.available}</strong></td>
                  <td class="num" data-label="Alert under">{r.threshold}</td>
                  <td data-label="State"><StateBadge row={r} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(pages.previous || pages.next) && (
        <nav aria-label="Pages" class="pager">
          {pages.previous && <a href={pages.previous}>Previous page</a>}
          {pages.next && <a href={pages.next}>Next page</a>}
        </nav>
      )}
    </div>
  );
}

/** The bulk restock: a CSV file applied all or nothing; a refusal names the file's line. */
function RestockCard({ error, note }: { error?: string; note: string }) {
  return (
    <section class="card" aria-labelledby="restock-title" id="restock">
      <h2 id="restock-title">Bulk restock from a CSV file</h2>
      <p class="muted" id="restock-file-hint">
        One product and warehouse per line: <code>sku,warehouse,quantity</code>, for example <code>AUD-001,BER,24</code>; a first line{" "}
        <code>sku,warehouse,quantity</code> is allowed. Each quantity is added to the units on hand in that warehouse. The whole file is
        applied or none of it: a bad line or an unknown warehouse is named and nothing changes.
      </p>
      {error && (
        <div class="error-summary" role="alert" aria-labelledby="restock-error-title">
          <h3 id="restock-error-title">The file was not applied</h3>
          <p><a href="#restock-file">{error}</a></p>
        </div>
      )}
      <form method="post" action="/admin/stock/restock" enctype="multipart/form-data" class="admin-form">
        <div class={error ? "field field-invalid" : "field"}>
          <label for="restock-file">Restock file (CSV)</label>
          <FieldError id="restock-file" error={error} />
          <input id="restock-file" name="file" type="file" accept=".csv,text/csv,text/plain" required
            aria-describedby={`restock-file-hint${error ? " restock-file-error" : ""}`} aria-invalid={error ? "true" : undefined} />
        </div>
        <label for="restock-note" class="reason-field">
          Note (for the movement log and the audit log, optional)
          <input id="restock-note" name="note" maxLength={500} value={note} placeholder="e.g. delivery 4711 from the supplier" />
        </label>
        <button type="submit">Apply restock</button>
      </form>
    </section>
  );
}
