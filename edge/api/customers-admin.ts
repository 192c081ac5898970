/**
 * The admins' customer API, mounted at /api/admin/customers:
 *
 *   GET  /?q=&after=&limit=          accounts whose name or email contains q, by email; next = the cursor
 *   GET  /:id                        one account: orders, lifetime value (base cents), sign-ins
 *   POST /:id/disable | /:id/enable  {reason?} -> 200 the account's state; 409 LAST_ADMIN
 *   POST /:id/role                   {role: "admin"|"customer", reason?} -> 200; 409 LAST_ADMIN
 *
 * Every action is audited (edge/http/customer-actions.ts).
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { NotFound } from "../../actors/contracts/errors.ts";
import { requireUser, type AuthEnv } from "../auth/auth.ts";
import { accountIdOf, auditedCustomerAction, type CustomerActionDeps } from "../http/customer-actions.ts";
import { jsonBody, query } from "../http/validate.ts";

const Printable = (max: number) => z.string().max(max).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters");
const SearchQuery = z.object({
  q: Printable(200).default(""),
  after: Printable(400).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const Reason = z.string().trim().max(500).default("");
const ReasonBody = z.object({ reason: Reason });
const RoleBody = z.object({ role: z.enum(["admin", "customer"]), reason: Reason });

/** A body is optional where it only carries the reason. */
async function reasonOf(c: Context): Promise<string> {
  if (c.req.header("content-type") === undefined && (await c.req.text()) === "") return "";
  return (await jsonBody(c, ReasonBody)).reason;
}

export function customersAdminApi(deps: CustomerActionDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use("*", requireUser("admin"));

  app.get("/", async (c) => {
    const { q, after, limit } = query(c, SearchQuery);
    return c.json(await deps.customers.search(q.trim(), { after, limit }));
  });

  app.get("/:id", async (c) => {
    const id = accountIdOf(c.req.param("id"));
    const detail = await deps.customers.detail(id);
    if (!detail) throw new NotFound(`no account ${id}`);
    return c.json(detail);
  });

  for (const action of ["disable", "enable"] as const) {
    app.post(`/:id/${action}`, async (c) => {
      const id = accountIdOf(c.req.param("id"));
      return c.json(await auditedCustomerAction(deps, c.get("user")!, id, action, await reasonOf(c)));
    });
  }

  app.post("/:id/role", async (c) => {
    const id = accountIdOf(c.req.param("id"));
    const { role, reason } = await jsonBody(c, RoleBody);
    return c.json(await auditedCustomerAction(deps, c.get("user")!, id, role === "admin" ? "promote" : "demote", reason));
  });

  return app;
}
