/** The HTTP edge: parse, authorize, call, render. */
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { LoginLimiter } from "../actors/accounts/login-limiter.ts";
import { LinkLimiter } from "../actors/accounts/link-limiter.ts";
import type { System } from "../actors/system/system.ts";
import { authApi, type AuthApiDeps } from "./api/auth.ts";
import type { AccountNotificationDeps } from "./pages/account-notifications.tsx";
import { adminApi } from "./api/admin.ts";
import { adminCatalogApi } from "./api/admin-catalog.ts";
import { customersAdminApi } from "./api/customers-admin.ts";
import { cartApi } from "./api/cart.ts";
import { accountApi } from "./api/account.ts";
import { ordersApi } from "./api/orders.ts";
import { productsApi } from "./api/products.ts";
import { ratesAdminApi } from "./api/rates-admin.ts";
import { assets } from "./http/assets.ts";
import { authenticate, type AuthEnv } from "./auth/auth.ts";
import { cartCount, mergeCartOnSignIn } from "./http/cart-session.ts";
import { commandGate } from "./http/command-gate.ts";
import { sameOrigin } from "./auth/csrf.ts";
import { onError, wantsHtml } from "./http/http-errors.ts";
import { admission, orderAdmission } from "./http/admission.ts";
import { orderBacklog, workStatuses } from "./http/order-backlog.ts";
import { limitedBody, readableRequest } from "./http/readable.ts";
import { httpMetrics, metricsForAdmins, opsRoutes } from "./http/ops.ts";
import { withCorrelation } from "../actors/runtime/log.ts";
import { accountPages } from "./pages/account-pages.tsx";
import { accountLinkPages } from "./pages/account-links.tsx";
import { accountSettingsPages } from "./pages/account-settings.tsx";
import { accountNotificationPages } from "./pages/account-notifications.tsx";
import { cartPages } from "./pages/cart-pages.tsx";
import { checkoutPages } from "./pages/checkout-pages.tsx";
import { orderHistoryPages } from "./pages/order-history.tsx";
import { signInHistoryPages } from "./pages/sign-in-history.tsx";
import { orderPages } from "./pages/order-page.tsx";
import { catalogPages } from "./pages/catalog-pages.tsx";
import { uploadedImages } from "./pages/product-images.ts";
import { currencyRoutes } from "./pages/currency.ts";
import { AUTH_API, cookieRenewal } from "./auth/session.ts";
import { pageShell } from "./http/shell.ts";
import { recentReads } from "./http/shared-read.ts";
import { subjects } from "../actors/contracts/subjects.ts";
import { z } from "zod";
import { adminPages } from "./pages/admin/admin-pages.tsx";
import { sendErrorPage } from "./pages/error-pages.tsx";

export type AppOptions = {
  /** behind our own reverse proxy: believe its X-Forwarded-For and X-Forwarded-Proto */
  trustProxy?: boolean;
};

