/**
 * The filtered order list as CSV, streamed a keyset page at a time (no list is held whole).
 * Cells a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage
 * return) get a leading apostrophe; every cell is quoted when it holds a quote, comma or line break.
 */
import type { OrderListQuery, OrderRow } from "../../../actors/orders/order-list.ts";
import type { OrderService } from "../../../actors/orders/order-service.ts";
import type { Viewer } from "../../../actors/orders/visibility.ts";
import { decodeCursor } from "../../../actors/orders/order-cursor.ts";

const BATCH = 500;

const HEADER = ["order_id", "placed_at", "updated_at", "status", "customer_name", "customer_email", "items", "total", "currency", "total_usd"];

/** One cell, safe to open in a spreadsheet. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One line, CRLF-terminated as RFC 4180 has it. */
export const csvLine = (cells: (string | number)[]) => `${cells.map(csvCell).join(",")}\r\n`;

/** Minor units as a plain decimal ("1999" in USD -> "19.99", JPY has none). */
function decimal(minor: number, currency: string): string {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return (minor / 10 ** digits).toFixed(digits);
}

function rowLine({ view, customer, baseTotal }: OrderRow): string {
  return csvLine([
    view.orderId, view.createdAt, view.updatedAt, view.status, customer?.name ?? "", customer?.email ?? "",
    view.items.reduce((n, i) => n + i.qty, 0), decimal(view.total, view.currency), view.currency, decimal(baseTotal, "USD"),
  ]);
}

/** Every order of `query` (from its cursor on) as CSV text, read as the client takes it. */
export function ordersCsv(orders: OrderService, viewer: Viewer, query: OrderListQuery, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let q: OrderListQuery | null = { ...query, limit: BATCH };
  let headed = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headed) {
        headed = true;
        controller.enqueue(encoder.encode(csvLine(HEADER)));
        return;
      }
      if (q === null || signal.aborted) return controller.close();
      const { rows, next } = await orders.list(viewer, q);
      const after = next === null ? null : decodeCursor(next, q.sort, q.dir);
      q = after === null || typeof after === "string" ? null : { ...q, after };
      if (rows.length) controller.enqueue(encoder.encode(rows.map(rowLine).join("")));
      if (q === null) controller.close();
    },
  });
}
