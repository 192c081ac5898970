/**
 * Why a saga step failed, as a code. Events carry it next to the provider's or the
 * domain's own text (`reason`, a detail for people reading the timeline), so what a
 * customer is told follows the code and never a provider's wording.
 */
import { z } from "zod";

/** The payment provider's refusals, and its caller's timeout per operation. */
export const PAYMENT_FAILURES = [
  "CARD_DECLINED", "INSUFFICIENT_FUNDS", "INVALID_CARD",
  "UNKNOWN_PAYMENT", "ALREADY_REFUNDED", "AMOUNT_EXCEEDS_PAYMENT", "REFUND_REJECTED",
  "AUTHORIZATION_TIMEOUT", "CAPTURE_TIMEOUT", "REFUND_TIMEOUT",
] as const;
/** The carrier's refusals, and its caller's timeout. */
export const SHIPPING_FAILURES = ["UNDELIVERABLE", "CARRIER_REJECTED", "SHIPPING_TIMEOUT"] as const;
/** Inventory's refusal. */
export const STOCK_FAILURES = ["OUT_OF_STOCK"] as const;
/** The order's own: a reservation that was not paid in time. */
export const ORDER_FAILURES = ["RESERVATION_EXPIRED"] as const;

/** Every code there is. */
export const FAILURE_CODES = [...PAYMENT_FAILURES, ...SHIPPING_FAILURES, ...STOCK_FAILURES, ...ORDER_FAILURES] as const;

export const PaymentFailureCode = z.enum(PAYMENT_FAILURES);
export const ShippingFailureCode = z.enum(SHIPPING_FAILURES);
export const StockFailureCode = z.enum(STOCK_FAILURES);
export const FailureCode = z.enum(FAILURE_CODES);

export type PaymentFailureCode = z.infer<typeof PaymentFailureCode>;
export type ShippingFailureCode = z.infer<typeof ShippingFailureCode>;
export type StockFailureCode = z.infer<typeof StockFailureCode>;
export type FailureCode = z.infer<typeof FailureCode>;

/** A failure as a step records it: the code decides, the reason tells. */
export type Failure<C extends FailureCode = FailureCode> = { code: C; reason: string };
