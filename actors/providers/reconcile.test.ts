import { describe, expect, test } from "bun:test";
import type { PaymentResult } from "./ports.ts";
import { afterTimeout, beforeRetry, UNREACHABLE, type Looked } from "./reconcile.ts";

const APPROVED: PaymentResult = { ok: true, paymentId: "pay_1" };
const DECLINED: PaymentResult = { ok: false, code: "CARD_DECLINED", reason: "card declined" };
const TIMED_OUT: PaymentResult = { ok: false, code: "AUTHORIZATION_TIMEOUT", reason: "no answer (3 tries)" };

describe("after every try timed out", () => {
  test.each<[string, Looked<PaymentResult>, PaymentResult | typeof UNREACHABLE]>([
    ["the provider did the work: its answer is adopted", APPROVED, APPROVED],
    ["the provider declined: that was the answer", DECLINED, DECLINED],
    ["the provider did nothing under the key: the step fails as timed out", null, TIMED_OUT],
    ["the provider cannot be asked: unknown, never a guess", UNREACHABLE, UNREACHABLE],
  ])("%s", (_, looked, want) => {
    expect(afterTimeout(looked, TIMED_OUT)).toEqual(want);
  });
});

describe("before a retry's new attempt", () => {
  test.each<[string, Looked<PaymentResult>[], ReturnType<typeof beforeRetry<PaymentResult>>]>([
    ["no earlier attempt: go", [], "go"],
    ["an earlier attempt was approved: adopted, no new attempt", [APPROVED], { adopt: APPROVED }],
    ["approved after a decline: adopted", [DECLINED, APPROVED], { adopt: APPROVED }],
    ["approved while another cannot be asked: the approval is enough", [UNREACHABLE, APPROVED], { adopt: APPROVED }],
    ["declined: go", [DECLINED], "go"],
    ["nothing done under the earlier key: go", [null], "go"],
    ["an earlier key cannot be asked: unknown, no new attempt", [DECLINED, UNREACHABLE], UNREACHABLE],
  ])("%s", (_, looked, want) => {
    expect(beforeRetry(looked)).toEqual(want);
  });
});
