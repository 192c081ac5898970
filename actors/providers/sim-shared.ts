/** What the payment and shipping simulators share: answers kept once per key, stable ids, and latency. */
import { createHash } from "node:crypto";
import { NO_ANSWER, type Books, type Ledger } from "./books.ts";

export { NO_ANSWER };

/**
 * Answers each idempotency key of `op` once, keeping the answer and what the decision did in
 * `books` before any latency; later calls get the same answer. A key decided as NO_ANSWER
 * never settles, like a provider that hangs. A `lost` answer is kept and the work done, but
 * the call never settles either: the answer went missing on its way back (a lookup finds it).
 */
export function answerOnce<T>(books: Books, op: string, latencyMs = 0): (key: string, decide: (ledger: Ledger) => Promise<T | typeof NO_ANSWER>, lost?: boolean) => Promise<T> {
  return async (key, decide, lost = false) => {
    const answer = await books.once(op, key, decide);
    if (answer === NO_ANSWER || lost) return new Promise<T>(() => {});
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    return answer;
  };
}

/** A short hex digest of `key`: ids derived from it are the same on every run. */
export function stableId(key: string, length = 16): string {
  return createHash("sha256").update(key).digest("hex").slice(0, length);
}

/**
 * The order id inside a key shaped `<op>:<orderId>`, `<op>:<orderId>:<attempt>` or (a parcel)
 * `<op>:<orderId>:<attempt>:<warehouse>`, the shapes the payment and shipping actors use;
 * undefined for keys of any other shape.
 */
export function orderIdOf(key: string): string | undefined {
  const m = /^[a-z]+:(.+?)(?::\d+(?::[A-Z0-9]{2,8})?)?$/.exec(key);
  return m?.[1];
}
