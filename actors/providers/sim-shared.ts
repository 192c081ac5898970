/** What the payment and shipping simulators share: idempotent answers, stable ids, and latency. */
import { createHash } from "node:crypto";

/** A decision that never answers, standing in for a provider that hangs. */
export const NO_ANSWER = Symbol("no answer");

/**
 * Answers each idempotency key once. The first call decides synchronously and the answer is
 * stored before any latency, so concurrent calls with one key share the decision and its
 * side effects happen once; later calls get a copy of the same answer.
 */
export function answerOnce<T>(latencyMs = 0): (key: string, decide: () => T | typeof NO_ANSWER) => Promise<T> {
  const answers = new Map<string, T | typeof NO_ANSWER>();
  return (key, decide) => {
    if (!answers.has(key)) answers.set(key, decide());
    const answer = answers.get(key)!;
    if (answer === NO_ANSWER) return new Promise<T>(() => {});
    const copy = structuredClone(answer);
    return latencyMs > 0 ? new Promise((resolve) => setTimeout(resolve, latencyMs, copy)) : Promise.resolve(copy);
  };
}

/** A short hex digest of `key`: ids derived from it are the same on every run. */
export function stableId(key: string, length = 16): string {
  return createHash("sha256").update(key).digest("hex").slice(0, length);
}

/**
 * The order id inside a key shaped `<op>:<orderId>` or `<op>:<orderId>:<attempt>`, the shape
 * the payment and shipping actors use; undefined for keys of any other shape.
 */
export function orderIdOf(key: string): string | undefined {
  const m = /^[a-z]+:(.+?)(?::\d+)?$/.exec(key);
  return m?.[1];
}
