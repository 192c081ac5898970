/**
 * Admin saga tools: retry a failed step, compensate, set status; stock adjustments; dead
 * letters; alerts. Every action is written to the audit log with the reason given (a JSON body's
 * `reason`, optional for the API; the console's forms ask for one).
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { Sku } from "../../actors/contracts/index.ts";
import type { Catalog } from "../../actors/catalog/catalog.ts";
import { auditName, type OrderCommand } from "../../actors/order-commands.ts";
import { auditedAlertAck, auditedBulkLetters, auditedLetterAction, auditedOrderAction, type AdminActionDeps } from "../http/admin-actions.ts";
import { AlertKindField, alertIdOf } from "../http/alert-params.ts";
import { requireUser, type AuthEnv } from "../auth/auth.ts";
import { jsonBody, query } from "../http/validate.ts";
import { DeadLetterFilterFields, DeadLetterId } from "../http/dead-letter-params.ts";
import { orderJson } from "./orders.ts";
import { MovementFilter, WarehouseCode } from "../../actors/catalog/stock-admin.ts";
import { InputError } from "../../actors/contracts/errors.ts";
import { mediaType } from "../http/readable.ts";
import { auditedAdjust, auditedRestock, restockText } from "../http/stock-actions.ts";

const Reason = z.string().trim().max(500);
const ReasonBody = z.object({ reason: Reason.default("") });
const CompensateBody = z.object({ action: z.enum(["refundPayment", "releaseInventory"]), reason: Reason.default("") });
const StatusBody = z.object({ status: z.enum(["DELIVERED", "PROCESSING", "PAYMENT_AUTHORIZED", "CANCELLED"]), reason: Reason.default("") });
const DeadLetterQuery = DeadLetterFilterFields.extend({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
});
const AlertQuery = z.object({
  kind: AlertKindField,
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});
const BulkBody = DeadLetterFilterFields.omit({ state: true }).extend({ reason: Reason.default("") });
/** `reason`: restock, return, damage, count or manual; any other text is kept as a manual adjustment's note. */
const StockBody = z.object({
  delta: z.number().int().min(-100_000).max(100_000).refine((n) => n !== 0, "must not be 0"), reason: z.string().trim().min(1).max(200), note: z.string().trim().max(500).default(""),
  /** required when the product is stocked in more than one warehouse */
  warehouse: WarehouseCode.optional(),
});
/** JSON text holds no line breaks: the file's lines as an array, numbered from 1 as in the file. */
const RestockBody = z.object({ lines: z.array(z.string().max(200)).min(1).max(5000), note: z.string().trim().max(500).default("") });

export type AdminDeps = AdminActionDeps & { catalog: Catalog };

/** A body is optional where it only carries the reason: none means no reason given. */
async function reasonOf(c: Context): Promise<string> {
  if (c.req.header("content-type") === undefined && (await c.req.text()) === "") return "";
  return (await jsonBody(c, ReasonBody)).reason;
}

export function adminApi(deps: AdminDeps) {
  const { orders, catalog, deadLetters, alerts, audit } = deps;
  const app = new Hono<AuthEnv>();
  app.use("*", requireUser("admin"));

  /** Run an order command as the signed-in admin's audited action. */
  async function orderAction(c: Context<AuthEnv>, reason: string, command: Exclude<OrderCommand, { type: "Place" }>) {
    const admin = c.get("user")!;
    const id = c.req.param("id")!;
    const view = await auditedOrderAction(deps, admin, id, auditName(command), reason, () => orders.command(admin, id, command));
    return c.json(orderJson(view), 202);
  }

  app.post("/orders/:id/retry", async (c) => orderAction(c, await reasonOf(c), { type: "Retry" }));

  app.post("/orders/:id/compensate", async (c) => {
    const { action, reason } = await jsonBody(c, CompensateBody);
    return orderAction(c, reason, { type: "Compensate", action });
  });

  app.patch("/orders/:id/status", async (c) => {
    const { status, reason } = await jsonBody(c, StatusBody);
    return orderAction(c, reason, status === "CANCELLED" ? { type: "Cancel", by: "admin" } : { type: "SetStatus", status });
  });

  app.post("/products/:sku/stock", async (c) => {
    const sku = Sku.parse(c.req.param("sku"));
    return c.json(await auditedAdjust(deps, c.get("user")!, { sku, ...await jsonBody(c, StockBody) }));
  });

  /** The warehouses, the first by priority first; `stock`: the product's units in each (`?sku=`). */
  app.get("/warehouses", async (c) => {
    const sku = c.req.query("sku");
    const warehouses = await catalog.stock.warehouses();
    if (sku === undefined) return c.json({ warehouses });
    const row = await catalog.stock.row(Sku.parse(sku));
    return c.json({ warehouses, stock: await catalog.stock.byWarehouse([row.sku]) });
  });

  app.get("/products/:sku/movements", async (c) => {
    const sku = Sku.parse(c.req.param("sku"));
    return c.json(await catalog.stock.movements(sku, query(c, MovementFilter)));
  });

  /** A restock file: `text/csv` (the file itself) or JSON `{ lines, note }`; every line or none. */
  app.post("/stock/restock", async (c) => {
    const { type, utf8 } = mediaType(c.req.header("content-type"));
    if (type === "text/csv" && !utf8) throw new InputError("content-type", "content-type: a restock file is read as UTF-8 only");
    const body = type === "text/csv" ? { csv: restockText(new Uint8Array(await c.req.arrayBuffer()), "body"), note: "" } : await jsonBody(c, RestockBody).then((b) => ({ csv: b.lines.join("\n"), note: b.note }));
    return c.json(await auditedRestock(deps, c.get("user")!, body.csv, body.note));
  });

  app.get("/dead-letters", async (c) => {
    const { letters, next } = await deadLetters.page(query(c, DeadLetterQuery));
    return c.json({ deadLetters: letters, next });
  });

  for (const action of ["replay", "discard"] as const) {
    app.post(`/dead-letters/:id/${action}`, async (c) => {
      const id = DeadLetterId.safeParse(c.req.param("id"));
      if (!id.success) return c.json({ error: "id: must be a positive integer", field: "id" }, 400);
      const reason = await reasonOf(c);
      return c.json(await auditedLetterAction(deps, c.get("user")!, id.data, action, reason), action === "replay" ? 202 : 200);
    });
    // every waiting letter the filter selects (at most BULK_LIMIT), each audited on its own
    app.post(`/dead-letters/${action}`, async (c) => {
      const { reason, ...filter } = await jsonBody(c, BulkBody);
      const ids = await deadLetters.waitingIds(filter);
      return c.json(await auditedBulkLetters(deps, c.get("user")!, ids, action, reason));
    });
  }

  // open alerts, newest first; acknowledging one takes it off the open list
  app.get("/alerts", async (c) => {
    const [{ alerts: open, next }, counts] = await Promise.all([alerts.page(query(c, AlertQuery)), alerts.counts()]);
    return c.json({ alerts: open, next, counts });
  });

  app.post("/alerts/:id/acknowledge", async (c) => {
    const id = alertIdOf(c);
    return c.json(await auditedAlertAck(deps, c.get("user")!, id, await reasonOf(c)));
  });

  return app;
}
