import { describe, expect, test } from "bun:test";
import type { PaymentResult } from "./ports.ts";
import { paymentSimulator } from "./payment-sim.ts";

const card = (token: string, attempt = 1) => ({ amount: 12_345, currency: "USD", token, attempt });

async function authorized(sim: ReturnType<typeof paymentSimulator>, token = "tok_visa", orderId = "o-1"): Promise<string> {
  const r = await sim.authorize(`authorize:${orderId}:1`, card(token));
  if (!r.ok) throw new Error(`expected an approval, got ${r.reason}`);
  return r.paymentId;
}

/** Settles to "pending" when `p` has not answered within `ms`. */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<"pending">((r) => setTimeout(r, ms, "pending"))]);

describe("authorize by card token", () => {
  const cases: [token: string, attempt: number, expected: PaymentResult | "approved"][] = [
    ["tok_visa", 1, "approved"],
    ["tok_mastercard", 1, "approved"],
    ["tok_amex_gold", 1, "approved"],
    ["tok_refund_fail", 1, "approved"],
    ["tok_decline", 1, { ok: false, code: "CARD_DECLINED", reason: "card declined" }],
    ["tok_decline", 2, { ok: false, code: "CARD_DECLINED", reason: "card declined" }],
    ["tok_insufficient_funds", 1, { ok: false, code: "INSUFFICIENT_FUNDS", reason: "insufficient funds" }],
    ["tok_decline_once", 1, { ok: false, code: "CARD_DECLINED", reason: "card declined" }],
    ["tok_decline_once", 2, "approved"],
    ["tok_decline_once", 3, "approved"],
    ["4242424242424242", 1, { ok: false, code: "INVALID_CARD", reason: "invalid card token" }],
    ["", 1, { ok: false, code: "INVALID_CARD", reason: "invalid card token" }],
    ["TOK_VISA", 1, { ok: false, code: "INVALID_CARD", reason: "invalid card token" }],
  ];
  test.each(cases)("%p on attempt %p", async (token, attempt, expected) => {
    const sim = paymentSimulator();
    const key = `authorize:o-1:${attempt}`;
    const r = await sim.authorize(key, card(token, attempt));
    if (expected === "approved") {
      expect(r).toEqual({ ok: true, paymentId: expect.stringMatching(/^pay_[0-9a-f]{16}$/) });
      expect(await sim.ledger()).toEqual([{ kind: "authorize", paymentId: r.ok ? r.paymentId : "", amount: 12_345, key, orderId: "o-1" }]);
    } else {
      expect(r).toEqual(expected);
      expect(await sim.ledger()).toEqual([]);
    }
  });

  test("tok_timeout never answers and moves no money", async () => {
    const sim = paymentSimulator();
    expect(await within(sim.authorize("authorize:o-1:1", card("tok_timeout")), 50)).toBe("pending");
    expect(await within(sim.authorize("authorize:o-1:1", card("tok_timeout")), 20)).toBe("pending");
    expect(await sim.ledger()).toEqual([]);
  });

  test("the payment id depends only on the idempotency key", async () => {
    const a = await paymentSimulator().authorize("authorize:o-1:1", card("tok_visa"));
    const b = await paymentSimulator().authorize("authorize:o-1:1", card("tok_mastercard"));
    const c = await paymentSimulator().authorize("authorize:o-1:2", card("tok_visa"));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe("idempotency", () => {
  test("the same authorize key answers the same and records one authorization", async () => {
    const sim = paymentSimulator();
    const first = await sim.authorize("authorize:o-1:1", card("tok_visa"));
    // A replay with a different token still gets the first answer: the key decides.
    const again = await sim.authorize("authorize:o-1:1", card("tok_decline"));
    expect(again).toEqual(first);
    expect((await sim.ledger()).filter((e) => e.kind === "authorize")).toHaveLength(1);
  });

  test("a declined key stays declined even on a later attempt number", async () => {
    const sim = paymentSimulator();
    expect(await sim.authorize("authorize:o-1:1", card("tok_decline_once", 1))).toEqual({ ok: false, code: "CARD_DECLINED", reason: "card declined" });
    expect(await sim.authorize("authorize:o-1:1", card("tok_decline_once", 2))).toEqual({ ok: false, code: "CARD_DECLINED", reason: "card declined" });
  });

  test("concurrent calls with one key share one decision", async () => {
    const sim = paymentSimulator({ latencyMs: 20 });
    const answers = await Promise.all([1, 2, 3].map(() => sim.authorize("authorize:o-1:1", card("tok_visa"))));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    const [first] = answers;
    if (!first?.ok) throw new Error("expected an approval");
    const paymentId = first.paymentId;
    const captures = await Promise.all(["capture:o-1", "capture:o-1", "capture:o-1:again"].map((k) => sim.capture(k, { paymentId, amount: 12_345 })));
    expect(captures.every((c) => c.ok)).toBe(true);
    expect((await sim.ledger()).map((e) => e.kind)).toEqual(["authorize", "capture"]);
  });

  test("answers are copies: changing one does not change the next", async () => {
    const sim = paymentSimulator();
    const first = await sim.authorize("authorize:o-1:1", card("tok_visa"));
    if (first.ok) first.paymentId = "tampered";
    expect(await sim.authorize("authorize:o-1:1", card("tok_visa"))).not.toEqual(first);
  });
});

describe("capture", () => {
  test("moves the money once, whatever the number of keys", async () => {
    const sim = paymentSimulator();
    const paymentId = await authorized(sim);
    expect(await sim.capture("capture:o-1", { paymentId, amount: 12_345 })).toEqual({ ok: true, paymentId });
    expect(await sim.capture("capture:o-1", { paymentId, amount: 12_345 })).toEqual({ ok: true, paymentId });
    expect(await sim.capture("capture:o-1:retry", { paymentId, amount: 12_345 })).toEqual({ ok: true, paymentId });
    expect(await sim.capturedTotal(paymentId)).toBe(12_345);
    expect(await sim.ledger()).toContainEqual({ kind: "capture", paymentId, amount: 12_345, key: "capture:o-1", orderId: "o-1" });
    expect(await sim.ledger()).toHaveLength(2);
  });

  test("of an unknown payment fails", async () => {
    const sim = paymentSimulator();
    expect(await sim.capture("capture:o-1", { paymentId: "pay_nope", amount: 1 })).toEqual({ ok: false, code: "UNKNOWN_PAYMENT", reason: "unknown payment" });
    expect(await sim.ledger()).toEqual([]);
  });

  test("of more than was authorized fails", async () => {
    const sim = paymentSimulator();
    const paymentId = await authorized(sim);
    expect(await sim.capture("capture:o-1", { paymentId, amount: 12_346 })).toEqual({ ok: false, code: "AMOUNT_EXCEEDS_PAYMENT", reason: "capture exceeds the authorized amount" });
    expect(await sim.capturedTotal(paymentId)).toBe(0);
  });

  test("after a refund fails", async () => {
    const sim = paymentSimulator();
    const paymentId = await authorized(sim);
    await sim.refund("refund:o-1:1", { paymentId, amount: 12_345 });
    expect(await sim.capture("capture:o-1", { paymentId, amount: 12_345 })).toEqual({ ok: false, code: "ALREADY_REFUNDED", reason: "payment was refunded" });
    expect(await sim.capturedTotal(paymentId)).toBe(0);
  });
});

describe("refund", () => {
  test("returns captured money once, whatever the number of keys", async () => {
    const sim = paymentSimulator();
    const paymentId = await authorized(sim);
    await sim.capture("capture:o-1", { paymentId, amount: 12_345 });
    for (const key of ["refund:o-1:1", "refund:o-1:1", "refund:o-1:2"]) {
      expect(await sim.refund(key, { paymentId, amount: 12_345 })).toEqual({ ok: true, paymentId });
    }
    expect(await sim.refundedTotal(paymentId)).toBe(12_345);
    expect((await sim.ledger()).map((e) => [e.kind, e.key])).toEqual([["authorize", "authorize:o-1:1"], ["capture", "capture:o-1"], ["refund", "refund:o-1:1"]]);
  });

  test("releases an authorization that was never captured", async () => {
    const sim = paymentSimulator();
    const paymentId = await authorized(sim);
    expect(await sim.refund("refund:o-1:1", { paymentId, amount: 12_345 })).toEqual({ ok: true, paymentId });
    expect(await sim.capturedTotal(paymentId)).toBe(0);
    expect(await sim.refundedTotal(paymentId)).toBe(12_345);
  });

  test("with tok_refund_fail is rejected on every attempt and moves nothing", async () => {
    const sim = paymentSimulator();
    const paymentId = await authorized(sim, "tok_refund_fail");
    await sim.capture("capture:o-1", { paymentId, amount: 12_345 });
    for (const key of ["refund:o-1:1", "refund:o-1:2", "refund:o-1:3"]) {
      expect(await sim.refund(key, { paymentId, amount: 12_345 })).toEqual({ ok: false, code: "REFUND_REJECTED", reason: "refund rejected by the card issuer" });
    }
    expect(await sim.refundedTotal(paymentId)).toBe(0);
    expect(await sim.capturedTotal(paymentId)).toBe(12_345);
  });

  test("of an unknown payment or more than was paid fails", async () => {
    const sim = paymentSimulator();
    const paymentId = await authorized(sim);
    expect(await sim.refund("refund:o-2:1", { paymentId: "pay_nope", amount: 1 })).toEqual({ ok: false, code: "UNKNOWN_PAYMENT", reason: "unknown payment" });
    expect(await sim.refund("refund:o-1:1", { paymentId, amount: 99_999 })).toEqual({ ok: false, code: "AMOUNT_EXCEEDS_PAYMENT", reason: "refund exceeds the payment" });
    expect(await sim.refundedTotal(paymentId)).toBe(0);
  });
});

test("latencyMs delays every answer", async () => {
  const sim = paymentSimulator({ latencyMs: 40 });
  const started = performance.now();
  await sim.authorize("authorize:o-1:1", card("tok_decline"));
  expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  expect(await within(sim.authorize("authorize:o-1:2", card("tok_visa")), 5)).toBe("pending");
});
