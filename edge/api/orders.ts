/** Customer order API: place (idempotent), read, list, cancel. */
import { Hono } from "hono";
import { z } from "zod";
import { Address, OrderStatus, Sku } from "../../actors/contracts/index.ts";
import { CURRENCY_CODES } from "../../actors/money/currency.ts";
import { InputError } from "../../actors/contracts/errors.ts";
import type { OrderService } from "../../actors/orders/order-service.ts";
import type { OrderView } from "../../actors/contracts/order-view.ts";
import { requireUser, type AuthEnv } from "../auth/auth.ts";
import { jsonBody, query } from "../http/validate.ts";

const PlaceBody = z.object({
  items: z.array(z.object({ sku: Sku, qty: z.number().int().min(1).max(100) })).min(1).max(50),
  shippingAddress: Address,
  paymentToken: z.string().max(64).regex(/\S/, "must not be blank"),
  currency: z.enum(CURRENCY_CODES, { error: `choose one of ${CURRENCY_CODES.join(", ")}` }).optional(),
});

/**
 * A date bound of the order list: an ISO date or date-time between the years 1900 and 9999.
 * What Date would also take ("0", "-001000-01-01", "99999-01-01") the database cannot compare.
 */
const DateBound = z.string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/, "use a date like 2026-01-31 or 2026-01-31T12:00:00Z")
  .pipe(z.coerce.date({ error: "no such date" }))
  .refine((d) => d.getUTCFullYear() >= 1900 && d.getUTCFullYear() <= 9999, "use a year between 1900 and 9999");

const ListQuery = z.object({
  status: OrderStatus.optional(),
  from: DateBound.optional(),
  to: DateBound.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).refine((q) => !q.from || !q.to || q.from <= q.to, { path: ["to"], message: "must not be before from" });

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
  links: { self: `/api/orders/${v.orderId}`, page: `/orders/${v.orderId}`, cancel: `/api/orders/${v.orderId}/cancel` },
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

  app.get("/", async (c) => {
    const q = query(c, ListQuery);
    const list = await orders.list(c.get("user")!, q);
    return c.json({ orders: list.map(orderJson) });
  });

  app.get("/:id", async (c) => c.json(orderJson(await orders.get(c.get("user")!, c.req.param("id")))));

  app.post("/:id/cancel", async (c) => {
    const user = c.get("user")!;
    const view = await orders.command(user, c.req.param("id"), { type: "Cancel", by: user.role });
    return c.json(orderJson(view), 202);
  });

  return app;
}
