/**
 * The admin orders table: a GET filter form (bookmarkable, works without JavaScript; htmx
 * boosts it and the pager, so the document and the scroll stay), the rows of one keyset
 * page, and a live region. The SSE stream sends a row again wrapped in
 * <hx-partial> - in place when it changes, at the top when a new order arrives on the first
 * page, faded when it leaves the filter - and the "new orders" bar on later pages. The row
 * is the same component on the page and in the stream.
 */
import { ORDER_STATUSES, type OrderStatus } from "../../actors/contracts/index.ts";
import { CURRENCY_CODES } from "../../actors/money/currency.ts";
import type { OrderRow } from "../../actors/orders/order-list.ts";
import { formatMoney, formatTime } from "../format.ts";
import type { Shell } from "../layout.tsx";
import { STATUS_TEXT, StatusBadge } from "../order/order-status.tsx";
import { AdminLayout } from "./admin-layout.tsx";
import { Choice } from "./choice.tsx";

/**
 * htmx follows these links and the filter form in place (body swapped, address pushed). No
 * settle step: it copies each element's style attribute across, which our CSP refuses.
 */
const BOOST = { "hx-boost": "true", "hx-swap": "innerHTML settle:0" };

export const ROWS_REGION = "order-rows";
export const NEW_BAR = "new-orders";
export const rowId = (orderId: string) => `order-${orderId}`;

/** The filter form's fields as the URL holds them (already checked). */
export type OrdersForm = {
  statuses: OrderStatus[]; from: string; to: string; customer: string; min: string; max: string;
  currency: string; id: string; sort: string; dir: string;
};

/** How a row arrives: as it is, new at the top, changed in place, or leaving the filter. */
export type RowMark = "arrived" | "changed" | "leaving";

type Props = {
  shell: Shell;
  form: OrdersForm;
  rows: OrderRow[];
  /** the next page's address, or null on the last page */
  next: string | null;
  /** the first page's address, or null when this is it */
  first: string | null;
  streamUrl: string;
  csvUrl: string;
};

export function OrdersPage({ shell, form, rows, next, first, streamUrl, csvUrl }: Props) {
  return (
    <AdminLayout title="Orders" shell={shell} section="/admin/orders">
      <section class="card" aria-labelledby="orders-title" {...{ "hx-sse:connect": streamUrl, "hx-swap": "none" }}>
        <div class="orders-head">
          <h1 id="orders-title">Orders</h1>
          <a href={csvUrl} class="button-link" download>Download CSV</a>
        </div>
        <p class="muted">
          Every order, newest first unless sorted otherwise. New orders that match the filter appear at the top of the
          first page and rows change as orders move, live.
        </p>
        <OrdersFilter form={form} />
        <NewOrdersBar count={0} href={first ?? ""} onFirstPage={first === null} />
        <div class="table-scroll">
          <table class="admin-table orders-table">
            <thead>
              <tr>
                <th scope="col">Order</th><th scope="col">Placed (UTC)</th><th scope="col">Customer</th>
                <th scope="col">Items</th><th scope="col" class="num">Total</th><th scope="col">Status</th>
              </tr>
            </thead>
            <tbody id={ROWS_REGION}>
              {rows.map((r) => <OrderTableRow row={r} />)}
              <tr class="empty-row"><td colSpan={6}>No orders match this filter.</td></tr>
            </tbody>
          </table>
        </div>
        <nav aria-label="Pages" class="pager">
          {first && <a href={first} {...BOOST}>← First page</a>}
          {next && <a href={next} rel="next" {...BOOST}>Next page →</a>}
        </nav>
      </section>
    </AdminLayout>
  );
}

