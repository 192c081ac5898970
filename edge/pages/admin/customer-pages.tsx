/**
 *   GET  /admin/customers?q=&after=        accounts whose name or email contains q, by email, keyset pages
 *   GET  /admin/customers/:id              one account: orders, lifetime value, sign-ins, the tools
 *   POST /admin/customers/:id/:tool        disable | enable | promote | demote; reason (disable and
 *                                          demote: confirm=yes) -> 303 back; refused (last admin): 409 page
 *
 * The actions are the audited ones the JSON API uses (edge/http/customer-actions.ts).
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { AccountConflict, InputError, NotFound } from "../../../actors/contracts/errors.ts";
import { CUSTOMER_TOOL_TEXT, CustomerPage, CustomersPage, type CustomerTool } from "../../../views/admin/customers-page.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import type { AuthEnv } from "../../auth/auth.ts";
import { accountIdOf, auditedCustomerAction, type CustomerActionDeps } from "../../http/customer-actions.ts";
import { formBody } from "../../http/form.ts";
import { query } from "../../http/validate.ts";

const PAGE_SIZE = 50;
const Printable = (max: number) => z.string().max(max).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters");
const SearchQuery = z.object({ q: Printable(200).default(""), after: Printable(400).optional() });
const ToolForm = z.object({ reason: z.string().trim().min(1, "give a reason for the audit log").max(500), confirm: z.string().optional() });
const isTool = (s: string): s is CustomerTool => Object.hasOwn(CUSTOMER_TOOL_TEXT, s);
const DONE: Record<CustomerTool, string> = {
  disable: "Account disabled: its sessions end now.", enable: "Account enabled.", promote: "The account is now an admin.", demote: "The account is now a customer.",
};

export function adminCustomerPages(deps: CustomerActionDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get("/admin/customers", async (c) => {
    const { q, after } = query(c, SearchQuery);
    const page = await deps.customers.search(q.trim(), { after, limit: PAGE_SIZE });
    const link = (extra: Record<string, string>) => `/admin/customers?${new URLSearchParams({ ...(q ? { q } : {}), ...extra })}`;
    return c.html(renderDocument(
      <CustomersPage shell={await c.get("shell")()} q={q} customers={page.customers}
        next={page.next === null ? null : link({ after: page.next })} first={after === undefined ? null : link({})} />,
    ));
  });

  const detail = async (c: Context<AuthEnv>, id: string, opts: { notice?: string; refused?: string }, status: 200 | 409 = 200) => {
    const customer = await deps.customers.detail(id);
    if (!customer) throw new NotFound(`no account ${id}`);
    return c.html(renderDocument(
      <CustomerPage shell={await c.get("shell")()} customer={customer} self={c.get("user")!.sub === id} {...opts} />,
    ), status);
  };

  app.get("/admin/customers/:id", (c) => {
    const done = c.req.query("done") ?? "";
    return detail(c, accountIdOf(c.req.param("id")), { notice: isTool(done) ? DONE[done] : undefined });
  });

  app.post("/admin/customers/:id/:tool", async (c) => {
    const id = accountIdOf(c.req.param("id"));
    const tool = c.req.param("tool");
    if (!isTool(tool)) throw new InputError("tool", `tool: no account action named ${tool}`);
    const { reason, confirm } = ToolForm.parse(await formBody(c));
    if (CUSTOMER_TOOL_TEXT[tool].destructive && confirm !== "yes") throw new InputError("confirm", `confirm: tick the box to ${CUSTOMER_TOOL_TEXT[tool].label.toLowerCase()}`);
    try {
      await auditedCustomerAction(deps, c.get("user")!, id, tool, reason);
    } catch (err) {
      if (err instanceof AccountConflict) return detail(c, id, { refused: err.message }, 409);
      throw err;
    }
    return c.redirect(`/admin/customers/${id}?done=${tool}`, 303);
  });

  return app;
}
