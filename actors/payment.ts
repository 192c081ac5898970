/**
 * The payment actor authorizes, captures and refunds through the payment provider port.
 * Every call carries an idempotency key derived from the order and the attempt, so a
 * redelivered or retried message never charges twice.
 */
import type { Emit, Envelope } from "./contracts/index.ts";
import { attemptKey, earlierKeys, type PaymentCall, type PaymentResult } from "./providers/ports.ts";
import { ignore, ok, type Actor, type Outcome } from "./runtime/actor.ts";

export type PaymentState = {
  status: "authorized" | "captured" | "refunded";
  paymentId: string;
  amount: number;
};
type Out = Outcome<PaymentState, undefined>;

type Request =
  | { op: "authorize"; orderId: string; attempt: number; amount: number; currency: string; token: string }
  | { op: "capture"; orderId: string }
  | { op: "refund"; orderId: string; attempt: number };

function requestOf(e: Envelope): Request | null {
  switch (e.type) {
    case "order.PaymentRequested.v1":
      return { op: "authorize", orderId: e.key, attempt: e.payload.attempt, amount: e.payload.amount, currency: e.payload.currency, token: e.payload.paymentToken };
    case "ops.RetryRequested.v1":
      if (e.payload.step === "payment") {
        const p = e.payload;
        return { op: "authorize", orderId: e.key, attempt: p.attempt, amount: p.amount, currency: p.currency, token: p.paymentToken };
      }
      return e.payload.step === "refund" ? { op: "refund", orderId: e.key, attempt: e.payload.attempt } : null;
    case "order.PaymentCaptureRequested.v1":
      return { op: "capture", orderId: e.key };
    case "order.RefundRequested.v1":
      return { op: "refund", orderId: e.key, attempt: e.payload.attempt };
    case "ops.CompensationRequested.v1":
      return e.payload.action === "refundPayment" ? { op: "refund", orderId: e.key, attempt: e.payload.attempt } : null;
    default:
      return null;
  }
}

export const paymentActor: Actor<PaymentState, Envelope, undefined, PaymentResult, never, PaymentCall> = {
  kind: "payment",
  reads: [
    "order.PaymentRequested.v1", "order.PaymentCaptureRequested.v1", "order.RefundRequested.v1",
    "ops.RetryRequested.v1", "ops.CompensationRequested.v1",
  ],
  plan(s, e) {
    const r = requestOf(e);
    if (!r) return null;
    const provider = "payment";
    switch (r.op) {
      case "authorize":
        if (s) return null;
        // A retry asks first what the earlier attempts did: one that held the money is adopted.
        return {
          provider, op: r.op, idempotencyKey: attemptKey(r.op, r.orderId, r.attempt), earlier: earlierKeys(r.op, r.orderId, r.attempt),
          input: { amount: r.amount, currency: r.currency, token: r.token, attempt: r.attempt },
        };
      case "capture":
        if (s?.status !== "authorized") return null;
        return { provider, op: r.op, idempotencyKey: `capture:${r.orderId}`, input: { paymentId: s.paymentId, amount: s.amount } };
      case "refund":
        if (!s || s.status === "refunded") return null;
        return {
          provider, op: r.op, idempotencyKey: attemptKey(r.op, r.orderId, r.attempt), earlier: earlierKeys(r.op, r.orderId, r.attempt),
          input: { paymentId: s.paymentId, amount: s.amount },
        };
    }
  },
  decide(s, e, { result }) {
    const r = requestOf(e);
    if (!r) return ignore(`${e.type} is not for payment`);
    const orderId = r.orderId;
    switch (r.op) {
      case "authorize": {
        if (s) return answer(s, { type: "payment.PaymentAuthorized.v1", payload: { orderId, paymentId: s.paymentId, amount: s.amount, attempt: r.attempt } });
        if (!result) throw new Error("authorize decided without a provider answer");
        if (!result.ok) return ok(s, [{ type: "payment.PaymentFailed.v1", payload: { orderId, code: result.code, reason: result.reason, attempt: r.attempt } }]);
        const next: PaymentState = { status: "authorized", paymentId: result.paymentId, amount: r.amount };
        return ok(next, [{ type: "payment.PaymentAuthorized.v1", payload: { orderId, paymentId: result.paymentId, amount: r.amount, attempt: r.attempt } }]);
      }
      case "capture": {
        if (!s || s.status !== "authorized") return ignore("nothing to capture");
        if (!result?.ok) throw new Error(`capture failed: ${result ? result.reason : "no answer"}`);
        return ok({ ...s, status: "captured" }, [{ type: "payment.PaymentCaptured.v1", payload: { orderId, paymentId: s.paymentId, amount: s.amount } }]);
      }
      case "refund": {
        if (!s) return ok(s, [{ type: "payment.PaymentRefunded.v1", payload: { orderId, paymentId: null, amount: 0 } }]);
        if (s.status === "refunded") return answer(s, { type: "payment.PaymentRefunded.v1", payload: { orderId, paymentId: s.paymentId, amount: s.amount } });
        if (!result) throw new Error("refund decided without a provider answer");
        if (!result.ok) return ok(s, [{ type: "payment.RefundFailed.v1", payload: { orderId, code: result.code, reason: result.reason } }]);
        return ok({ ...s, status: "refunded" }, [{ type: "payment.PaymentRefunded.v1", payload: { orderId, paymentId: s.paymentId, amount: s.amount } }]);
      }
    }
  },
};

const answer = (s: PaymentState, e: Emit): Out => ok(s, [e]);