function OrdersFilter({ form }: { form: OrdersForm }) {
  const chosen = form.statuses.map((s) => STATUS_TEXT[s].label).join(", ");
  return (
    <form method="get" action="/admin/orders" class="filters orders-filters" role="search" aria-label="Filter the orders" {...BOOST}>
      <details class="status-pick" open={form.statuses.length > 0}>
        <summary>Status: {chosen || "any"}</summary>
        <fieldset>
          <legend class="visually-hidden">Statuses to show</legend>
          {ORDER_STATUSES.map((s) => (
            <label class="check">
              <input type="checkbox" name="status" value={s} checked={form.statuses.includes(s)} />
              {STATUS_TEXT[s].label} <code>{s}</code>
            </label>
          ))}
        </fieldset>
      </details>
      <label>Placed from<input type="date" name="from" value={form.from} /></label>
      <label>Placed to<input type="date" name="to" value={form.to} /></label>
      <label>Customer email or name<input type="search" name="customer" value={form.customer} maxLength={200} /></label>
      <label>Total from (USD)<input name="min" value={form.min} inputMode="decimal" size={8} /></label>
      <label>Total to (USD)<input name="max" value={form.max} inputMode="decimal" size={8} /></label>
      <Choice label="Currency" name="currency" selected={form.currency} options={CURRENCY_CODES.map((c) => [c, c])} />
      <label>Order id starts with<input name="id" value={form.id} maxLength={36} size={10} /></label>
      <label>
        Sort by
        <select name="sort">
          {[["placed", "Placed"], ["total", "Total"], ["status", "Status"]].map(([v, t]) => <option value={v} selected={form.sort === v}>{t}</option>)}
        </select>
      </label>
      <label>
        Direction
        <select name="dir">
          <option value="desc" selected={form.dir !== "asc"}>Descending (newest, largest first)</option>
          <option value="asc" selected={form.dir === "asc"}>Ascending (oldest, smallest first)</option>
        </select>
      </label>
      <button type="submit">Filter</button>
      <a href="/admin/orders" {...BOOST}>Clear</a>
    </form>
  );
}

/**
 * "N new orders": shown where new rows would shift what the admin is reading (a later page,
 * another sort); its link opens the filter's first page, or reloads it when already there.
 */
export function NewOrdersBar({ count, href, onFirstPage }: { count: number; href: string; onFirstPage: boolean }) {
  return (
    <p id={NEW_BAR} class="new-orders" role="status" hidden={count === 0}>
      {count > 0 && (
        <>
          {count} new {count === 1 ? "order matches" : "orders match"} this filter.{" "}
          <a href={href} {...BOOST}>{onFirstPage ? "Reload the list" : "Show the first page"}</a>
        </>
      )}
    </p>
  );
}

/** One order's row; `mark` says how it arrived in the live table. */
export function OrderTableRow({ row, mark }: { row: OrderRow; mark?: RowMark }) {
  const { view, customer, baseTotal } = row;
  const items = view.items.reduce((n, i) => n + i.qty, 0);
  return (
    <tr id={rowId(view.orderId)} class={`order-row${mark ? ` ${mark}` : ""}`} data-status={view.status}>
      <td>
        <a href={`/admin/orders/${encodeURIComponent(view.orderId)}`} class="order-id">{view.orderId.slice(0, 8)}</a>
        <span class="visually-hidden"> (order {view.orderId})</span>
      </td>
      <td><time dateTime={view.createdAt}>{formatTime(view.createdAt)}</time></td>
      <td class="customer">
        {customer ? <>{customer.name}<span class="muted detail">{customer.email}</span></> : <span class="muted">unknown account</span>}
      </td>
      <td>{items}</td>
      <td class="num">
        {formatMoney(view.total, view.currency)}
        {view.currency !== "USD" && <span class="muted detail">≈ {formatMoney(baseTotal, "USD")}</span>}
      </td>
      <td>
        <StatusBadge status={view.status} />
        {mark === "leaving" && <span class="muted detail">no longer matches</span>}
      </td>
    </tr>
  );
}

/** Stream: a row again, in place (changed, or leaving the filter). */
export function RowSwap({ row, mark }: { row: OrderRow; mark: RowMark }) {
  return (
    <hx-partial hx-target={`#${rowId(row.view.orderId)}`} hx-swap="outerHTML">
      <OrderTableRow row={row} mark={mark} />
    </hx-partial>
  );
}

/**
 * Stream: a new order at the top of the first page. A row of the same order already there
 * (the page and the stream both saw it) goes first; targets are found before either swap.
 */
export function RowArrival({ row }: { row: OrderRow }) {
  return (
    <>
      <hx-partial hx-target={`#${rowId(row.view.orderId)}`} hx-swap="delete" />
      <hx-partial hx-target={`#${ROWS_REGION}`} hx-swap="afterbegin">
        <OrderTableRow row={row} mark="arrived" />
      </hx-partial>
    </>
  );
}

/** Stream: the bar with its new count. */
export function BarUpdate(props: { count: number; href: string; onFirstPage: boolean }) {
  return (
    <hx-partial hx-target={`#${NEW_BAR}`} hx-swap="outerHTML">
      <NewOrdersBar {...props} />
    </hx-partial>
  );
}
