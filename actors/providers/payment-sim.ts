/**
 * A deterministic card processor for demos and tests. The card token picks the outcome
 * (see README.md in this folder); the idempotency key picks the payment id, so the same
 * key always gets the same answer and moves money at most once.
 */
import type { PaymentFailureCode } from "../contracts/index.ts";
import type { AuthorizeInput, PaymentOp, PaymentProvider, PaymentRef, PaymentResult, Refusal } from "./ports.ts";
import { memoryBooks, type Books, type Ledger } from "./books.ts";
import { answerOnce, NO_ANSWER, orderIdOf, stableId } from "./sim-shared.ts";

/** One money movement. `orderId` is known when the authorize key names the order. */
export type LedgerEntry = { kind: "authorize" | "capture" | "refund"; paymentId: string; amount: number; key: string; orderId?: string };

export type PaymentSimulator = PaymentProvider & {
  /** Every money movement so far, oldest first. */
  ledger(): Promise<LedgerEntry[]>;
  /** Cents captured on `paymentId` (0 or the captured amount: a payment is captured once). */
  capturedTotal(paymentId: string): Promise<number>;
  /** Cents refunded on `paymentId` (0 or the refunded amount: a payment is refunded once). */
  refundedTotal(paymentId: string): Promise<number>;
  /** A fault to inject: the operations whose answers are lost on the way back (the work is done). */
  loseAnswers: Set<PaymentOp>;
};

type Payment = { paymentId: string; token: string; amount: number; orderId?: string; captured: boolean; refunded: boolean };

const fail = (code: PaymentFailureCode, reason: string): Refusal<PaymentFailureCode> => ({ ok: false, code, reason });
const DECLINED = fail("CARD_DECLINED", "card declined");

/** Why the card behind `token` refuses an authorization on `attempt`, or null when it pays. */
function refusal(token: string, attempt: number): Refusal<PaymentFailureCode> | null {
  if (!token.startsWith("tok_")) return fail("INVALID_CARD", "invalid card token");
  switch (token) {
    case "tok_decline": return DECLINED;
    case "tok_insufficient_funds": return fail("INSUFFICIENT_FUNDS", "insufficient funds");
    case "tok_decline_once": return attempt <= 1 ? DECLINED : null;
    default: return null;
  }
}

/**
 * A payment provider with the test-card rules of README.md and a ledger of every movement,
 * kept in `books` (in memory unless given: see books.ts).
 */
export function paymentSimulator(opts: { latencyMs?: number; books?: Books; loseAnswers?: PaymentOp[] } = {}): PaymentSimulator {
  const books = opts.books ?? memoryBooks();
  const loseAnswers = new Set(opts.loseAnswers);
  // Keys are scoped per operation, like a processor's endpoints: a capture key never
  // answers for an authorization.
  const authorizeOnce = answerOnce<PaymentResult>(books, "authorize", opts.latencyMs);
  const captureOnce = answerOnce<PaymentResult>(books, "capture", opts.latencyMs);
  const refundOnce = answerOnce<PaymentResult>(books, "refund", opts.latencyMs);

  const record = (l: Ledger, kind: LedgerEntry["kind"], p: Payment, amount: number, key: string) =>
    l.append<LedgerEntry>({ kind, paymentId: p.paymentId, amount, key, ...(p.orderId ? { orderId: p.orderId } : {}) });
  const ledger = () => books.journal<LedgerEntry>();
  const total = async (kind: LedgerEntry["kind"], paymentId: string) =>
    (await ledger()).filter((e) => e.kind === kind && e.paymentId === paymentId).reduce((sum, e) => sum + e.amount, 0);

  return {
    authorize: (key: string, input: AuthorizeInput) => authorizeOnce(key, async (l) => {
      if (input.token === "tok_timeout") return NO_ANSWER;
      const refused = refusal(input.token, input.attempt);
      if (refused) return refused;
      const orderId = orderIdOf(key);
      const p: Payment = { paymentId: `pay_${stableId(key)}`, token: input.token, amount: input.amount, ...(orderId ? { orderId } : {}), captured: false, refunded: false };
      await l.put(p.paymentId, p);
      await record(l, "authorize", p, input.amount, key);
      return { ok: true, paymentId: p.paymentId };
    }, loseAnswers.has("authorize") || input.token === "tok_answer_lost"),

    capture: (key: string, ref: PaymentRef) => captureOnce(key, async (l) => {
      const p = await l.record<Payment>(ref.paymentId);
      if (!p) return fail("UNKNOWN_PAYMENT", "unknown payment");
      if (p.refunded) return fail("ALREADY_REFUNDED", "payment was refunded");
      // A second capture under another key confirms the first and moves nothing.
      if (p.captured) return { ok: true, paymentId: p.paymentId };
      if (ref.amount > p.amount) return fail("AMOUNT_EXCEEDS_PAYMENT", "capture exceeds the authorized amount");
      await l.put(p.paymentId, { ...p, captured: true });
      await record(l, "capture", p, ref.amount, key);
      return { ok: true, paymentId: p.paymentId };
    }, loseAnswers.has("capture")),

    // Refunding an uncaptured payment releases the hold; either way it happens once.
    refund: (key: string, ref: PaymentRef) => refundOnce(key, async (l) => {
      const p = await l.record<Payment>(ref.paymentId);
      if (!p) return fail("UNKNOWN_PAYMENT", "unknown payment");
      if (p.token === "tok_refund_fail") return fail("REFUND_REJECTED", "refund rejected by the card issuer");
      if (p.refunded) return { ok: true, paymentId: p.paymentId };
      if (ref.amount > p.amount) return fail("AMOUNT_EXCEEDS_PAYMENT", "refund exceeds the payment");
      await l.put(p.paymentId, { ...p, refunded: true });
      await record(l, "refund", p, ref.amount, key);
      return { ok: true, paymentId: p.paymentId };
    }, loseAnswers.has("refund")),

    lookup: (op, key) => books.answered<PaymentResult>(op, key),

    ledger,
    capturedTotal: (paymentId) => total("capture", paymentId),
    refundedTotal: (paymentId) => total("refund", paymentId),
    loseAnswers,
  };
}
