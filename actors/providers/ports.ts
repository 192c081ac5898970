/** Provider ports. Every call carries an idempotency key: the same key always gets the same answer. */
import type { Address, Line } from "../contracts/index.ts";
import type { PaymentResult } from "../payment.ts";
import type { ShippingResult } from "../shipping.ts";

export type AuthorizeInput = { amount: number; currency: string; token: string; attempt: number };
export type PaymentRef = { paymentId: string; amount: number };
export type ShipInput = { address: Address; items: Line[]; attempt: number };

export interface PaymentProvider {
  authorize(idempotencyKey: string, input: AuthorizeInput): Promise<PaymentResult>;
  capture(idempotencyKey: string, input: PaymentRef): Promise<PaymentResult>;
  refund(idempotencyKey: string, input: PaymentRef): Promise<PaymentResult>;
}

export interface ShippingProvider {
  ship(idempotencyKey: string, input: ShipInput): Promise<ShippingResult>;
}
