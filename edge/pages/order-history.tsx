/**
 * The customer's orders:
 *
 *   GET  /orders              the signed-in customer's own orders, newest first
 *   POST /orders/:id/cancel   cancel: 303 back to the order | 404 not theirs | 409 names the status
 *   POST /orders/:id/pay      a declined order paid with another card (form: card): 303 back to the
 *                             order (also for a second submit of the same form) | 404 not theirs |
 *                             400 bad card number | 409 reservation expired or nothing to pay
 *
 * Both send a visitor who is not signed in to /login, coming back here afterwards.
 */
import { Hono } from "hono";
import { z } from "zod";
import { NotFound, OrderConflict } from "../../actors/contracts/errors.ts";
import { canCancel } from "../../actors/order-commands.ts";
import type { OrderService } from "../../actors/orders/order-service.ts";
import { CARD_TEXT, cardToken } from "../../actors/providers/test-cards.ts";
import { formBody } from "../http/form.ts";
import { renderDocument } from "../../views/layout.tsx";
import { OrderHistoryPage } from "../../views/order/order-history.tsx";
import { STATUS_TEXT } from "../../views/order/order-status.tsx";
import type { AuthEnv } from "../auth/auth.ts";
import { orderNotFound, sendErrorPage } from "./error-pages.tsx";

const HISTORY_LIMIT = 100;
const PayForm = z.object({ card: z.string().catch("") });
/** Where an order is once a new card was taken: a repeated submit lands on the page rather than an error. */
const PAYING: ReadonlySet<string> = new Set(["INVENTORY_RESERVED", "PAYMENT_AUTHORIZED", "PROCESSING", "SHIPPED", "DELIVERED"]);

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

  app.post("/orders/:id/pay", async (c) => {
    const user = c.get("user");
    const id = c.req.param("id");
    const page = `/orders/${encodeURIComponent(id)}`;
    if (!user) return c.redirect(`/login?next=${encodeURIComponent(page)}`, 303);
    const token = cardToken(PayForm.parse(await formBody(c)).card);
    if (!token.ok) return sendErrorPage(c, 400, "Check the card number", `${CARD_TEXT[token.problem]}. Nothing was charged.`);
    try {
      await orders.command(user, id, { type: "PayAgain", paymentToken: token.token });
    } catch (err) {
      if (err instanceof NotFound) return orderNotFound(c);
      // a second submit of the form finds the payment under way or done: the page shows which
      if (err instanceof OrderConflict && PAYING.has(err.status)) return c.redirect(page, 303);
      if (err instanceof OrderConflict) return sendErrorPage(c, 409, "This order can no longer be paid", `${err.message}.`);
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
