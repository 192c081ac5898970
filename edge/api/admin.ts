/** Admin saga tools: retry a failed step, compensate, set status; stock adjustments. */
import { Hono } from "hono";
import { z } from "zod";
import { Sku } from "../../actors/contracts/index.ts";
import type { Catalog } from "../../actors/catalog/catalog.ts";
import type { DeadLetters } from "../../actors/ops/dead-letters.ts";
import type { OrderService } from "../../actors/orders/order-service.ts";
import { requireUser, type AuthEnv } from "../auth/auth.ts";
import { jsonBody, query } from "../http/validate.ts";
import { orderJson } from "./orders.ts";

const CompensateBody = z.object({ action: z.enum(["refundPayment", "releaseInventory"]) });
const StatusBody = z.object({ status: z.enum(["DELIVERED", "PROCESSING", "PAYMENT_AUTHORIZED", "CANCELLED"]) });
const DeadLetterQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
const DeadLetterId = z.coerce.number().int().positive();
const StockBody = z.object({ delta: z.number().int().min(-100_000).max(100_000).refine((n) => n !== 0, "must not be 0"), reason: z.string().trim().min(1).max(200) });

export function adminApi(orders: OrderService, catalog: Catalog, deadLetters: DeadLetters) {
  const app = new Hono<AuthEnv>();
  app.use("*", requireUser("admin"));

  app.post("/orders/:id/retry", async (c) => {
    const view = await orders.command(c.get("user")!, c.req.param("id"), { type: "Retry" });
    return c.json(orderJson(view), 202);
  });

  app.post("/orders/:id/compensate", async (c) => {
    const { action } = await jsonBody(c, CompensateBody);
    const view = await orders.command(c.get("user")!, c.req.param("id"), { type: "Compensate", action });
    return c.json(orderJson(view), 202);
  });

  app.patch("/orders/:id/status", async (c) => {
    const { status } = await jsonBody(c, StatusBody);
    const user = c.get("user")!;
    const id = c.req.param("id");
    const view = status === "CANCELLED"
      ? await orders.command(user, id, { type: "Cancel", by: "admin" })
      : await orders.command(user, id, { type: "SetStatus", status });
    return c.json(orderJson(view), 202);
  });

  app.post("/products/:sku/stock", async (c) => {
    const sku = Sku.parse(c.req.param("sku"));
    const { delta, reason } = await jsonBody(c, StockBody);
    return c.json(await catalog.adjustStock(sku, delta, reason));
  });

  app.get("/dead-letters", async (c) => c.json({ deadLetters: await deadLetters.list(query(c, DeadLetterQuery).limit) }));

  app.post("/dead-letters/:id/replay", async (c) => {
    const id = DeadLetterId.safeParse(c.req.param("id"));
    if (!id.success) return c.json({ error: "id: must be a positive integer", field: "id" }, 400);
    return c.json(await deadLetters.replay(id.data), 202);
  });

  return app;
}
