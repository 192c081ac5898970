/**
 * Routes a planned provider call to its provider, bounded by the step timeout. A transient
 * failure - no answer in time, or a provider that is unavailable (connection refused, a 5xx)
 * - is tried again with the same idempotency key after a pause that doubles, with jitter,
 * up to `retries` times; after a try that timed out the provider is first asked what it
 * answered under the key, and a kept answer (a reply lost on the way) ends the call. Once
 * the tries are spent the provider is asked what it answered under the key
 * (reconcile.ts): work it did is adopted; if it did nothing the step fails with the
 * operation's timeout code, for an admin to see; if it cannot be asked either, the call
 * throws `OutcomeUnknown` and the message comes again later, the step still pending. A call
 * carrying `earlier` keys (an admin retry) looks them up first. A refusal (a decline, an
 * undeliverable address) is an answer: never retried.
 */
import { ShippingFailureCode, type PaymentFailureCode } from "../contracts/index.ts";
import { unreachable } from "../runtime/actor.ts";
import { afterTimeout, beforeRetry, OutcomeUnknown, UNREACHABLE, type Looked } from "./reconcile.ts";
import {
  ProviderUnavailable, type ParcelsCall, type PaymentProvider, type PaymentResult, type ProviderCall, type ShippingProvider, type ShippingResult,
} from "./ports.ts";

type Providers = { payment: PaymentProvider; shipping: ShippingProvider };
type Answer = PaymentResult | ShippingResult;
/** A call of one operation under one key. */
type OneCall = Exclude<ProviderCall, ParcelsCall>;

/** The code of a call the provider did not answer in time; total, so a new operation must name its own. */
const TIMEOUT: Record<ProviderCall["op"], PaymentFailureCode | ShippingFailureCode> = {
  authorize: "AUTHORIZATION_TIMEOUT",
  capture: "CAPTURE_TIMEOUT",
  refund: "REFUND_TIMEOUT",
  ship: "SHIPPING_TIMEOUT",
  shipParcels: "SHIPPING_TIMEOUT",
};

export type RetryOptions = {
  /** tries after the first (default 2) */
  retries?: number;
  /** the first pause (default 100 ms); each next one doubles, up to `maxPauseMs` (default 2 s) */
  firstPauseMs?: number;
  maxPauseMs?: number;
  /** how a pause is waited out (tests record them instead) */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
};

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A function that performs any provider call, trying a transient failure again (see above). */
export function providerCaller(p: Providers, timeoutMs: number, retry: RetryOptions = {}) {
  const { retries = 2, firstPauseMs = 100, maxPauseMs = 2_000, sleep = wait, random = Math.random } = retry;
  const lookup = async (call: OneCall, key: string): Promise<Looked<Answer>> => {
    const ask = (): Promise<Answer | null> => (call.provider === "payment" ? p.payment.lookup(call.op, key) : p.shipping.lookup(call.op, key));
    const found = await once(call, timeoutMs, ask);
    return found instanceof Missed ? UNREACHABLE : found;
  };
  const unknown = (call: OneCall, keys: string[]) =>
    new OutcomeUnknown(`${call.provider} provider could not be asked what became of ${keys.join(", ")}; the step stays pending`);

  const one = async (call: OneCall): Promise<Answer> => {
    if (call.earlier?.length) {
      const before = beforeRetry(await Promise.all(call.earlier.map((key) => lookup(call, key))));
      if (before === UNREACHABLE) throw unknown(call, call.earlier);
      if (before !== "go") return before.adopt;
    }
    for (let tries = 1, pause = firstPauseMs; ; tries++, pause = Math.min(pause * 2, maxPauseMs)) {
      const missed = await once(call, timeoutMs, () => send(p, call));
      if (!(missed instanceof Missed)) return missed;
      const { why } = missed;
      if (tries > retries) {
        const timedOut = { ok: false, code: TIMEOUT[call.op], reason: tries > 1 ? `${why} (${tries} tries)` : why } as Answer;
        const settled = afterTimeout(await lookup(call, call.idempotencyKey), timedOut);
        if (settled === UNREACHABLE) throw unknown(call, [call.idempotencyKey]);
        return settled;
      }
      // A call that got no answer in time may have been done with only its reply lost: the
      // answer the provider kept ends it now (one timeout, not every try); none, try again.
      if (missed.timedOut) {
        const kept = await lookup(call, call.idempotencyKey);
        if (kept !== null && kept !== UNREACHABLE) return kept;
      }
      // Half the pause plus a random share of the other half: callers that failed together spread out.
      await sleep(Math.round(pause / 2 + random() * (pause / 2)));
    }
  };
  /** Each parcel in turn, as its own call; the first refusal answers for the shipment. */
  const parcels = async (call: ParcelsCall): Promise<ShippingResult> => {
    const booked = [];
    for (const parcel of call.parcels) {
      const answer = await one(parcel);
      // a shipping call's refusal carries a shipping code; parsed, since the union cannot say so
      if (!answer.ok) return { ok: false, code: ShippingFailureCode.parse(answer.code), reason: answer.reason };
      if (!("trackingNumber" in answer)) throw new Error(`the carrier answered ${parcel.idempotencyKey} without a tracking number`);
      booked.push({ warehouse: parcel.input.warehouse ?? "", items: parcel.input.items, trackingNumber: answer.trackingNumber, carrier: answer.carrier });
    }
    const [first] = booked;
    if (!first) throw new Error(`shipment ${call.idempotencyKey} has no parcel`);
    return { ok: true, trackingNumber: first.trackingNumber, carrier: first.carrier, parcels: booked };
  };
  return (call: ProviderCall): Promise<Answer> => (call.op === "shipParcels" ? parcels(call) : one(call));
}

/** A try that got no answer: why, and whether it timed out (the provider may have done the work) or was refused at the door. */
class Missed {
  constructor(readonly why: string, readonly timedOut: boolean) {}
}

/** One try of `ask`: the provider's answer, or `Missed` (a transient failure). Other errors throw. */
async function once<A>(call: OneCall, timeoutMs: number, ask: () => Promise<A>): Promise<A | Missed> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Missed>((resolve) => {
    timer = setTimeout(() => resolve(new Missed(`${call.provider} provider did not answer within ${timeoutMs} ms`, true)), timeoutMs);
  });
  try {
    return await Promise.race([ask(), timeout]);
  } catch (err) {
    if (err instanceof ProviderUnavailable) return new Missed(`${call.provider} provider unavailable: ${err.message}`, false);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function send(p: Providers, call: OneCall): Promise<Answer> {
  const key = call.idempotencyKey;
  switch (call.op) {
    case "authorize": return p.payment.authorize(key, call.input);
    case "capture": return p.payment.capture(key, call.input);
    case "refund": return p.payment.refund(key, call.input);
    case "ship": return p.shipping.ship(key, call.input);
    default: return unreachable(call);
  }
}
