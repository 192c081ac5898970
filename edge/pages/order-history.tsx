/**
 * The customer's orders:
 *
 *   GET  /orders              the signed-in customer's own orders, newest first
 *   POST /orders/:id/cancel   cancel: 303 back to the order | 404 not theirs | 409 names the status
 *
 * Both send a visitor who is not signed in to /login, coming back here afterwards.
 */
import { Hono } from "hono";
import { NotFound, OrderConflict } from "../../actors/contracts/errors.ts";
import { canCancel } from "../../actors/order-commands.ts";
import type { OrderService } from "../../actors/orders/order-service.ts";
import { renderDocument } from "../../views/layout.tsx";
import { OrderHistoryPage } from "../../views/order/order-history.tsx";
import { STATUS_TEXT } from "../../views/order/order-status.tsx";
import type { AuthEnv } from "../auth/auth.ts";
import { orderNotFound, sendErrorPage } from "./error-pages.tsx";

const HISTORY_LIMIT = 100;

/** The order history page and the cancel form's target; expects `authenticate` and `pageShell`. */
export function orderHistoryPages(orders: OrderService): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get("/orders", async (c) => {
    const user = c.get("user");
    if (!user) return c.redirect("/login?next=/orders", 303);
    // "My orders" is the viewer's own, also for an admin (who has the admin pages for everyone's)
    const { rows } = await orders.list({ sub: user.sub, role: "customer" }, { sort: "placed", dir: "desc", limit: HISTORY_LIMIT });
    c.header("Cache-Control", "no-store");
    return c.html(renderDocument(<OrderHistoryPage shell={await c.get("shell")()} orders={rows.map((r) => r.view)} />));
  });

  app.post("/orders/:id/cancel", async (c) => {
    const user = c.get("user");
    const id = c.req.param("id");
    const page = `/orders/${encodeURIComponent(id)}`;
    if (!user) return c.redirect(`/login?next=${encodeURIComponent(page)}`, 303);
    try {
      await orders.command(user, id, { type: "Cancel", by: user.role });
    } catch (err) {
      if (err instanceof NotFound) return orderNotFound(c);
      if (err instanceof OrderConflict) return sendErrorPage(c, 409, "This order can no longer be cancelled", notCancellable(err));
      throw err;
    }
    return c.redirect(page, 303);
  });

  return app;
}

/**
 * The refusal in customer words, naming the order's status. A status no cancel is allowed
 * in says so by the domain's own rule; otherwise the order's reason tells why (a paid
 * order already handed to the carrier).
 */
function notCancellable(err: OrderConflict): string {
  const why = canCancel(err.status) ? err.message : "it can no longer be cancelled";
  return `Your order is ${STATUS_TEXT[err.status].label} (${err.status}): ${why}.`;
}
