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
import { z } from "zod";
import { FailureCode, Money, OrderItem, OrderStatus } from "../../actors/contracts/index.ts";
import type { OrderView } from "../../actors/projector.ts";
import { subjects, type PubSub } from "../../actors/runtime/pubsub.ts";
import { renderDocument } from "../../views/layout.tsx";
import { eventIdOf, OrderUpdate } from "../../views/order/order-live.tsx";
import { OrderPage } from "../../views/order/order-page.tsx";
import { canSee, type AuthEnv } from "../auth.ts";
import { disableIdleTimeout, eventStream, sseMessage, sseResponse } from "../sse.ts";
import { orderNotFound, sendErrorPage } from "./error-pages.tsx";

export type OrderPagesDeps = {
  loadOrder(id: string): Promise<OrderView | null>;
  pubsub: PubSub;
  /** Comment heartbeat period; below Bun's 10 s idle timeout and proxies' read timeouts. */
  heartbeatMs?: number;
};

/** Published views arrive as `unknown` (in-process today, NATS in distributed mode). */
const OrderViewMessage: z.ZodType<OrderView> = z.object({
  orderId: z.string(), customerId: z.string(), status: OrderStatus, items: z.array(OrderItem),
  total: Money, currency: z.string(), fxRate: z.string().optional(), createdAt: z.string(), updatedAt: z.string(),
  timeline: z.array(z.object({
    status: OrderStatus, at: z.string(), reason: z.string(), code: FailureCode.optional(), details: z.record(z.string(), z.unknown()),
  })),
});

/** The order page and its SSE stream; expects `authenticate` and `pageShell` to have run. */
export function orderPages(deps: OrderPagesDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get("/orders/:id", async (c) => {
    const user = c.get("user");
    const id = c.req.param("id");
    if (!user) return c.redirect(`/login?next=${encodeURIComponent(`/orders/${encodeURIComponent(id)}`)}`, 303);
    const view = await deps.loadOrder(id);
    if (!view || !canSee(user, view.customerId)) return orderNotFound(c);
    const streamUrl = `/orders/${encodeURIComponent(view.orderId)}/stream`;
    const shell = await c.get("shell")();
    c.header("Cache-Control", "no-store");
    return c.html(renderDocument(<OrderPage shell={shell} view={view} streamUrl={streamUrl} />));
  });

  app.get("/orders/:id/stream", async (c) => {
    const user = c.get("user");
    if (!user) return signInPage(c);
    const id = c.req.param("id");
    // Subscribe before loading: an update committed in between is buffered, not lost.
    const feed = openFeed(deps.pubsub, id);
    const view = await deps.loadOrder(id).catch((e: unknown) => {
      feed.close();
      throw e;
    });
    if (!view || !canSee(user, view.customerId)) {
      feed.close();
      return orderNotFound(c);
    }
    disableIdleTimeout(c);
    const lastSeen = parseEventId(c.req.header("last-event-id"));
    const body = eventStream(c.req.raw.signal, deps.heartbeatMs ?? 5_000, (send) => {
      feed.start(view, lastSeen, send);
      return feed.close;
    });
    return sseResponse(body);
  });

  return app;
}

/**
 * A subscription that buffers until the stream starts, then sends each view whose id is
 * higher than the last one sent: in order, once, skipping duplicates and stale replays.
 */
function openFeed(pubsub: PubSub, orderId: string) {
  const buffered: OrderView[] = [];
  let deliver = (view: OrderView) => void buffered.push(view);
  const close = pubsub.subscribe(subjects.order(orderId), (data) => {
    const view = OrderViewMessage.safeParse(data);
    if (view.success && view.data.orderId === orderId) deliver(view.data);
    else console.warn(`order stream ${orderId}: dropped a message that is not its OrderView`);
  });
  const start = (current: OrderView, lastSeen: number, send: (text: string) => void) => {
    // an id we never sent (ahead of the current view) means the client is confused: resend
    let sent = lastSeen > eventIdOf(current) ? 0 : lastSeen;
    deliver = (view) => {
      const id = eventIdOf(view);
      if (id <= sent) return;
      sent = id;
      send(sseMessage(render(<OrderUpdate view={view} />), id));
    };
    for (const view of [current, ...buffered.splice(0)]) deliver(view);
  };
  return { start, close };
}

/** Last-Event-ID as we issue it (a non-negative integer); anything else means "from the start". */
function parseEventId(header: string | undefined): number {
  const text = header?.trim() ?? "";
  return /^\d{1,9}$/.test(text) ? Number(text) : 0;
}

/** The stream's answer to a guest (htmx swaps nothing: the page's hx-swap is "none"). */
function signInPage(c: Context<AuthEnv>) {
  c.header("WWW-Authenticate", 'Bearer realm="saga-shop"');
  return sendErrorPage(c, 401, "Please sign in", "Sign in to see your orders.");
}
