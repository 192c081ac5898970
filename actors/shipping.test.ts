import { describe, expect, test } from "bun:test";
import type { Emit, Envelope } from "./contracts/index.ts";
import type { ShippingResult } from "./providers/ports.ts";
import { shippingActor, type ShippingState } from "./shipping.ts";
import { ADDRESS, LINES, NOW, ORDER, ev, sent } from "./testing/test-kit.ts";

const id = { orderId: ORDER };
const shipReq = (attempt: number) =>
  ev({ type: "order.ShipmentRequested.v1", payload: { ...id, shippingAddress: ADDRESS, items: LINES, attempt } });
const shipRetry = (attempt: number) =>
  ev({ type: "ops.RetryRequested.v1", payload: { ...id, step: "shipping", attempt, shippingAddress: ADDRESS, items: LINES } });
const NOT_FOR_SHIPPING: [string, Envelope][] = [
  ["a payment retry", ev({ type: "ops.RetryRequested.v1", payload: { ...id, step: "refund", attempt: 1, amount: 1 } })],
  ["a capture request", ev({ type: "order.PaymentCaptureRequested.v1", payload: { ...id, amount: 1 } })],
  ["its own answer", ev({ type: "shipping.OrderShipped.v1", payload: { ...id, trackingNumber: "T", carrier: "Post", attempt: 1 } })],
];

const SHIPPED: ShippingState = { trackingNumber: "TRK-1", carrier: "Post" };
const decide = (s: ShippingState | null, e: Envelope, result?: ShippingResult) =>
  shippingActor.decide(s, e, { now: NOW, result, res: undefined });
const plan = (s: ShippingState | null, e: Envelope) => shippingActor.plan?.(s, e) ?? null;

type PlanCase = [name: string, state: ShippingState | null, e: Envelope, key: string | null];
const PLANS: PlanCase[] = [
  ["first shipment request", null, shipReq(1), `ship:${ORDER}:1`],
  ["shipment retried by admin", null, shipRetry(2), `ship:${ORDER}:2`],
  ["request after the order shipped", SHIPPED, shipReq(1), null],
  ["retry after the order shipped", SHIPPED, shipRetry(3), null],
  ...NOT_FOR_SHIPPING.map(([name, e]): PlanCase => [name, null, e, null]),
];

describe("shipping plan: one idempotent call per attempt, none once shipped", () => {
  test.each(PLANS)("%s", (_, s, e, key) => {
    const call = plan(s, e);
    if (!key) return expect(call).toBeNull();
    const attempt = Number(key.split(":").at(-1));
    // An attempt after the first carries the earlier keys, looked up before it.
    const earlier = Array.from({ length: attempt - 1 }, (_, i) => `ship:${ORDER}:${i + 1}`);
    expect(call).toEqual({ provider: "shipping", op: "ship", idempotencyKey: key, earlier, input: { address: ADDRESS, items: LINES, attempt } });
  });

  test.each(PLANS)("%s: decide needs a provider answer exactly when a call is planned", (_, s, e, key) => {
    if (key) expect(() => decide(s, e)).toThrow();
    else expect(() => decide(s, e)).not.toThrow();
  });
});

const OK: ShippingResult = { ok: true, trackingNumber: "TRK-9", carrier: "Post" };
type DecideCase = [name: string, state: ShippingState | null, e: Envelope, result: ShippingResult | undefined,
  after: ShippingState | null, emit: Emit];
const DECISIONS: DecideCase[] = [
  ["handed to the carrier", null, shipReq(1), OK, { trackingNumber: "TRK-9", carrier: "Post" },
    { type: "shipping.OrderShipped.v1", payload: { ...id, trackingNumber: "TRK-9", carrier: "Post", attempt: 1 } }],
  ["carrier refused", null, shipReq(1), { ok: false, code: "UNDELIVERABLE", reason: "address unknown" }, null,
    { type: "shipping.ShippingFailed.v1", payload: { ...id, code: "UNDELIVERABLE", reason: "address unknown", attempt: 1 } }],
  ["retry accepted", null, shipRetry(2), OK, { trackingNumber: "TRK-9", carrier: "Post" },
    { type: "shipping.OrderShipped.v1", payload: { ...id, trackingNumber: "TRK-9", carrier: "Post", attempt: 2 } }],
  // What the caller hands over after reconciling (providers/reconcile.ts): decide treats it as any answer.
  ["retry whose earlier attempt booked the parcel: its tracking number adopted", null, shipRetry(3), { ok: true, trackingNumber: "TRK-1", carrier: "Post" },
    SHIPPED, { type: "shipping.OrderShipped.v1", payload: { ...id, trackingNumber: "TRK-1", carrier: "Post", attempt: 3 } }],
  ["timed out and the carrier booked nothing under the key: fails as timed out", null, shipReq(1),
    { ok: false, code: "SHIPPING_TIMEOUT", reason: "no answer" }, null,
    { type: "shipping.ShippingFailed.v1", payload: { ...id, code: "SHIPPING_TIMEOUT", reason: "no answer", attempt: 1 } }],
  ["request redelivered after shipping: answered again for that attempt, no new call", SHIPPED, shipRetry(2), undefined, SHIPPED,
    { type: "shipping.OrderShipped.v1", payload: { ...id, trackingNumber: "TRK-1", carrier: "Post", attempt: 2 } }],
];

