/** Order views and a page shell for view and edge tests: plain data, as the edge would build it. */
import type { FailureCode, OrderStatus } from "../actors/contracts/index.ts";
import type { OrderView } from "../actors/projector.ts";
import type { Shell } from "./layout.tsx";

/** The header of a signed-in customer with two items in the cart, prices in dollars. */
export const customerShell: Shell = {
  user: { name: "Ada", role: "customer" }, cartCount: 2, currency: "USD", currencies: ["USD", "EUR"], here: "/",
};

/** A freshly placed order for `customerId`. */
export function placedOrder(orderId: string, customerId: string): OrderView {
  const at = "2026-03-12T14:03:00.000Z";
  return {
    orderId, customerId, status: "CREATED", currency: "USD", total: 4497, createdAt: at, updatedAt: at,
    items: [
      { sku: "MUG-1", name: "Mug", qty: 2, unitPrice: 1499 },
      { sku: "TEA-7", name: "Green tea", qty: 1, unitPrice: 1499 },
    ],
    timeline: [{ status: "CREATED", at, reason: "order placed", details: {} }],
  };
}

/** `view` after one more status change, as the projector appends it; `code` when it records a failure. */
export function advanced(view: OrderView, status: OrderStatus, reason: string, code?: FailureCode): OrderView {
  const at = new Date(Date.parse(view.updatedAt) + 60_000).toISOString();
  const entry = { status, at, reason, ...(code ? { code } : {}), details: {} };
  return { ...view, status, updatedAt: at, timeline: [...view.timeline, entry] };
}