/** The shop's HTTP app: every route behind the shared middleware; tokens signed with `secret`. */
export function createApp(sys: System, secret: string, opts: AppOptions = {}) {
  const session: AuthApiDeps & AccountNotificationDeps = {
    accounts: sys.accounts, secret, trustProxy: opts.trustProxy ?? false, limiter: new LoginLimiter(sys.cache), customers: sys.customers,
    links: new LinkLimiter(sys.cache),
    preferences: sys.preferences, messageHistory: sys.messageHistory,
    onSignIn: mergeCartOnSignIn(sys.carts), // the guest's cart joins the customer's
  };
  const app = new Hono<AuthEnv>();
  app.use(httpMetrics(sys.meters));
  app.use(secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"], frameAncestors: ["'none'"], formAction: ["'self'"],
    },
    // a route that names its own (the admins' mail preview) keeps it
    overwrite: false,
  }));
  // Nothing reads a request before it is known to be readable: Host, URL, headers, body size.
  app.use(readableRequest());
  app.use(limitedBody());
  // Every log line of a request carries its correlation id (the caller's, or a new one).
  app.use((c, next) => withCorrelation(c.req.header("x-correlation-id") ?? crypto.randomUUID(), next));
  app.use(sameOrigin());
  // Before anything that may wait on the database (sessions, the shell, the command gate).
  app.use(admission(sys.config.commands, (why) => sys.meters.shed.inc({ why })));
  // New orders are shed early while the saga is behind, before anything reads the database.
  const shedding = sys.config.orderShedding;
  if (shedding.targetMs > 0) {
    const placing = orderAdmission(shedding, orderBacklog(sys.database.sql, { ...shedding, inWork: workStatuses(sys.config.handlingMs) }), (why) => sys.meters.shed.inc({ why }));
    app.use("/api/orders", placing);
    app.use("/checkout", placing);
  }
  app.use(authenticate(secret, { renew: cookieRenewal(session), sessions: (id, version) => sys.accounts.sessionIsCurrent(id, version) }));
  app.use(pageShell({ cartCount: cartCount(sys.carts), unverified: (id) => sys.accounts.emailUnverified(id) }));
  app.onError(onError);
  app.notFound((c) => wantsHtml(c.req.path, c.req.header("accept"))
    ? sendErrorPage(c, 404, "Page not found", "There is no page at this address. It may have moved, or the link may be mistyped.")
    : c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));

  app.use("/metrics", metricsForAdmins()); // scrapers use the ops port (METRICS_PORT)
  app.route("/", opsRoutes({ metrics: sys.metrics, probes: sys.probes }));
  app.use("/api/*", commandGate(sys.health));
  app.route(AUTH_API, authApi(session));
  app.route("/api/products", productsApi(sys.catalog, sys.search, sys.currencies));
  app.route("/api/orders", ordersApi(sys.orders));
  app.route("/api/cart", cartApi(sys));
  app.route("/api/account", accountApi(session));
  app.route("/api/admin/customers", customersAdminApi(sys));
  app.route("/api/admin/rates", ratesAdminApi(sys));
  app.route("/api/admin", adminApi(sys));
  app.route("/api/admin", adminCatalogApi(sys));
  app.route("/", assets);
  app.route("/", currencyRoutes);
  app.route("/", accountPages(session));
  app.route("/", accountLinkPages(session));
  app.route("/", accountSettingsPages(session));
  app.route("/", accountNotificationPages(session));
  app.route("/", uploadedImages(sys.catalogAdmin));
  app.route("/", catalogPages({ catalog: sys.catalog, search: sys.search, currencies: sys.currencies, pubsub: sys.pubsub }));
  app.route("/", cartPages(sys));
  app.route("/", checkoutPages(sys));
  app.route("/", orderHistoryPages(sys.orders));
  app.route("/", signInHistoryPages(sys.customers));
  app.route("/", adminPages(sys));
  const order = orderReads(sys);
  app.route("/", orderPages({
    loadOrder: async (id) => {
      const { view } = await order.get(id);
      if (!view) order.forget(id); // an order not there yet is read again as soon as asked
      return view;
    },
    loadDetails: async (id) => (await order.get(id)).details, pubsub: sys.pubsub,
  }));
  return app;
}

/** How long an order page may show what was read for another: the bound on a move this edge did not hear of. */
const ORDER_READ_MS = 5_000;

/**
 * An order's view and delivery facts, read once for every page load of it until the order
 * moves: each commit of its view is announced on `orders.all` (every edge hears it), and
 * its timers and address change only with its status.
 */
function orderReads(sys: System) {
  const reads = recentReads(async (id: string) => {
    const [view, details] = await Promise.all([sys.orders.find(id), sys.orders.deliveryFacts(id)]);
    return { view, details };
  }, { maxAgeMs: ORDER_READ_MS });
  sys.pubsub.subscribe(subjects.allOrders, (data) => {
    const moved = Moved.safeParse(data);
    if (moved.success) reads.forget(moved.data.orderId);
    else reads.clear();
  });
  return reads;
}
const Moved = z.object({ orderId: z.string() });
