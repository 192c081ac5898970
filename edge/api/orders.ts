/** Customer order API: place (idempotent), read, list (filtered, keyset pages; admins see everyone's), cancel, pay again with another card. */
import { Hono } from "hono";
import { z } from "zod";
import { Address, Sku } from "../../actors/contracts/index.ts";
import { CURRENCY_CODES } from "../../actors/money/currency.ts";
import { InputError } from "../../actors/contracts/errors.ts";
import { CARD_TEXT, cardToken } from "../../actors/providers/test-cards.ts";
import type { OrderService } from "../../actors/orders/order-service.ts";
import type { OrderView } from "../../actors/contracts/order-view.ts";
import { requireUser, type AuthEnv } from "../auth/auth.ts";
import { readOrderList, searchParams, withParam } from "../http/order-list-params.ts";
import { jsonBody } from "../http/validate.ts";

/** A declined order paid with another card: the card number, as at checkout. */
const PayBody = z.object({ card: z.string().max(40) });

const PlaceBody = z.object({
  items: z.array(z.object({ sku: Sku, qty: z.number().int().min(1).max(100) })).min(1).max(50),
  shippingAddress: Address,
  paymentToken: z.string().max(64).regex(/\S/, "must not be blank"),
  currency: z.enum(CURRENCY_CODES, { error: `choose one of ${CURRENCY_CODES.join(", ")}` }).optional(),
});

/** The JSON shape of an order, with links to what can be done next. */
export const orderJson = (v: OrderView) => ({
  orderId: v.orderId,
  status: v.status,
  customerId: v.customerId,
  items: v.items,
  total: v.total,
  currency: v.currency,
  fxRate: v.fxRate ?? null,
  createdAt: v.createdAt,
  updatedAt: v.updatedAt,
  timeline: v.timeline,
  /** which warehouse holds what, once reserved; the parcels, once shipped (empty before) */
  allocations: v.allocations ?? [],
  parcels: v.parcels ?? [],
  links: { self: `/api/orders/${v.orderId}`, page: `/orders/${v.orderId}`, cancel: `/api/orders/${v.orderId}/cancel`, pay: `/api/orders/${v.orderId}/pay` },
});

export function ordersApi(orders: OrderService) {
  const app = new Hono<AuthEnv>();
  app.use("*", requireUser());

  app.post("/", async (c) => {
    const user = c.get("user")!;
    const key = c.req.header("idempotency-key");
    if (!key || key.length > 200) throw new InputError("Idempotency-Key", "Idempotency-Key header is required (1-200 printable ASCII characters)");
    const body = await jsonBody(c, PlaceBody);
    const { view, created } = await orders.place({ ...body, customerId: user.sub, idempotencyKey: key });
    const { orderId, status, total, currency, fxRate, links } = orderJson(view);
    return c.json({ orderId, status, total, currency, fxRate, created, links }, 202);
  });

  // filters, sort and keyset cursor as edge/http/order-list-params.ts reads them; a customer's
  // list holds only their own orders, whatever the filter says
  app.get("/", async (c) => {
    const user = c.get("user")!;
    const { query, search } = readOrderList(searchParams(c));
    const { rows, next } = await orders.list(user, query);
    return c.json({
      orders: rows.map((r) => ({ ...orderJson(r.view), ...(user.role === "admin" ? { customer: r.customer, totalUsd: r.baseTotal } : {}) })),
      next,
      links: { next: next === null ? null : `/api/orders${withParam(search, "cursor", next)}` },
    });
  });

  app.get("/:id", async (c) => c.json(orderJson(await orders.get(c.get("user")!, c.req.param("id")))));

  app.post("/:id/pay", async (c) => {
    const { card } = await jsonBody(c, PayBody);
    const token = cardToken(card);
    if (!token.ok) throw new InputError("card", CARD_TEXT[token.problem]);
    const view = await orders.command(c.get("user")!, c.req.param("id"), { type: "PayAgain", paymentToken: token.token });
    return c.json(orderJson(view), 202);
  });

  app.post("/:id/cancel", async (c) => {
    const user = c.get("user")!;
    const view = await orders.command(user, c.req.param("id"), { type: "Cancel", by: user.role });
    return c.json(orderJson(view), 202);
  });

  return app;
}
