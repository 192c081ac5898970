/**
 * Every route of the shop as a template of a request it would accept, with the parts the
 * fuzzer may spoil: path parameters, query parameters, body fields, and who asks. Ids name
 * nothing that exists (no order, no dead letter), so a request the shop wrongly took as
 * good still cannot change what is there; the state check would show it if it did.
 */
export type Who = "guest" | "customer" | "admin";
export type BodyKind = "json" | "form";

export type Template = {
  method: string;
  /** the route's pattern, with `:name` for each path parameter */
  route: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: { kind: BodyKind; fields: Record<string, unknown> };
  who: Who;
  /** a server-sent event stream: the answer's head is all the fuzzer waits for */
  stream?: boolean;
  /**
   * The same request from someone else (a spoiled cookie or token makes a guest of the
   * customer) would be a good request that changes something (a guest cart, a session):
   * the fuzzer leaves who asks alone.
   */
  guestWrites?: boolean;
};

const ADDRESS = { name: "Ada Lovelace", line1: "12 Analytical St", city: "London", postalCode: "N1 9GU", country: "GB" };
const NO_ORDER = "00000000-0000-4000-8000-00000000f022";
const ORDER_FILTER = {
  status: "SHIPPED,PAYMENT_FAILED", from: "2026-01-01", to: "2026-12-31", customer: "ada", min: "10", max: "99.50",
  currency: "EUR", id: "0a1b", sort: "total", dir: "asc", limit: "10",
};
const LISTING = { q: "laptop", category: "Laptops", brand: "Altair", price: "under-25", stock: "in", sort: "price-asc", page: "1" };