describe("shipping decide", () => {
  test.each(DECISIONS)("%s", (_, s, e, result, after, emit) => {
    const out = decide(s, e, result);
    if (out.kind !== "ok") throw new Error(`not decided: ${out.reason}`);
    expect(out.state).toEqual(after);
    expect(sent(out.emit)).toEqual([emit.type]);
    expect(out.emit).toEqual([emit]);
  });

  test.each(NOT_FOR_SHIPPING)("%s is not for shipping", (_, e) => {
    expect(decide(SHIPPED, e, OK).kind).toBe("ignore");
  });
});

describe("one parcel per warehouse", () => {
  const parcels = [{ warehouse: "BER", items: [{ sku: "MUG", qty: 2 }] }, { warehouse: "LYS", items: [{ sku: "MUG", qty: 1 }, { sku: "TEE", qty: 1 }] }];
  const split = (attempt: number) =>
    ev({ type: "order.ShipmentRequested.v1", payload: { ...id, shippingAddress: ADDRESS, items: LINES, attempt, parcels } });

  test("a shipment from two warehouses books each parcel under its own key; a retry looks up each parcel's earlier keys", () => {
    expect(plan(null, split(1))).toEqual({
      provider: "shipping", op: "shipParcels", idempotencyKey: `ship:${ORDER}:1`,
      parcels: parcels.map((p) => ({
        provider: "shipping", op: "ship", idempotencyKey: `ship:${ORDER}:1:${p.warehouse}`, earlier: [],
        input: { address: ADDRESS, items: p.items, attempt: 1, warehouse: p.warehouse },
      })),
    });
    const retried = plan(null, ev({ type: "ops.RetryRequested.v1", payload: { ...id, step: "shipping", attempt: 3, shippingAddress: ADDRESS, items: LINES, parcels } }));
    expect(retried?.op === "shipParcels" && retried.parcels.map((p) => [p.idempotencyKey, p.earlier])).toEqual([
      [`ship:${ORDER}:3:BER`, [`ship:${ORDER}:1:BER`, `ship:${ORDER}:2:BER`]],
      [`ship:${ORDER}:3:LYS`, [`ship:${ORDER}:1:LYS`, `ship:${ORDER}:2:LYS`]],
    ]);
  });

  test("one warehouse keeps the attempt's own key and names the warehouse", () => {
    const one = ev({ type: "order.ShipmentRequested.v1", payload: { ...id, shippingAddress: ADDRESS, items: LINES, attempt: 1, parcels: [{ warehouse: "NJ", items: LINES }] } });
    expect(plan(null, one)).toEqual({
      provider: "shipping", op: "ship", idempotencyKey: `ship:${ORDER}:1`, earlier: [], input: { address: ADDRESS, items: LINES, attempt: 1, warehouse: "NJ" },
    });
    const out = decide(null, one, OK);
    expect(out.kind === "ok" && out.state).toEqual({ ...OK_STATE, parcels: [{ warehouse: "NJ", items: LINES, trackingNumber: "TRK-9", carrier: "Post" }] });
  });

  test("the parcels booked are the state and the OrderShipped event; a refusal of one fails the shipment", () => {
    const booked = parcels.map((p, i) => ({ ...p, trackingNumber: `TRK-${i}`, carrier: "Post" }));
    const out = decide(null, split(1), { ok: true, trackingNumber: "TRK-0", carrier: "Post", parcels: booked });
    if (out.kind !== "ok") throw new Error(out.reason);
    expect(out.state).toEqual({ trackingNumber: "TRK-0", carrier: "Post", parcels: booked });
    expect(out.emit).toEqual([{ type: "shipping.OrderShipped.v1", payload: { ...id, trackingNumber: "TRK-0", carrier: "Post", parcels: booked, attempt: 1 } }]);
    const refused = decide(null, split(1), { ok: false, code: "UNDELIVERABLE", reason: "address is undeliverable" });
    expect(refused.kind === "ok" && sent(refused.emit)).toEqual(["shipping.ShippingFailed.v1"]);
  });
});
const OK_STATE = { trackingNumber: "TRK-9", carrier: "Post" };
