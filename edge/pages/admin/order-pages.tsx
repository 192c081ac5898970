/**
 *   GET  /admin/orders/:id               one order: customer, delivery, items, saga, messages, history, tools
 *   GET  /admin/orders/:id/stream        SSE: the live regions again whenever the order moves or a message about it changes
 *   POST /admin/orders/:id/tools/:tool   reason (destructive tools: confirm=yes) -> 303 back;
 *                                        409 re-renders the page with the refusal
 */
import { Hono, type Context } from "hono";
import { render } from "preact-render-to-string";
import { z } from "zod";
import type { Accounts } from "../../../actors/accounts/accounts.ts";
import { InputError, NotFound, OrderConflict } from "../../../actors/contracts/errors.ts";
import { subjects } from "../../../actors/contracts/subjects.ts";
import { ADMIN_TOOLS, adminTools, auditName, type AdminTool } from "../../../actors/order-commands.ts";
import { BASE_CURRENCY, toBaseCents } from "../../../actors/money/currency.ts";
import type { Currencies } from "../../../actors/money/rates.ts";
import type { OrderState } from "../../../actors/order-state.ts";
import type { PubSub } from "../../../actors/runtime/pubsub.ts";
import type { MessageHistory } from "../../../actors/notify/history.ts";
import { AdminOrderPage, AdminOrderUpdate, TOOL_TEXT, type AdminOrder } from "../../../views/admin/order-page.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import type { AuthEnv } from "../../auth/auth.ts";
import { auditedOrderAction, type AdminActionDeps } from "../../http/admin-actions.ts";
import { formBody } from "../../http/form.ts";
import { refreshStream } from "../../http/refresh-stream.ts";

const ToolForm = z.object({ reason: z.string().trim().min(1, "give a reason for the audit log").max(500), confirm: z.string().optional() });
const isTool = (t: string): t is AdminTool => Object.hasOwn(ADMIN_TOOLS, t);

export type AdminOrderPageDeps = AdminActionDeps & {
  accounts: Pick<Accounts, "find">; currencies: Pick<Currencies, "rate">; pubsub: PubSub; messageHistory: Pick<MessageHistory, "aboutOrder">;
};

export function adminOrderPages(deps: AdminOrderPageDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  /** Everything the page shows, or null when there is no such order. */
  async function load(id: string): Promise<AdminOrder | null> {
    const order = await deps.orders.state(id);
    if (!order) return null;
    const [account, timers, messages] = await Promise.all([deps.accounts.find(order.customerId), deps.orders.timers(id), deps.messageHistory.aboutOrder(id)]);
    return {
      order, tools: adminTools(order, new Date()), customer: account && { name: account.name, email: account.email },
      baseTotal: await baseTotal(order), timers, messages,
    };
  }

  /** The total in USD at the rate the order recorded (the currency's decimals come from its rate row). */
  async function baseTotal(order: OrderState): Promise<number | null> {
    if (order.currency === BASE_CURRENCY || !order.fxRate) return null;
    const { minorUnits } = await deps.currencies.rate(order.currency);
    return toBaseCents(order.total, { code: order.currency, minorUnits, rate: order.fxRate });
  }

  async function page(c: Context<AuthEnv>, id: string, extra: { notice?: string; refused?: string } = {}, status: 200 | 409 = 200) {
    const data = await load(id);
    if (!data) throw new NotFound(`order ${id} not found`);
    const streamUrl = `/admin/orders/${encodeURIComponent(id)}/stream`;
    return c.html(renderDocument(<AdminOrderPage shell={await c.get("shell")()} streamUrl={streamUrl} {...data} {...extra} />), status);
  }

  app.get("/admin/orders/:id", (c) => {
    const done = c.req.query("done");
    return page(c, c.req.param("id"), { notice: done && isTool(done) ? `Done: ${TOOL_TEXT[done].label.toLowerCase()}.` : undefined });
  });

  app.get("/admin/orders/:id/stream", async (c) => {
    const id = c.req.param("id");
    if (!(await deps.orders.find(id))) throw new NotFound(`order ${id} not found`);
    // the order moved, or a message about it was queued or changed status
    return refreshStream(c, deps.pubsub, [subjects.order(id), subjects.mailAbout(id)], async () => {
      const data = await load(id);
      return data && render(<AdminOrderUpdate {...data} />);
    });
  });

  app.post("/admin/orders/:id/tools/:tool", async (c) => {
    const id = c.req.param("id");
    const tool = c.req.param("tool");
    if (!isTool(tool)) throw new InputError("tool", `tool: no saga tool named ${tool}`);
    const { reason, confirm } = ToolForm.parse(await formBody(c));
    if (TOOL_TEXT[tool].destructive && confirm !== "yes") throw new InputError("confirm", `confirm: tick the box to ${TOOL_TEXT[tool].label.toLowerCase()}`);
    const admin = c.get("user")!;
    const command = ADMIN_TOOLS[tool];
    try {
      await auditedOrderAction(deps, admin, id, auditName(command), reason, () => deps.orders.command(admin, id, command));
    } catch (err) {
      // the order moved meanwhile: the page as it is now, with the refusal
      if (err instanceof OrderConflict) return page(c, id, { refused: err.message }, 409);
      throw err;
    }
    return c.redirect(`/admin/orders/${encodeURIComponent(id)}?done=${tool}`, 303);
  });

  return app;
}
