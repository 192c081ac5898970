/**
 * The orders table's SSE stream: it subscribes to every order's view (orders.all - NATS in
 * distributed mode, so orders placed through any edge arrive), reads the admin's page, then
 * for each batch of orders that moved reads their rows and, under a filter, which still
 * match it (a second query), and sends what orders-live.ts decides: a row in place, a row
 * on top, a faded row, the bar.
 */
import type { Context } from "hono";
import { render } from "preact-render-to-string";
import { InputError } from "../../../actors/contracts/errors.ts";
import { OrderView } from "../../../actors/contracts/order-view.ts";
import { subjects } from "../../../actors/contracts/subjects.ts";
import { narrows, type OrderListQuery, type OrderRow } from "../../../actors/orders/order-list.ts";
import type { OrderService } from "../../../actors/orders/order-service.ts";
import { log } from "../../../actors/runtime/log.ts";
import type { PubSub } from "../../../actors/runtime/pubsub.ts";
import { BarUpdate, RowArrival, RowSwap } from "../../../views/admin/orders-page.tsx";
import { keepStreamOpen } from "../../adapters/bun.ts";
import type { AuthEnv } from "../../auth/auth.ts";
import { HEARTBEAT_MS } from "../../http/live-feed.ts";
import { readOrderList, searchParams } from "../../http/order-list-params.ts";
import { eventStream, sseMessage, sseResponse } from "../../http/sse.ts";
import { liveStep, liveTable, type LiveTable } from "./orders-live.ts";

/** GET /admin/orders/stream?<filter>&cursor=&since= for the page of `pageSize` rows it follows. */
export async function ordersStream(c: Context<AuthEnv>, deps: { orders: OrderService; pubsub: PubSub }, pageSize: number): Promise<Response> {
  const admin = c.get("user")!;
  const params = searchParams(c);
  const { query, search } = readOrderList(params, pageSize);
  const since = sinceOf(params.get("since"));
  const first = `/admin/orders${search}`;
  const filtered = narrows(query);
  // subscribe before reading the page: an order that moves in between is queued, not lost
  const moved = new Map<string, OrderView>();
  let wake = () => {};
  const close = deps.pubsub.subscribe(subjects.allOrders, (data) => {
    const view = OrderView.safeParse(data);
    if (!view.success) return log.warn("orders table: not an order view", { subject: subjects.allOrders });
    moved.set(view.data.orderId, view.data);
    wake();
  });
  let table: LiveTable;
  let missed: string;
  try {
    const { rows } = await deps.orders.list(admin, query);
    table = liveTable(rows.map((r) => ({ id: r.view.orderId, placedAt: r.view.createdAt })), !query.after && query.sort === "placed" && query.dir === "desc");
    missed = sinceRender(rows, since, table);
  } catch (e) {
    close();
    throw e;
  }

  /**
   * The messages for orders that moved: their rows in one query per batch, and who still
   * matches the filter in another when there is a filter (unfiltered, every row matches).
   */
  async function update(views: OrderView[]): Promise<string> {
    const ids = views.map((v) => v.orderId);
    const filter: OrderListQuery = { ...query, after: undefined, only: ids, limit: ids.length };
    const moved = deps.orders.list(admin, { sort: query.sort, dir: query.dir, only: ids, limit: ids.length });
    const [matching, current] = await Promise.all([filtered ? deps.orders.list(admin, filter) : moved, moved]);
    const matches = new Set(matching.rows.map((r) => r.view.orderId));
    const rows = new Map(current.rows.map((r) => [r.view.orderId, r]));
    let html = "";
    let counted = false;
    for (const v of views) {
      const row = rows.get(v.orderId);
      if (!row) continue;
      const step = liveStep(table, v.orderId, row.view.createdAt, matches.has(v.orderId));
      if (step.kind === "arrived") html += render(<RowArrival row={row} />);
      else if (step.kind === "changed" || step.kind === "leaving") html += render(<RowSwap row={row} mark={step.kind} />);
      else if (step.kind === "counted") counted = true;
    }
    if (counted) html += render(<BarUpdate count={table.counted.size} href={first} onFirstPage={!query.after} />);
    return html;
  }

  keepStreamOpen(c);
  return sseResponse(eventStream(c.req.raw.signal, HEARTBEAT_MS, (send) => {
    let running = false;
    let stopped = false;
    if (missed) send(sseMessage(missed));
    // one batch at a time, in order; what moves meanwhile makes the next batch
    const drain = async () => {
      if (running) return;
      running = true;
      try {
        while (moved.size > 0 && !stopped) {
          const batch = [...moved.values()];
          moved.clear();
          const html = await update(batch);
          if (html) send(sseMessage(html));
        }
      } catch (error) {
        log.warn("orders table: live update failed", { error });
      } finally {
        running = false;
      }
    };
    wake = () => void drain();
    void drain();
    return () => {
      stopped = true;
      close();
    };
  }));
}

/** The page's render time, as the page wrote it into the stream's address. */
function sinceOf(text: string | null): number | null {
  if (text === null || text === "") return null;
  if (!/^\d{1,15}$/.test(text)) throw new InputError("since", "since: milliseconds since 1970, as the page gave it");
  return Number(text);
}

/**
 * Between the page's render and the stream's start an order may have arrived or moved: the
 * rows of the page newer than the render, sent as arrivals (oldest first, so the newest ends
 * on top) and changes.
 */
function sinceRender(rows: OrderRow[], since: number | null, table: LiveTable): string {
  if (since === null) return "";
  const after = (iso: string) => Date.parse(iso) > since;
  const arrived = table.newestFirst ? rows.filter((r) => after(r.view.createdAt)).reverse() : [];
  const changed = rows.filter((r) => !arrived.includes(r) && after(r.view.updatedAt));
  return [
    ...arrived.map((row) => render(<RowArrival row={row} />)),
    ...changed.map((row) => render(<RowSwap row={row} mark="changed" />)),
  ].join("");
}

