/**
 * The shipping actor hands an order to the carrier through the shipping provider port: one
 * parcel per warehouse the reservation holds stock in, each booked under its own key
 * (`ship:<orderId>:<attempt>:<warehouse>`); an order from one warehouse, or reserved before
 * warehouses, is one parcel under the attempt's key (`ship:<orderId>:<attempt>`).
 */
import type { Address, Envelope, Line, Parcel, ShippedParcel } from "./contracts/index.ts";
import { attemptKey, earlierKeys, parcelKey, type ParcelsCall, type ShippingCall, type ShippingResult } from "./providers/ports.ts";
import { ignore, ok, type Actor } from "./runtime/actor.ts";

/** `parcels`: each parcel with its warehouse (absent on shipments from before warehouses). */
export type ShippingState = { trackingNumber: string; carrier: string; parcels?: ShippedParcel[] };
/** What the shipping actor asks the carrier: one booking, or one per parcel. */
export type ShippingCalls = ShippingCall | ParcelsCall;

type Request = { attempt: number; shippingAddress: Address; items: Line[]; parcels?: Parcel[] | undefined };

function requestOf(e: Envelope): Request | null {
  if (e.type === "order.ShipmentRequested.v1") return e.payload;
  if (e.type === "ops.RetryRequested.v1" && e.payload.step === "shipping") return e.payload;
  return null;
}

/** One parcel's booking: `suffix` tells the parcels of one shipment apart. */
function booking(orderId: string, r: Request, items: Line[], warehouse: string | undefined, suffix: (key: string) => string): ShippingCall {
  return {
    provider: "shipping",
    op: "ship",
    idempotencyKey: suffix(attemptKey("ship", orderId, r.attempt)),
    earlier: earlierKeys("ship", orderId, r.attempt).map(suffix),
    input: { address: r.shippingAddress, items, attempt: r.attempt, ...(warehouse ? { warehouse } : {}) },
  };
}

export const shippingActor: Actor<ShippingState, Envelope, undefined, ShippingResult, never, ShippingCalls> = {
  kind: "shipping",
  reads: ["order.ShipmentRequested.v1", "ops.RetryRequested.v1"],
  plan(s, e) {
    const r = requestOf(e);
    if (!r || s) return null;
    // A retry asks first what the earlier attempts did: a parcel one of them booked is adopted.
    const parcels = r.parcels ?? [];
    if (parcels.length <= 1) return booking(e.key, r, r.items, parcels[0]?.warehouse, (k) => k);
    return {
      provider: "shipping",
      op: "shipParcels",
      idempotencyKey: attemptKey("ship", e.key, r.attempt),
      parcels: parcels.map((p) => booking(e.key, r, p.items, p.warehouse, (k) => parcelKey(k, p.warehouse))),
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
    const { trackingNumber, carrier } = result;
    const one = r.parcels?.length === 1 ? r.parcels[0] : undefined;
    const parcels = result.parcels ?? (one ? [{ ...one, trackingNumber, carrier }] : undefined);
    const next: ShippingState = { trackingNumber, carrier, ...(parcels ? { parcels } : {}) };
    return ok(next, [{ type: "shipping.OrderShipped.v1", payload: { orderId, ...next, attempt: r.attempt } }]);
  },
};
