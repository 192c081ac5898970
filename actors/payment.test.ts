import { describe, expect, test } from "bun:test";
import type { Emit, Envelope } from "./contracts/index.ts";
import { paymentActor, type PaymentState } from "./payment.ts";
import type { PaymentCall, PaymentResult } from "./providers/ports.ts";
import { NOW, ORDER, TOTAL, ev, sent } from "./testing/test-kit.ts";

const id = { orderId: ORDER };
const authorizeReq = (attempt: number) => ev({
  type: "order.PaymentRequested.v1", payload: { ...id, amount: TOTAL, currency: "EUR", paymentToken: "tok_visa", attempt },
});
const authorizeRetry = (attempt: number) => ev({
  type: "ops.RetryRequested.v1",
  payload: { ...id, step: "payment", attempt, amount: TOTAL, currency: "EUR", paymentToken: "tok_visa" },
});
const captureReq = () => ev({ type: "order.PaymentCaptureRequested.v1", payload: { ...id, amount: TOTAL } });
const refundReq = (attempt: number) => ev({ type: "order.RefundRequested.v1", payload: { ...id, amount: TOTAL, reason: "x", attempt } });
const refundRetry = (attempt: number) => ev({ type: "ops.RetryRequested.v1", payload: { ...id, step: "refund", attempt, amount: TOTAL } });
const refundComp = (attempt: number) => ev({
  type: "ops.CompensationRequested.v1", payload: { ...id, action: "refundPayment", amount: TOTAL, attempt },
});
const NOT_FOR_PAYMENT: [string, Envelope][] = [
  ["releaseInventory", ev({ type: "ops.CompensationRequested.v1", payload: { ...id, action: "releaseInventory", reason: "x" } })],
  ["an inventory retry", ev({ type: "ops.RetryRequested.v1", payload: { ...id, step: "inventory", attempt: 2, lines: [] } })],
  ["OrderCancelled", ev({ type: "order.OrderCancelled.v1", payload: { ...id, reason: "x", refund: true } })],
];

const at = (status: PaymentState["status"]): PaymentState => ({ status, paymentId: "pay-1", amount: TOTAL });
const AUTH = at("authorized");
const REF = { paymentId: "pay-1", amount: TOTAL };
const decide = (s: PaymentState | null, e: Envelope, result?: PaymentResult) =>
  paymentActor.decide(s, e, { now: NOW, result, res: undefined });
const plan = (s: PaymentState | null, e: Envelope) => paymentActor.plan?.(s, e) ?? null;

type PlanCase = [name: string, state: PaymentState | null, e: Envelope, call: [op: PaymentCall["op"], key: string, input: unknown] | null];
const PLANS: PlanCase[] = [
  ["first authorization", null, authorizeReq(1), ["authorize", `authorize:${ORDER}:1`, { amount: TOTAL, currency: "EUR", token: "tok_visa", attempt: 1 }]],
  ["authorization retried by admin", null, authorizeRetry(2), ["authorize", `authorize:${ORDER}:2`, { amount: TOTAL, currency: "EUR", token: "tok_visa", attempt: 2 }]],
  ["authorization when already authorized", AUTH, authorizeReq(1), null],
  ["authorization retry when already authorized", AUTH, authorizeRetry(2), null],
  ["capture of an authorization", AUTH, captureReq(), ["capture", `capture:${ORDER}`, REF]],
  ["capture when already captured", at("captured"), captureReq(), null],
  ["capture with nothing authorized", null, captureReq(), null],
  ["capture after a refund", at("refunded"), captureReq(), null],
  ["refund of an authorization", AUTH, refundReq(1), ["refund", `refund:${ORDER}:1`, REF]],
  ["refund of a capture", at("captured"), refundReq(1), ["refund", `refund:${ORDER}:1`, REF]],
  ["refund retried by admin", AUTH, refundRetry(2), ["refund", `refund:${ORDER}:2`, REF]],
  ["refund compensation", AUTH, refundComp(3), ["refund", `refund:${ORDER}:3`, REF]],
  ["refund when already refunded", at("refunded"), refundReq(2), null],
  ["refund with nothing to refund", null, refundReq(1), null],
  ...NOT_FOR_PAYMENT.map(([name, e]): PlanCase => [name, AUTH, e, null]),
];

describe("payment plan: one idempotent call per op and attempt, none when not needed", () => {
  test.each(PLANS)("%s", (_, s, e, want) => {
    const call = plan(s, e);
    if (!want) return expect(call).toBeNull();
    const [op, idempotencyKey, input] = want;
    // Capture has one key; an attempt after the first carries the earlier keys, looked up before it.
    const attempt = op === "capture" ? 1 : Number(idempotencyKey.split(":").at(-1));
    const earlier = Array.from({ length: attempt - 1 }, (_, i) => `${op}:${ORDER}:${i + 1}`);
    expect<unknown>(call).toEqual({ provider: "payment", op, idempotencyKey, input, ...(op === "capture" ? {} : { earlier }) });
  });

  // The runner only calls the provider when plan says so: decide must need an answer exactly then.
  test.each(PLANS)("%s: decide needs a provider answer exactly when a call is planned", (_, s, e, want) => {
    if (want) expect(() => decide(s, e)).toThrow();
    else expect(() => decide(s, e)).not.toThrow();
  });
});

