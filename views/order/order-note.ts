/**
 * What the customer should know about where their order stands, in their words: why it
 * stopped and whether money moved. The timeline records the providers' and the stock's own
 * reasons ("insufficient funds", "insufficient stock for LAP-005"); a customer should read
 * what happened to them and to their money, not a system message.
 */
import type { OrderStatus } from "../../actors/contracts/index.ts";
import type { OrderView } from "../../actors/projector.ts";
import { formatMoney } from "../format.ts";

/** Known reasons, most specific first. */
const REASONS: [RegExp, string][] = [
  [/insufficient funds/i, "Your card was declined for insufficient funds. No money was taken."],
  [/card declined|invalid card/i, "Your card was declined. No money was taken."],
  [/payment provider did not answer/i, "The payment service did not answer in time. No money was taken."],
  [/insufficient stock/i, "Some items sold out before we could reserve them. No money was taken."],
  [/undeliverable/i, "The carrier cannot deliver to this address. We will be in touch."],
  [/carrier rejected/i, "The carrier could not take the parcel. We are trying again."],
  [/refund rejected/i, "Your card issuer has not accepted the refund yet. We are looking into it."],
  [/reservation expired/i, "The order was closed because payment was not completed in time. No money was taken."],
];

/** When a status tells of a problem but its reason is not one we know. */
const FALLBACK: Partial<Record<OrderStatus, string>> = {
  INVENTORY_FAILED: "Some items are out of stock. No money was taken.",
  PAYMENT_FAILED: "Your payment did not go through. No money was taken.",
  SHIPPING_FAILED: "There is a problem with the delivery. We are looking into it.",
  REFUND_FAILED: "Your refund is delayed. We are looking into it.",
};

/** The customer words for what stopped this order, or null while nothing has gone wrong. */
export function failureText(view: OrderView): string | null {
  if (!(view.status in FALLBACK) && view.status !== "INVENTORY_RELEASED") return null;
  const reason = view.timeline.findLast((e) => e.status === view.status)?.reason ?? "";
  return REASONS.find(([pattern]) => pattern.test(reason))?.[1] ?? FALLBACK[view.status] ?? null;
}

/**
 * Where the money of a cancelled or refunded order is: on its way back, back, or never
 * taken. The timeline tells which: a refund passes through REFUND_PENDING.
 */
export function refundText(view: OrderView): string | null {
  const total = formatMoney(view.total, view.currency);
  const refunded = view.timeline.some((e) => e.status === "REFUND_PENDING");
  switch (view.status) {
    case "REFUND_PENDING":
      return `We are refunding ${total} to your card. It can take a few days to show on your statement.`;
    case "REFUNDED":
      return `We refunded ${total} to your card.`;
    case "CANCELLED":
      return refunded ? `Your order is cancelled and ${total} was refunded to your card.` : "Your order is cancelled. No money was taken.";
    default:
      return null;
  }
}

/** The note under the status badge: a problem, or where a refund stands; null when there is nothing to add. */
export const statusNote = (view: OrderView): string | null => failureText(view) ?? refundText(view);
