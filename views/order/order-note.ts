/**
 * What the customer should know about where their order stands, in their words: why it
 * stopped and whether money moved. The timeline records what failed as a code next to the
 * provider's or the stock's own reason ("insufficient funds", "insufficient stock for
 * LAP-005"); a customer reads what the code means for them and their money, never that text.
 */
import type { FailureCode, OrderStatus } from "../../actors/contracts/index.ts";
import type { OrderView } from "../../actors/contracts/order-view.ts";
import { formatMoney } from "../format.ts";

const DECLINED = "Your card was declined. No money was taken.";
const REFUND_DELAYED = "Your refund is delayed. We are looking into it.";
const PAYMENT_PROBLEM = "There is a problem with your payment. We are looking into it.";
const DELIVERY_PROBLEM = "There is a problem with the delivery. We are looking into it.";

/** Every failure in customer words: a Record, so a new code must be worded here. */
const FAILURE_WORDS: Record<FailureCode, string> = {
  CARD_DECLINED: DECLINED,
  INVALID_CARD: DECLINED,
  INSUFFICIENT_FUNDS: "Your card was declined for insufficient funds. No money was taken.",
  AUTHORIZATION_TIMEOUT: "The payment service did not answer in time. No money was taken.",
  // capture problems stay with us (the order has shipped); a refund's end up on REFUND_FAILED
  ALREADY_REFUNDED: PAYMENT_PROBLEM,
  CAPTURE_TIMEOUT: PAYMENT_PROBLEM,
  UNKNOWN_PAYMENT: REFUND_DELAYED,
  AMOUNT_EXCEEDS_PAYMENT: REFUND_DELAYED,
  REFUND_REJECTED: "Your card issuer has not accepted the refund yet. We are looking into it.",
  REFUND_TIMEOUT: "Your refund is delayed: the payment service did not answer in time. We are looking into it.",
  UNDELIVERABLE: "The carrier cannot deliver to this address. We will be in touch.",
  CARRIER_REJECTED: "The carrier could not take the parcel. We are trying again.",
  SHIPPING_TIMEOUT: DELIVERY_PROBLEM,
  OUT_OF_STOCK: "Some items sold out before we could reserve them. No money was taken.",
  RESERVATION_EXPIRED: "The order was closed because payment was not completed in time. No money was taken.",
};

/** For an entry without a code (recorded before codes were): the words its status calls for. */
const FALLBACK: Partial<Record<OrderStatus, string>> = {
  INVENTORY_FAILED: "Some items are out of stock. No money was taken.",
  PAYMENT_FAILED: "Your payment did not go through. No money was taken.",
  SHIPPING_FAILED: DELIVERY_PROBLEM,
  REFUND_FAILED: REFUND_DELAYED,
};

/** The customer words for what stopped this order, or null while nothing has gone wrong. */
export function failureText(view: OrderView): string | null {
  const entry = view.timeline.findLast((e) => e.status === view.status);
  return entry?.code ? FAILURE_WORDS[entry.code] : FALLBACK[view.status] ?? null;
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
