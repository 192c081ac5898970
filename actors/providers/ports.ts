/** Provider ports. Every call carries an idempotency key: the same key always gets the same answer. */
import type { Address, Failure, Line, PaymentFailureCode, ShippingFailureCode } from "../contracts/index.ts";

export type AuthorizeInput = { amount: number; currency: string; token: string; attempt: number };
export type PaymentRef = { paymentId: string; amount: number };
export type ShipInput = { address: Address; items: Line[]; attempt: number };

/** A refusal: its code decides what happens and what a customer reads; the reason is the provider's own words. */
export type Refusal<C extends PaymentFailureCode | ShippingFailureCode> = { ok: false } & Failure<C>;
/** What the payment provider answers. */
export type PaymentResult = { ok: true; paymentId: string } | Refusal<PaymentFailureCode>;
/** What the carrier answers. */
export type ShippingResult = { ok: true; trackingNumber: string; carrier: string } | Refusal<ShippingFailureCode>;

export interface PaymentProvider {
  authorize(idempotencyKey: string, input: AuthorizeInput): Promise<PaymentResult>;
  capture(idempotencyKey: string, input: PaymentRef): Promise<PaymentResult>;
  refund(idempotencyKey: string, input: PaymentRef): Promise<PaymentResult>;
}

export interface ShippingProvider {
  ship(idempotencyKey: string, input: ShipInput): Promise<ShippingResult>;
}

/** A call the payment actor plans; the runtime hands it to the caller, which routes it by `op`. */
export type PaymentCall =
  | { provider: "payment"; op: "authorize"; idempotencyKey: string; input: AuthorizeInput }
  | { provider: "payment"; op: "capture"; idempotencyKey: string; input: PaymentRef }
  | { provider: "payment"; op: "refund"; idempotencyKey: string; input: PaymentRef };
/** A call the shipping actor plans. */
export type ShippingCall = { provider: "shipping"; op: "ship"; idempotencyKey: string; input: ShipInput };
/** Every provider call there is. */
export type ProviderCall = PaymentCall | ShippingCall;

/**
 * A provider that could not be reached or answered it cannot serve now (connection refused,
 * a 5xx, a 429): transient, so the caller tries again with the same key.
 */
export class ProviderUnavailable extends Error {
  override name = "ProviderUnavailable";
}
