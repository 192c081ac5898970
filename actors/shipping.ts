/** The shipping actor hands an order to the carrier through the shipping provider port. */
import type { Address, Envelope, Line } from "./contracts/index.ts";
import { attemptKey, earlierKeys, type ShippingCall, type ShippingResult } from "./providers/ports.ts";
import { ignore, ok, type Actor } from "./runtime/actor.ts";

export type ShippingState = { trackingNumber: string; carrier: string };

type Request = { attempt: number; shippingAddress: Address; items: Line[] };

function requestOf(e: Envelope): Request | null {
  if (e.type === "order.ShipmentRequested.v1") return e.payload;
  if (e.type === "ops.RetryRequested.v1" && e.payload.step === "shipping") return e.payload;
  return null;
}

export const shippingActor: Actor<ShippingState, Envelope, undefined, ShippingResult, never, ShippingCall> = {
  kind: "shipping",
  reads: ["order.ShipmentRequested.v1", "ops.RetryRequested.v1"],
  plan(s, e) {
    const r = requestOf(e);
    if (!r || s) return null;
    // A retry asks first what the earlier attempts did: a parcel one of them booked is adopted.
    return {
      provider: "shipping",
      op: "ship",
      idempotencyKey: attemptKey("ship", e.key, r.attempt),
      earlier: earlierKeys("ship", e.key, r.attempt),
      input: { address: r.shippingAddress, items: r.items, attempt: r.attempt },
    };
  },
  decide(s, e, { result }) {
    const r = requestOf(e);
    if (!r) return ignore(`${e.type} is not for shipping`);
    const orderId = e.key;
    if (s) {
      return ok(s, [{ type: "shipping.OrderShipped.v1", payload: { orderId, ...s, attempt: r.attempt } }]);
    }
    if (!result) throw new Error("shipment decided without a provider answer");
    if (!result.ok) {
      return ok(s, [{ type: "shipping.ShippingFailed.v1", payload: { orderId, code: result.code, reason: result.reason, attempt: r.attempt } }]);
    }
    const next = { trackingNumber: result.trackingNumber, carrier: result.carrier };
    return ok(next, [{ type: "shipping.OrderShipped.v1", payload: { orderId, ...next, attempt: r.attempt } }]);
  },
};
