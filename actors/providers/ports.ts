/** Provider ports. Every call carries an idempotency key: the same key always gets the same answer. */
import type { Address, Failure, Line, PaymentFailureCode, ShippedParcel, ShippingFailureCode } from "../contracts/index.ts";

export type AuthorizeInput = { amount: number; currency: string; token: string; attempt: number };
export type PaymentRef = { paymentId: string; amount: number };
/** One parcel; `warehouse`: where it leaves from (absent for orders reserved before warehouses). */
export type ShipInput = { address: Address; items: Line[]; attempt: number; warehouse?: string };

/** A refusal: its code decides what happens and what a customer reads; the reason is the provider's own words. */
export type Refusal<C extends PaymentFailureCode | ShippingFailureCode> = { ok: false } & Failure<C>;
/** What the payment provider answers. */
export type PaymentResult = { ok: true; paymentId: string } | Refusal<PaymentFailureCode>;
/**
 * What the carrier answers. `parcels`: every parcel of a shipment from several warehouses
 * (the caller books each and puts their answers together; the first is `trackingNumber`).
 */
export type ShippingResult = { ok: true; trackingNumber: string; carrier: string; parcels?: ShippedParcel[] } | Refusal<ShippingFailureCode>;

/** The payment operations; a key is scoped to one of them. */
export type PaymentOp = "authorize" | "capture" | "refund";

export interface PaymentProvider {
  authorize(idempotencyKey: string, input: AuthorizeInput): Promise<PaymentResult>;
  capture(idempotencyKey: string, input: PaymentRef): Promise<PaymentResult>;
  refund(idempotencyKey: string, input: PaymentRef): Promise<PaymentResult>;
  /**
   * What the provider answered `op` under `idempotencyKey`, or null when it did nothing under
   * it (never asked, or asked and never decided): a processor's "retrieve by idempotency key".
   * It asks, never acts, so it is safe when the call's own answer was lost.
   */
  lookup(op: PaymentOp, idempotencyKey: string): Promise<PaymentResult | null>;
}

export interface ShippingProvider {
  ship(idempotencyKey: string, input: ShipInput): Promise<ShippingResult>;
  /** What the carrier answered a booking under `idempotencyKey`, or null when it booked nothing under it. */
  lookup(op: "ship", idempotencyKey: string): Promise<ShippingResult | null>;
}

/**
 * What every call may carry besides its key: `earlier`, the keys of the step's earlier
 * attempts (an admin retry), which the caller looks up first - work one of them did is
 * adopted instead of being done again under the new key.
 */
type Reconciling = { idempotencyKey: string; earlier?: string[] };
/** A call the payment actor plans; the runtime hands it to the caller, which routes it by `op`. */
export type PaymentCall = Reconciling & (
  | { provider: "payment"; op: "authorize"; input: AuthorizeInput }
  | { provider: "payment"; op: "capture"; input: PaymentRef }
  | { provider: "payment"; op: "refund"; input: PaymentRef });
/** A call the shipping actor plans. */
export type ShippingCall = Reconciling & { provider: "shipping"; op: "ship"; input: ShipInput };
/**
 * An order shipped from several warehouses: one booking per parcel, each under its own key,
 * in order; the first refusal is the answer (the parcels booked before it are kept by the
 * carrier under their keys, and a retry adopts them by lookup).
 */
export type ParcelsCall = { provider: "shipping"; op: "shipParcels"; idempotencyKey: string; parcels: ShippingCall[] };
/** A parcel's key: its attempt's key and its warehouse, `ship:<orderId>:<attempt>:<warehouse>`. */
export const parcelKey = (key: string, warehouse: string) => `${key}:${warehouse}`;
/**
 * The key of one attempt of a step, `<op>:<orderId>:<attempt>`, and the keys of the attempts
 * before it: an admin retry's call carries those as `earlier`.
 */
export const attemptKey = (op: string, orderId: string, attempt: number) => `${op}:${orderId}:${attempt}`;
export const earlierKeys = (op: string, orderId: string, attempt: number) =>
  Array.from({ length: Math.max(0, attempt - 1) }, (_, i) => attemptKey(op, orderId, i + 1));
/** Every provider call there is. */
export type ProviderCall = PaymentCall | ShippingCall | ParcelsCall;

/**
 * A provider that could not be reached or answered it cannot serve now (connection refused,
 * a 5xx, a 429): transient, so the caller tries again with the same key.
 */
export class ProviderUnavailable extends Error {
  override name = "ProviderUnavailable";
}