const OK: PaymentResult = { ok: true, paymentId: "pay-9" };
const NO: PaymentResult = { ok: false, code: "CARD_DECLINED", reason: "card declined" };
type DecideCase = [name: string, state: PaymentState | null, e: Envelope, result: PaymentResult | undefined,
  after: PaymentState | null, emit: Emit];
const DECISIONS: DecideCase[] = [
  ["authorized", null, authorizeReq(1), OK, { status: "authorized", paymentId: "pay-9", amount: TOTAL },
    { type: "payment.PaymentAuthorized.v1", payload: { ...id, paymentId: "pay-9", amount: TOTAL, attempt: 1 } }],
  ["authorization declined", null, authorizeReq(1), NO, null,
    { type: "payment.PaymentFailed.v1", payload: { ...id, code: "CARD_DECLINED", reason: "card declined", attempt: 1 } }],
  ["retried authorization accepted", null, authorizeRetry(2), OK, { status: "authorized", paymentId: "pay-9", amount: TOTAL },
    { type: "payment.PaymentAuthorized.v1", payload: { ...id, paymentId: "pay-9", amount: TOTAL, attempt: 2 } }],
  // What the caller hands over after reconciling (providers/reconcile.ts): decide treats it as any answer.
  ["retry whose earlier attempt held the money: its reference adopted", null, authorizeRetry(2), { ok: true, paymentId: "pay-earlier" },
    { status: "authorized", paymentId: "pay-earlier", amount: TOTAL },
    { type: "payment.PaymentAuthorized.v1", payload: { ...id, paymentId: "pay-earlier", amount: TOTAL, attempt: 2 } }],
  ["timed out and the processor did nothing under the key: fails as timed out", null, authorizeReq(1),
    { ok: false, code: "AUTHORIZATION_TIMEOUT", reason: "no answer (3 tries)" }, null,
    { type: "payment.PaymentFailed.v1", payload: { ...id, code: "AUTHORIZATION_TIMEOUT", reason: "no answer (3 tries)", attempt: 1 } }],
  ["request redelivered after authorization: answered again, no new call", AUTH, authorizeReq(2), undefined, AUTH,
    { type: "payment.PaymentAuthorized.v1", payload: { ...id, paymentId: "pay-1", amount: TOTAL, attempt: 2 } }],
  ["captured", AUTH, captureReq(), OK, at("captured"),
    { type: "payment.PaymentCaptured.v1", payload: { ...id, paymentId: "pay-1", amount: TOTAL } }],
  ["refunded", AUTH, refundReq(1), OK, at("refunded"),
    { type: "payment.PaymentRefunded.v1", payload: { ...id, paymentId: "pay-1", amount: TOTAL } }],
  ["compensation refunded", at("captured"), refundComp(1), OK, at("refunded"),
    { type: "payment.PaymentRefunded.v1", payload: { ...id, paymentId: "pay-1", amount: TOTAL } }],
  ["refund declined: the payment stays as it was", AUTH, refundRetry(2), NO, AUTH,
    { type: "payment.RefundFailed.v1", payload: { ...id, code: "CARD_DECLINED", reason: "card declined" } }],
  ["refund asked again after refunding: answered again, no new call", at("refunded"), refundReq(2), undefined, at("refunded"),
    { type: "payment.PaymentRefunded.v1", payload: { ...id, paymentId: "pay-1", amount: TOTAL } }],
  ["refund with no payment: nothing was charged", null, refundReq(1), undefined, null,
    { type: "payment.PaymentRefunded.v1", payload: { ...id, paymentId: null, amount: 0 } }],
];

describe("payment decide", () => {
  test.each(DECISIONS)("%s", (_, s, e, result, after, emit) => {
    const out = decide(s, e, result);
    if (out.kind !== "ok") throw new Error(`not decided: ${out.reason}`);
    expect(out.state).toEqual(after);
    expect(sent(out.emit)).toEqual([emit.type]);
    expect(out.emit).toEqual([emit]);
  });

  test.each([
    ["capture with nothing authorized", null],
    ["capture when already captured", at("captured")],
  ])("%s is ignored", (_, s) => {
    expect(decide(s, captureReq(), OK).kind).toBe("ignore");
  });

  test("a declined capture is an error the runner retries, never a silent success", () => {
    expect(() => decide(AUTH, captureReq(), NO)).toThrow("card declined");
  });

  test.each(NOT_FOR_PAYMENT)("%s is not for payment", (_, e) => {
    expect(decide(AUTH, e, OK).kind).toBe("ignore");
  });
});
