/**
 * The admin console, everything behind the admin role (guard.ts):
 *
 *   GET /admin          the dashboard, live (dashboard-pages.tsx)
 *   GET /admin/audit    the audit log (audit-pages.tsx)
 *   /admin/alerts        open alerts: review, acknowledge; every page shows their count, live (alert-pages.tsx)
 *   /admin/dead-letters  parked messages: review, replay, discard (dead-letter-pages.tsx)
 *   /admin/orders        every order: filters, keyset pages, live rows, CSV (orders-pages.tsx)
 *   /admin/orders/:id    one order with its saga tools, live (order-pages.tsx)
 *   /admin/products      the catalog: list (live), create, edit, pictures, archive (product-pages.tsx)
 *   /admin/stock         every product's stock (live), adjust with a reason, the movement log, bulk restock by CSV (stock-pages.tsx)
 *   /admin/categories    the storefront's categories: nest, reorder, rename, delete (category-pages.tsx)
 *   /admin/mail          the notifier's messages: list, preview, send a failed one again, SLA figures (mail-pages.tsx)
 *   /admin/customers     accounts: search, orders, sign-ins; disable, enable, promote, demote (customer-pages.tsx)
 *   /admin/rates         exchange rates: view, set, the rate source's state (rate-pages.tsx)
 *
 * A bad parameter is a 400 page naming it; a refused action a 409 page with the reason.
 */
import { Hono, type Context } from "hono";
import type { AuthEnv } from "../../auth/auth.ts";
import { onError, refusal } from "../../http/http-errors.ts";
import { sendErrorPage } from "../error-pages.tsx";
import { alertPages, withAlerts } from "./alert-pages.tsx";
import { auditPages } from "./audit-pages.tsx";
import { dashboardPages, type DashboardPageDeps } from "./dashboard-pages.tsx";
import { deadLetterPages, type DeadLetterPageDeps } from "./dead-letter-pages.tsx";
import { adminOrderPages, type AdminOrderPageDeps } from "./order-pages.tsx";
import { adminOrdersPages } from "./orders-pages.tsx";
import { adminOnly } from "./guard.ts";
import { adminProductPages, type ProductPageDeps } from "./product-pages.tsx";
import { adminCategoryPages } from "./category-pages.tsx";
import { adminStockPages, type StockPageDeps } from "./stock-pages.tsx";
import { mailPages } from "./mail-pages.tsx";
import type { Mailbox } from "../../../actors/notify/mailbox.ts";
import { adminCustomerPages } from "./customer-pages.tsx";
import { adminRatePages, type RatePageDeps } from "./rate-pages.tsx";
import type { CustomerActionDeps } from "../../http/customer-actions.ts";

export type AdminPageDeps = DeadLetterPageDeps & AdminOrderPageDeps & DashboardPageDeps & ProductPageDeps & StockPageDeps & CustomerActionDeps & RatePageDeps & { mailbox: Mailbox };

export function adminPages(deps: AdminPageDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  // "/admin/*" takes "/admin" too: one guard and one shell for every page
  app.use("/admin/*", adminOnly(), withAlerts(deps.alerts, deps.pubsub));
  app.onError(adminErrors);

  app.route("/", dashboardPages(deps));
  app.route("/", auditPages(deps.audit));
  app.route("/", alertPages(deps));
  app.route("/", deadLetterPages(deps));
  app.route("/", adminOrdersPages(deps)); // before /admin/orders/:id, which would take "stream"
  app.route("/", adminOrderPages(deps));
  app.route("/", adminProductPages(deps));
  app.route("/", adminStockPages(deps));
  app.route("/", adminCategoryPages(deps));
  app.route("/", mailPages(deps));
  app.route("/", adminCustomerPages(deps));
  app.route("/", adminRatePages(deps));
  return app;
}

/** Bad input, nothing there, or a refused change as a page in the console's words; the rest as usual. */
async function adminErrors(err: Error, c: Context<AuthEnv>): Promise<Response> {
  const refused = refusal(err);
  if (refused?.status === 400) return sendErrorPage(c, 400, "That request did not make sense", `Please check it: ${refused.message}`);
  if (refused?.status === 404) return sendErrorPage(c, 404, "Not found", refused.message);
  if (refused?.status === 409) return sendErrorPage(c, 409, "That action was refused", refused.message);
  return onError(err, c);
}
