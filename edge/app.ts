/** The HTTP edge: parse, authorize, call, render. */
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { System } from "../actors/system.ts";
import { adminApi } from "./api/admin.ts";
import { ordersApi } from "./api/orders.ts";
import { productsApi } from "./api/products.ts";
import { assets } from "./assets.ts";
import { authenticate, type AuthEnv } from "./auth.ts";
import { commandGate } from "./command-gate.ts";
import { sameOrigin } from "./csrf.ts";
import { onError } from "./http-errors.ts";
import { httpMetrics, opsRoutes } from "./ops.ts";
import { withCorrelation } from "../actors/runtime/log.ts";
import { orderPages } from "./pages/order-page.tsx";
import { currencyRoutes } from "./pages/currency.ts";
import { pageShell } from "./shell.ts";

export function createApp(sys: System, secret: string) {
  const app = new Hono<AuthEnv>();
  app.use(httpMetrics(sys.meters));
  // Every log line of a request carries its correlation id (the caller's, or a new one).
  app.use((c, next) => withCorrelation(c.req.header("x-correlation-id") ?? crypto.randomUUID(), next));
  app.use(secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"], frameAncestors: ["'none'"], formAction: ["'self'"],
    },
  }));
  app.use(sameOrigin());
  app.use(authenticate(secret));
  app.use(pageShell({ cartCount: async () => 0 }));
  app.onError(onError);
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));

  app.route("/", opsRoutes({ metrics: sys.metrics, probes: sys.probes }));
  app.use("/api/*", commandGate(sys.health));
  app.route("/api/products", productsApi(sys.catalog));
  app.route("/api/orders", ordersApi(sys.orders));
  app.route("/api/admin", adminApi(sys.orders, sys.catalog, sys.deadLetters));
  app.route("/", assets);
  app.route("/", currencyRoutes);
  app.route("/", orderPages({ loadOrder: (id) => sys.orders.find(id), pubsub: sys.pubsub }));
  return app;
}
