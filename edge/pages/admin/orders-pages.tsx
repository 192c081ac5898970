/**
 *   GET /admin/orders?<filter>&cursor=           the orders table, 50 a page (keyset), live
 *   GET /admin/orders/stream?<filter>&cursor=&since=   SSE: rows that moved, new orders, the new-orders bar
 *   GET /admin/orders.csv?<filter>  (or /admin/orders?format=csv)   every matching order, streamed
 *
 * The filter is the query string edge/http/order-list-params.ts reads, the same as the API's.
 */
import { Hono, type Context } from "hono";
import type { OrderService } from "../../../actors/orders/order-service.ts";
import type { OrderListQuery } from "../../../actors/orders/order-list.ts";
import type { Viewer } from "../../../actors/orders/visibility.ts";
import type { PubSub } from "../../../actors/runtime/pubsub.ts";
import { OrdersPage, type OrdersForm } from "../../../views/admin/orders-page.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import type { AuthEnv } from "../../auth/auth.ts";
import { readOrderList, searchParams, withParam } from "../../http/order-list-params.ts";
import { recentReads } from "../../http/shared-read.ts";
import { ordersCsv } from "./orders-csv.ts";
import { ordersStream } from "./orders-stream.tsx";

const PAGE_SIZE = 50;
/**
 * How old a page's rows may be: admins loading the same view within it share one read, and
 * its stream sends what moved since that read began.
 */
const PAGE_FRESH_MS = 500;
/** Every admin sees every order (the console's guard lets only admins in): one viewer serves them all. */
const ADMINS: Viewer = { sub: "admin", role: "admin" };

export type OrdersPageDeps = { orders: OrderService; pubsub: PubSub };

export function adminOrdersPages(deps: OrdersPageDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  // keyed by the page's own query string (filter and cursor), as readOrderList wrote it
  const pages = recentReads(async (page: string) => {
    const at = Date.now();
    return { at, ...await deps.orders.list(ADMINS, readOrderList(new URLSearchParams(page), PAGE_SIZE).query) };
  }, { maxAgeMs: PAGE_FRESH_MS, maxEntries: 1_000 });

  app.get("/admin/orders", async (c) => {
    const params = searchParams(c);
    if (params.get("format") === "csv") return csv(c, params);
    const { query, search } = readOrderList(params, PAGE_SIZE);
    const cursor = query.after ? withParam(search, "cursor", params.get("cursor")!) : search;
    const { at: since, rows, next } = await pages.get(cursor);
    const here = `/admin/orders${search}`;
    return c.html(renderDocument(
      <OrdersPage shell={await c.get("shell")()} form={formOf(params, query)} rows={rows}
        next={next === null ? null : `/admin/orders${withParam(search, "cursor", next)}`}
        first={query.after ? here : null}
        streamUrl={`/admin/orders/stream${withParam(cursor, "since", String(since))}`}
        csvUrl={`/admin/orders.csv${search}`} />,
    ));
  });

  app.get("/admin/orders.csv", (c) => csv(c, searchParams(c)));

  app.get("/admin/orders/stream", (c) => ordersStream(c, deps, PAGE_SIZE));

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


/** The form as the URL filled it (already checked by readOrderList). */
function formOf(params: URLSearchParams, query: OrderListQuery): OrdersForm {
  const text = (name: string) => params.get(name)?.trim() ?? "";
  return {
    statuses: query.statuses ?? [], from: text("from"), to: text("to"), customer: query.customer ?? "", min: text("min"),
    max: text("max"), currency: query.currency ?? "", id: text("id"), sort: query.sort, dir: query.dir,
  };
}