/** The routes of edge/app.ts and its routers, one template each. */
export const TEMPLATES: Template[] = [
  // ops and static files
  { method: "GET", route: "/healthz", who: "guest" },
  { method: "GET", route: "/readyz", who: "guest" },
  { method: "GET", route: "/metrics", who: "admin" },
  { method: "GET", route: "/assets/:name", params: { name: "app.css" }, who: "guest" },
  { method: "GET", route: "/images/:file", params: { file: "LAP-001-1.svg" }, who: "guest" },
  // JSON API: auth
  { method: "POST", route: "/api/auth/register", body: { kind: "json", fields: { email: "fuzz-new@example.com", password: "analytical1", name: "Fuzz New" } }, who: "guest", guestWrites: true },
  { method: "POST", route: "/api/auth/login", body: { kind: "json", fields: { email: "no-account@example.com", password: "wrong-pass-1" } }, who: "guest" },
  { method: "POST", route: "/api/auth/refresh", body: { kind: "json", fields: { refreshToken: "not-a-token" } }, who: "guest" },
  { method: "POST", route: "/api/auth/logout", body: { kind: "json", fields: { refreshToken: "not-a-token" } }, who: "customer" },
  { method: "GET", route: "/api/auth/me", who: "customer" },
  { method: "POST", route: "/api/auth/verify-email", body: { kind: "json", fields: { token: "not-a-link-token-000000000000000000000000000" } }, who: "guest" },
  { method: "POST", route: "/api/auth/verify-email/resend", who: "customer" },
  { method: "POST", route: "/api/auth/forgot-password", body: { kind: "json", fields: { email: "fuzz@example.com" } }, who: "guest", guestWrites: true },
  { method: "POST", route: "/api/auth/reset-password", body: { kind: "json", fields: { token: "not-a-link-token-000000000000000000000000000", password: "analytical2" } }, who: "guest" },
  { method: "POST", route: "/api/auth/change-password", body: { kind: "json", fields: { currentPassword: "wrong-pass-1", newPassword: "analytical2" } }, who: "customer" },
  { method: "POST", route: "/api/auth/change-email", body: { kind: "json", fields: { password: "wrong-pass-1", email: "fuzz-moved@example.com" } }, who: "customer" },
  // JSON API: the account's messages (the fuzz customer's preferences as they are: a good request changes nothing)
  { method: "GET", route: "/api/account/notification-preferences", who: "customer" },
  { method: "PUT", route: "/api/account/notification-preferences", body: { kind: "json", fields: { muted: [], phone: null } }, who: "customer" },
  { method: "GET", route: "/api/account/notifications", query: { before: "999999", limit: "20" }, who: "customer" },
  // JSON API: catalog
  { method: "GET", route: "/api/products", query: { category: "Laptops", currency: "EUR", limit: "10", offset: "0" }, who: "guest" },
  { method: "GET", route: "/api/products/search", query: { ...LISTING, currency: "JPY" }, who: "guest" },
  { method: "GET", route: "/api/products/:sku", params: { sku: "LAP-001" }, query: { currency: "GBP" }, who: "guest" },
  // JSON API: cart
  { method: "GET", route: "/api/cart", query: { currency: "EUR" }, who: "customer" },
  { method: "POST", route: "/api/cart/items", body: { kind: "json", fields: { sku: "LAP-001", qty: 1 } }, who: "customer", guestWrites: true },
  { method: "PATCH", route: "/api/cart/items/:sku", params: { sku: "LAP-001" }, body: { kind: "json", fields: { qty: 2 } }, who: "customer" },
  { method: "DELETE", route: "/api/cart/items/:sku", params: { sku: "LAP-001" }, who: "customer" },
  // JSON API: orders
  { method: "POST", route: "/api/orders", body: { kind: "json", fields: { items: [{ sku: "LAP-001", qty: 1 }], shippingAddress: ADDRESS, paymentToken: "tok_visa", currency: "EUR" } }, who: "customer" },
  { method: "GET", route: "/api/orders", query: { status: "SHIPPED", from: "2026-01-01", to: "2026-12-31", limit: "10" }, who: "customer" },
  { method: "GET", route: "/api/orders", query: ORDER_FILTER, who: "admin" },
  { method: "GET", route: "/api/orders/:id", params: { id: NO_ORDER }, who: "customer" },
  { method: "POST", route: "/api/orders/:id/cancel", params: { id: NO_ORDER }, who: "customer" },
  { method: "POST", route: "/api/orders/:id/pay", params: { id: NO_ORDER }, body: { kind: "json", fields: { card: "4242 4242 4242 4242" } }, who: "customer" },
  // JSON API: admin
  { method: "POST", route: "/api/admin/orders/:id/retry", params: { id: NO_ORDER }, who: "admin" },
  { method: "POST", route: "/api/admin/orders/:id/compensate", params: { id: NO_ORDER }, body: { kind: "json", fields: { action: "refundPayment" } }, who: "admin" },
  { method: "PATCH", route: "/api/admin/orders/:id/status", params: { id: NO_ORDER }, body: { kind: "json", fields: { status: "DELIVERED" } }, who: "admin" },
  { method: "POST", route: "/api/admin/products/:sku/stock", params: { sku: "NOPE-404" }, body: { kind: "json", fields: { delta: 5, reason: "count" } }, who: "admin" },
  { method: "GET", route: "/api/admin/dead-letters", query: { limit: "10" }, who: "admin" },
  { method: "POST", route: "/api/admin/dead-letters/:id/replay", params: { id: "999999" }, who: "admin" },
  // pages: admin console
  { method: "GET", route: "/admin/orders", query: ORDER_FILTER, who: "admin" },
  { method: "GET", route: "/admin/orders.csv", query: ORDER_FILTER, who: "admin" },
  { method: "GET", route: "/admin/orders/stream", query: { ...ORDER_FILTER, since: "1764892800000" }, who: "admin", stream: true },
  // pages: the admin dashboard
  { method: "GET", route: "/admin", who: "admin" },
  { method: "GET", route: "/admin/stream", who: "admin", stream: true },
  { method: "GET", route: "/api/admin/alerts", query: { kind: "stalled", limit: "10", before: "999999" }, who: "admin" },
  { method: "GET", route: "/api/admin/warehouses", query: { sku: "AUD-001" }, who: "admin" },
  { method: "POST", route: "/api/admin/alerts/:id/acknowledge", params: { id: "999999" }, body: { kind: "json", fields: { reason: "seen" } }, who: "admin" },
  // pages: catalog
  { method: "GET", route: "/", who: "guest" },
  { method: "GET", route: "/c/:category", params: { category: "laptops" }, query: { brand: "Altair", sort: "price-asc", page: "1" }, who: "guest" },
  { method: "GET", route: "/p/:sku", params: { sku: "LAP-001" }, who: "guest" },
  { method: "GET", route: "/p/:sku/stream", params: { sku: "LAP-001" }, query: { buy: "yes" }, who: "guest", stream: true },
  { method: "GET", route: "/search", query: LISTING, who: "guest" },
  { method: "GET", route: "/search/suggest", query: { q: "lap" }, who: "guest" },
  { method: "POST", route: "/currency", body: { kind: "form", fields: { code: "EUR", back: "/" } }, who: "guest" },
  // pages: accounts
  { method: "GET", route: "/register", query: { next: "/cart" }, who: "guest" },
  { method: "POST", route: "/register", body: { kind: "form", fields: { firstName: "Fuzz", lastName: "Page", phone: "+1 555 010 0000", email: "fuzz-page@example.com", password: "analytical1", next: "/" } }, who: "guest", guestWrites: true },
  { method: "GET", route: "/login", query: { next: "/orders" }, who: "guest" },
  { method: "POST", route: "/login", body: { kind: "form", fields: { email: "no-account@example.com", password: "wrong-pass-1", next: "/" } }, who: "guest" },
  { method: "GET", route: "/verify-email", query: { token: "not-a-link-token-000000000000000000000000000" }, who: "guest" },
  { method: "POST", route: "/verify-email/resend", body: { kind: "form", fields: { back: "/account" } }, who: "customer" },
  { method: "GET", route: "/forgot-password", who: "guest" },
  { method: "POST", route: "/forgot-password", body: { kind: "form", fields: { email: "fuzz@example.com" } }, who: "guest", guestWrites: true },
  { method: "GET", route: "/reset-password", query: { token: "not-a-link-token-000000000000000000000000000" }, who: "guest" },
  { method: "POST", route: "/reset-password", body: { kind: "form", fields: { token: "not-a-link-token-000000000000000000000000000", password: "analytical2" } }, who: "guest" },
  { method: "GET", route: "/account", who: "customer" },
  { method: "POST", route: "/account/password", body: { kind: "form", fields: { currentPassword: "wrong-pass-1", newPassword: "analytical2" } }, who: "customer" },
  { method: "POST", route: "/account/email", body: { kind: "form", fields: { email: "fuzz-moved@example.com", password: "wrong-pass-1" } }, who: "customer" },
  // the preferences as they are: a good request changes nothing
  { method: "POST", route: "/account/notifications", body: { kind: "form", fields: { email: "on", sms: "on", phone: "" } }, who: "customer" },
  { method: "GET", route: "/account/messages", query: { before: "999999" }, who: "customer" },
  { method: "POST", route: "/logout", who: "customer" },
  // pages: cart, checkout, orders
  { method: "GET", route: "/cart", who: "customer" },
  { method: "POST", route: "/cart/items", body: { kind: "form", fields: { sku: "LAP-001", qty: "1" } }, who: "customer", guestWrites: true },
  { method: "POST", route: "/cart/items/:sku", params: { sku: "LAP-001" }, body: { kind: "form", fields: { qty: "2" } }, who: "customer" },
  { method: "POST", route: "/cart/items/:sku/remove", params: { sku: "LAP-001" }, who: "customer" },
  { method: "GET", route: "/checkout", who: "customer" },
  { method: "POST", route: "/checkout", body: { kind: "form", fields: { ...ADDRESS, card: "4242 4242 4242 4242", idempotencyKey: "fuzz-checkout-key-1" } }, who: "customer" },
  { method: "GET", route: "/orders", who: "customer" },
  { method: "GET", route: "/orders/:id", params: { id: NO_ORDER }, who: "customer" },
  { method: "GET", route: "/orders/:id/stream", params: { id: NO_ORDER }, who: "customer", stream: true },
  { method: "POST", route: "/orders/:id/cancel", params: { id: NO_ORDER }, who: "customer" },
  { method: "POST", route: "/orders/:id/pay", params: { id: NO_ORDER }, body: { kind: "form", fields: { card: "4242 4242 4242 4242" } }, who: "customer" },
  // pages: admin alerts
  { method: "GET", route: "/admin/alerts", query: { kind: "lowStock", before: "999999" }, who: "admin" },
  { method: "GET", route: "/admin/alerts/stream", query: { kind: "deadLetter" }, who: "admin", stream: true },
  { method: "GET", route: "/admin/alerts/live", who: "admin", stream: true },
  { method: "POST", route: "/admin/alerts/:id/acknowledge", params: { id: "999999" }, body: { kind: "form", fields: { reason: "seen", kind: "failed" } }, who: "admin" },
  // pages: admin mail (no such message, so a good request changes nothing either)
  { method: "GET", route: "/admin/mail", query: { status: "failed", channel: "email", before: "999999" }, who: "admin" },
  { method: "GET", route: "/admin/mail/stream", query: { status: "failed", channel: "email", before: "999999" }, who: "admin", stream: true },
  { method: "GET", route: "/admin/mail/:id", params: { id: "999999" }, query: { resent: "1" }, who: "admin" },
  { method: "GET", route: "/admin/mail/:id/preview", params: { id: "999999" }, who: "admin" },
  { method: "POST", route: "/admin/mail/:id/resend", params: { id: "999999" }, body: { kind: "form", fields: {} }, who: "admin" },
  // catalog administration: no such product or category, so a good request changes nothing either
  ...catalogTemplates(),
  ...rateTemplates(),
  // api: admin customers
  { method: "GET", route: "/api/admin/customers", query: { q: "ada", after: "a@example.com", limit: "10" }, who: "admin" },
  { method: "GET", route: "/api/admin/customers/:id", params: { id: "00000000-0000-4000-8000-000000000000" }, who: "admin" },
  { method: "POST", route: "/api/admin/customers/:id/disable", params: { id: "00000000-0000-4000-8000-000000000000" }, body: { kind: "json", fields: { reason: "fraud" } }, who: "admin" },
  { method: "POST", route: "/api/admin/customers/:id/enable", params: { id: "00000000-0000-4000-8000-000000000000" }, body: { kind: "json", fields: { reason: "cleared" } }, who: "admin" },
  { method: "POST", route: "/api/admin/customers/:id/role", params: { id: "00000000-0000-4000-8000-000000000000" }, body: { kind: "json", fields: { role: "admin", reason: "staff" } }, who: "admin" },
  // admin console: customers (no such account, so a good request changes nothing)
  { method: "GET", route: "/admin/customers", query: { q: "ada", after: "a@example.com" }, who: "admin" },
  { method: "GET", route: "/account/sign-ins", who: "customer" },
  { method: "GET", route: "/admin/customers/:id", params: { id: "00000000-0000-4000-8000-000000000000" }, who: "admin" },
  { method: "POST", route: "/admin/customers/:id/:tool", params: { id: "00000000-0000-4000-8000-000000000000", tool: "disable" }, body: { kind: "form", fields: { reason: "fraud", confirm: "yes" } }, who: "admin" },
];

