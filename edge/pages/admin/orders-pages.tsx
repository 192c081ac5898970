/**
 *   GET /admin/orders?<filter>&cursor=           the orders table, 50 a page (keyset), live
 *   GET /admin/orders/stream?<filter>&cursor=&since=   SSE: rows that moved, new orders, the new-orders bar
 *   GET /admin/orders.csv?<filter>  (or /admin/orders?format=csv)   every matching order, streamed
 *
 * The filter is the query string edge/http/order-list-params.ts reads, the same as the API's.
 */
import { Hono, type Context } from "hono";
import { render } from "preact-render-to-string";
import { InputError } from "../../../actors/contracts/errors.ts";
import { OrderView } from "../../../actors/contracts/order-view.ts";
import { subjects } from "../../../actors/contracts/subjects.ts";
import type { OrderService } from "../../../actors/orders/order-service.ts";
import type { OrderListQuery, OrderRow } from "../../../actors/orders/order-list.ts";
import { log } from "../../../actors/runtime/log.ts";
import type { PubSub } from "../../../actors/runtime/pubsub.ts";
import { BarUpdate, OrdersPage, RowArrival, RowSwap, type OrdersForm } from "../../../views/admin/orders-page.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import { keepStreamOpen } from "../../adapters/bun.ts";
import type { AuthEnv } from "../../auth/auth.ts";
import { HEARTBEAT_MS } from "../../http/live-feed.ts";
import { readOrderList, withParam } from "../../http/order-list-params.ts";
import { eventStream, sseMessage, sseResponse } from "../../http/sse.ts";
import { ordersCsv } from "./orders-csv.ts";
import { liveStep, liveTable, type LiveTable } from "./orders-live.ts";

const PAGE_SIZE = 50;

export type OrdersPageDeps = { orders: OrderService; pubsub: PubSub };

export function adminOrdersPages(deps: OrdersPageDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get("/admin/orders", async (c) => {
    const params = paramsOf(c);
    if (params.get("format") === "csv") return csv(c, params);
    const { query, search } = readOrderList(params, PAGE_SIZE);
    const since = Date.now();
    const { rows, next } = await deps.orders.list(c.get("user")!, query);
    const here = `/admin/orders${search}`;
    const cursor = query.after ? withParam(search, "cursor", params.get("cursor")!) : search;
    return c.html(renderDocument(
      <OrdersPage shell={await c.get("shell")()} form={formOf(params, query)} rows={rows}
        next={next === null ? null : `/admin/orders${withParam(search, "cursor", next)}`}
        first={query.after ? here : null}
        streamUrl={`/admin/orders/stream${withParam(cursor, "since", String(since))}`}
        csvUrl={`/admin/orders.csv${search}`} />,
    ));
  });

  app.get("/admin/orders.csv", (c) => csv(c, paramsOf(c)));

  app.get("/admin/orders/stream", async (c) => {
    const admin = c.get("user")!;
    const params = paramsOf(c);
    const { query, search } = readOrderList(params, PAGE_SIZE);
    const since = sinceOf(params.get("since"));
    const first = `/admin/orders${search}`;
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

    /** The messages for orders that moved: who matches is asked of the database, in one query per batch. */
    async function update(views: OrderView[]): Promise<string> {
      const ids = views.map((v) => v.orderId);
      const filter: OrderListQuery = { ...query, after: undefined, only: ids, limit: ids.length };
      const [matching, current] = await Promise.all([
        deps.orders.list(admin, filter),
        deps.orders.list(admin, { sort: query.sort, dir: query.dir, only: ids, limit: ids.length }),
      ]);
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
  });

  async function csv(c: Context<AuthEnv>, params: URLSearchParams) {
    const { query } = readOrderList(params, PAGE_SIZE);
    const day = new Date().toISOString().slice(0, 10);
    return new Response(ordersCsv(deps.orders, c.get("user")!, query, c.req.raw.signal), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="orders-${day}.csv"`,
        "Cache-Control": "no-store",
      },
    });
  }

  return app;
}

const paramsOf = (c: Context) => new URL(c.req.url).searchParams;

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

/** The form as the URL filled it (already checked by readOrderList). */
function formOf(params: URLSearchParams, query: OrderListQuery): OrdersForm {
  const text = (name: string) => params.get(name)?.trim() ?? "";
  return {
    statuses: query.statuses ?? [], from: text("from"), to: text("to"), customer: query.customer ?? "", min: text("min"),
    max: text("max"), currency: query.currency ?? "", id: text("id"), sort: query.sort, dir: query.dir,
  };
}
