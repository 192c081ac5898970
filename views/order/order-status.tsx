/** The status badge: customer-friendly words for each order status. */
import type { OrderStatus } from "../../actors/contracts/index.ts";

/** How a status reads to a customer: colour family plus words, so colour is never the only cue. */
export type Tone = "progress" | "success" | "problem" | "neutral";

/** Customer-facing wording per status; a Record keeps the list total when a status is added. */
export const STATUS_TEXT: Record<OrderStatus, { label: string; tone: Tone }> = {
  CREATED: { label: "Order received", tone: "progress" },
  INVENTORY_RESERVED: { label: "Items reserved", tone: "progress" },
  INVENTORY_FAILED: { label: "Out of stock", tone: "problem" },
  PAYMENT_AUTHORIZED: { label: "Payment approved", tone: "progress" },
  PAYMENT_FAILED: { label: "Payment declined", tone: "problem" },
  PROCESSING: { label: "Preparing your order", tone: "progress" },
  SHIPPED: { label: "On its way", tone: "progress" },
  SHIPPING_FAILED: { label: "Delivery problem", tone: "problem" },
  DELIVERED: { label: "Delivered", tone: "success" },
  CANCELLED: { label: "Cancelled", tone: "neutral" },
  REFUND_PENDING: { label: "Refund in progress", tone: "progress" },
  REFUND_FAILED: { label: "Refund delayed", tone: "problem" },
  REFUNDED: { label: "Refunded", tone: "success" },
  INVENTORY_RELEASED: { label: "Order closed", tone: "neutral" },
};

/** A pill with the customer-facing words for `status`. */
export function StatusBadge({ status }: { status: OrderStatus }) {
  const { label, tone } = STATUS_TEXT[status];
  return (
    <span class={`badge badge-${tone}`} data-status={status}>
      {label}
    </span>
  );
}
