/**
 * The customer's order page and its live feed.
 *
 *   GET /orders/:id          full page (status, items, history); 303 to sign in and back for a guest
 *   GET /orders/:id/stream   SSE: subscribe -> load -> authorize -> send the current view
 *                            if newer than Last-Event-ID -> send each newer published view
 *
 * Each SSE message is unnamed (htmx swaps it) and carries <hx-partial> blocks rendered
 * by the same components as the page; its id is the timeline length (see eventIdOf).
 */
import { Hono, type Context } from "hono";
import { render } from "preact-render-to-string";
import { canSee } from "../../actors/orders/visibility.ts";
import { OrderView } from "../../actors/contracts/order-view.ts";
import type { PubSub } from "../../actors/runtime/pubsub.ts";
import { subjects } from "../../actors/contracts/subjects.ts";
import { renderDocument } from "../../views/layout.tsx";
import { eventIdOf, OrderUpdate } from "../../views/order/order-live.tsx";
import type { OrderDetails } from "../../views/order/order-details.tsx";
import { OrderPage } from "../../views/order/order-page.tsx";
import type { AuthEnv } from "../auth/auth.ts";
import { lastEventId, openLiveFeed, type Frame } from "../http/live-feed.ts";
import { renderedPages, sendHtml } from "../http/rendered.ts";
import { sseMessage } from "../http/sse.ts";
import { orderNotFound, sendErrorPage } from "./error-pages.tsx";

export type OrderPagesDeps = {
  loadOrder(id: string): Promise<OrderView | null>;
  /** the order's address and pending deadlines, shown beside the read model; the page does without when absent */
  loadDetails?(id: string): Promise<OrderDetails | null>;
  pubsub: PubSub;
  /** Comment heartbeat period (edge/http/live-feed.ts HEARTBEAT_MS by default) */
  heartbeatMs?: number;
};

/** The order page and its SSE stream; expects `authenticate` and `pageShell` to have run. */
export function orderPages(deps: OrderPagesDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  // A customer who reloads an order that has not moved gets the page rendered for it before
  // (each request is authorized before the page is looked up, as before).
  const kept = renderedPages({ maxEntries: 1024, maxBytes: 16 * 1024 * 1024, maxAgeMs: 60_000 });

  app.get("/orders/:id", async (c) => {
    const user = c.get("user");
    const id = c.req.param("id");
    if (!user) return c.redirect(`/login?next=${encodeURIComponent(`/orders/${encodeURIComponent(id)}`)}`, 303);
    const view = await deps.loadOrder(id);
    if (!view || !canSee(user, view.customerId)) return orderNotFound(c);
    const streamUrl = `/orders/${encodeURIComponent(view.orderId)}/stream`;
    const [shell, details] = await Promise.all([c.get("shell")(), deps.loadDetails?.(view.orderId) ?? null]);
    c.header("Cache-Control", "no-store");
    // the key is all the page is made of (the address follows from the view's order id)
    const page = await kept.get([shell, view, details], async () =>
      renderDocument(<OrderPage shell={shell} view={view} streamUrl={streamUrl} details={details ?? undefined} />));
    return sendHtml(c, page);
  });

  app.get("/orders/:id/stream", async (c) => {
    const user = c.get("user");
    if (!user) return signInPage(c);
    const id = c.req.param("id");
    const feed = openLiveFeed(deps.pubsub, {
      subject: subjects.order(id),
      parse: (data) => {
        const view = OrderView.safeParse(data);
        return view.success && view.data.orderId === id ? view.data : undefined;
      },
      dropped: `order stream ${id}: dropped a message that is not its OrderView`,
    });
    const view = await feed.load(() => deps.loadOrder(id));
    if (!view || !canSee(user, view.customerId)) {
      feed.close();
      return orderNotFound(c);
    }
    return feed.respond(c, view, newerViews(lastEventId(c), eventIdOf(view)), deps.heartbeatMs);
  });

  return app;
}

/**
 * Each view whose id is higher than the last one sent: in order, once, skipping duplicates
 * and stale replays. An id we never sent (ahead of the current view) means the client is
 * confused: it gets everything again.
 */
function newerViews(lastSeen: number, currentId: number): Frame<OrderView> {
  let sent = lastSeen > currentId ? 0 : lastSeen;
  return (view, once) => {
    const id = eventIdOf(view);
    if (id <= sent) return null;
    sent = id;
    // the view is the order's alone (its subject is), so every stream allowed to see it shares the bytes
    return once(String(id), () => sseMessage(render(<OrderUpdate view={view} />), id));
  };
}

/** The stream's answer to a guest (htmx swaps nothing: the page's hx-swap is "none"). */
function signInPage(c: Context<AuthEnv>) {
  c.header("WWW-Authenticate", 'Bearer realm="saga-shop"');
  return sendErrorPage(c, 401, "Please sign in", "Sign in to see your orders.");
}