/** The catalog's admin routes (API and console), the live listings and the uploaded pictures. */
function catalogTemplates(): Template[] {
  const product = { sku: "FUZZ-NEW", name: "Fuzz Speaker", description: "Made by the fuzzer.", brand: "Fuzz", category: "no-such-category", price: 1999, lowStockThreshold: 5 };
  const productForm = { ...product, price: "19.99", lowStockThreshold: "5" };
  const none = { sku: "NOPE-404" };
  const noCategory = { slug: "no-such-category" };
  const category = { name: "Fuzz Things", slug: "fuzz-things", parent: "no-such-parent", position: 5 };
  return [
    { method: "GET", route: "/api/admin/products", query: { q: "alt", category: "laptops", brand: "Altair", state: "all", low: "1", limit: "10", offset: "0" }, who: "admin" },
    { method: "GET", route: "/api/admin/products/:sku", params: none, who: "admin" },
    { method: "POST", route: "/api/admin/products", body: { kind: "json", fields: product }, who: "admin" },
    { method: "PATCH", route: "/api/admin/products/:sku", params: none, body: { kind: "json", fields: { name: "Renamed", price: 2999 } }, who: "admin" },
    { method: "POST", route: "/api/admin/products/:sku/archive", params: none, body: { kind: "json", fields: { reason: "gone" } }, who: "admin" },
    { method: "POST", route: "/api/admin/products/:sku/restore", params: none, body: { kind: "json", fields: { reason: "back" } }, who: "admin" },
    { method: "POST", route: "/api/admin/products/:sku/images", params: none, body: { kind: "form", fields: { image: "not a picture" } }, who: "admin" },
    { method: "GET", route: "/api/admin/categories", who: "admin" },
    { method: "POST", route: "/api/admin/categories", body: { kind: "json", fields: category }, who: "admin" },
    { method: "PATCH", route: "/api/admin/categories/:slug", params: noCategory, body: { kind: "json", fields: { name: "Renamed", position: 3 } }, who: "admin" },
    { method: "POST", route: "/api/admin/categories/:slug/move", params: noCategory, body: { kind: "json", fields: { direction: "up" } }, who: "admin" },
    { method: "DELETE", route: "/api/admin/categories/:slug", params: noCategory, who: "admin" },
    { method: "GET", route: "/admin/products", query: { q: "alt", category: "laptops", brand: "Altair", state: "archived", low: "1", limit: "20" }, who: "admin" },
    { method: "GET", route: "/admin/products/stream", query: { state: "all" }, who: "admin", stream: true },
    { method: "GET", route: "/admin/products/new", who: "admin" },
    { method: "POST", route: "/admin/products", body: { kind: "form", fields: productForm }, who: "admin" },
    { method: "GET", route: "/admin/products/:sku", params: none, who: "admin" },
    { method: "POST", route: "/admin/products/:sku", params: none, body: { kind: "form", fields: productForm }, who: "admin" },
    { method: "POST", route: "/admin/products/:sku/images", params: none, body: { kind: "form", fields: { image: "not a picture" } }, who: "admin" },
    { method: "POST", route: "/admin/products/:sku/archive", params: none, body: { kind: "form", fields: { reason: "gone" } }, who: "admin" },
    { method: "POST", route: "/admin/products/:sku/restore", params: none, body: { kind: "form", fields: { reason: "back" } }, who: "admin" },
    { method: "GET", route: "/admin/stock", query: { q: "aud", low: "1", offset: "0", done: "restocked", products: "2", units: "10" }, who: "admin" },
    { method: "GET", route: "/admin/stock/stream", query: { q: "aud", low: "1" }, who: "admin", stream: true },
    { method: "POST", route: "/admin/stock/restock", body: { kind: "form", fields: { file: "NOPE-404,5", note: "fuzz" } }, who: "admin" },
    { method: "GET", route: "/admin/stock/:sku", params: none, query: { reason: "restock", from: "2026-01-01", to: "2026-12-31", before: "99", done: "adjusted" }, who: "admin" },
    { method: "GET", route: "/admin/stock/:sku/stream", params: none, query: { reason: "saga", from: "2026-01-01" }, who: "admin", stream: true },
    { method: "POST", route: "/admin/stock/:sku/adjust", params: none, body: { kind: "form", fields: { change: "+5", reason: "restock", note: "fuzz" } }, who: "admin" },
    { method: "GET", route: "/admin/categories", who: "admin" },
    { method: "POST", route: "/admin/categories", body: { kind: "form", fields: { ...category, position: "5" } }, who: "admin" },
    { method: "GET", route: "/admin/categories/:slug", params: noCategory, who: "admin" },
    { method: "POST", route: "/admin/categories/:slug", params: noCategory, body: { kind: "form", fields: { name: "Renamed", parent: "", position: "3" } }, who: "admin" },
    { method: "POST", route: "/admin/categories/:slug/move", params: noCategory, body: { kind: "form", fields: { direction: "down" } }, who: "admin" },
    { method: "POST", route: "/admin/categories/:slug/delete", params: noCategory, who: "admin" },
    { method: "GET", route: "/c/:category/live", params: { category: "laptops" }, query: { sort: "price-asc", page: "1" }, who: "guest", stream: true },
    { method: "GET", route: "/search/live", query: LISTING, who: "guest", stream: true },
    { method: "GET", route: "/images/u/:file", params: { file: "999999-0123456789abcdef0123.webp" }, who: "guest" },
  ];
}

/** Exchange rates: USD is the base currency, so a request wrongly taken as good still changes nothing. */
function rateTemplates(): Template[] {
  return [
    { method: "GET", route: "/api/admin/rates", who: "admin" },
    { method: "GET", route: "/api/admin/rates/:code", params: { code: "EUR" }, who: "admin" },
    { method: "PUT", route: "/api/admin/rates/:code", params: { code: "USD" }, body: { kind: "json", fields: { rate: "1.5", reason: "fuzz" } }, who: "admin" },
    { method: "GET", route: "/admin/rates", query: { done: "set", code: "EUR" }, who: "admin" },
    { method: "POST", route: "/admin/rates/:code", params: { code: "USD" }, body: { kind: "form", fields: { rate: "1.5", reason: "fuzz" } }, who: "admin" },
  ];
}
