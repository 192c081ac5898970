/**
 * Payment and shipping providers over HTTP: clients of deploy/provider-sim.ts (or anything
 * speaking its protocol). Only a parsed answer is returned. A network error, a 5xx or a 429
 * throws `ProviderUnavailable`, which the caller tries again with the same key (see
 * caller.ts); any other status or an answer of the wrong shape is a bug on one side and
 * throws for the runtime's retry and dead-letter path.
 */
import { z } from "zod";
import { PaymentFailureCode, ShippingFailureCode } from "../contracts/index.ts";
import {
  ProviderUnavailable,
  type AuthorizeInput, type PaymentOp, type PaymentProvider, type PaymentRef, type PaymentResult, type ShipInput, type ShippingProvider, type ShippingResult,
} from "./ports.ts";

/**
 * The runtime's caller already races its step timeout; this bound only stops a hanging
 * call (tok_timeout) from holding a socket forever once the caller has moved on.
 */
const FETCH_TIMEOUT_MS = 30_000;

// A refusal names its code from the port's list; a code we do not know is an unexpected body.
const PaymentAnswer = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), paymentId: z.string().min(1) }),
  z.object({ ok: z.literal(false), code: PaymentFailureCode, reason: z.string() }),
]) satisfies z.ZodType<PaymentResult>;
const ShippingAnswer = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), trackingNumber: z.string().min(1), carrier: z.string().min(1) }),
  z.object({ ok: z.literal(false), code: ShippingFailureCode, reason: z.string() }),
]) satisfies z.ZodType<ShippingResult>;

/** Providers that call the service at `baseUrl`, e.g. `http://provider-sim:4010`. */
export function httpProviders(baseUrl: string): { payment: PaymentProvider; shipping: ShippingProvider } {
  const base = baseUrl.replace(/\/+$/, "");
  const post = <I, R>(path: string, answer: z.ZodType<R>) => (idempotencyKey: string, input: I): Promise<R> =>
    request(`${base}${path}`, { idempotencyKey, input }, answer);
  // A lookup answers `{found: false}` or `{found: true, answer}`; only the answer is returned.
  const lookup = <O extends string, R>(path: string, answer: z.ZodType<R>) => async (op: O, idempotencyKey: string): Promise<R | null> => {
    const found = await request(`${base}${path}`, { op, idempotencyKey },
      z.discriminatedUnion("found", [z.object({ found: z.literal(false) }), z.object({ found: z.literal(true), answer })]));
    return found.found ? found.answer : null;
  };

  return {
    payment: {
      authorize: post<AuthorizeInput, PaymentResult>("/payment/authorize", PaymentAnswer),
      capture: post<PaymentRef, PaymentResult>("/payment/capture", PaymentAnswer),
      refund: post<PaymentRef, PaymentResult>("/payment/refund", PaymentAnswer),
      lookup: lookup<PaymentOp, PaymentResult>("/payment/lookup", PaymentAnswer),
    },
    shipping: {
      ship: post<ShipInput, ShippingResult>("/shipping/ship", ShippingAnswer),
      lookup: lookup<"ship", ShippingResult>("/shipping/lookup", ShippingAnswer),
    },
  };
}

/** POST `body` as JSON to `url` and parse the answer with `answer` (see above for what throws). */
async function request<R>(url: string, body: unknown, answer: z.ZodType<R>): Promise<R> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (err) {
    throw new ProviderUnavailable(`POST ${url} failed: ${err instanceof Error ? err.message : err}`, { cause: err });
  }
  const text = await res.text();
  if (res.status >= 500 || res.status === 429) throw new ProviderUnavailable(`POST ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  // A 4xx is a bug on our side and a retry will not fix it, but there is no answer to
  // return either: throwing leaves the message to the runtime's retry and dead-letter path.
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  const parsed = answer.safeParse(parseJson(text));
  if (!parsed.success) throw new Error(`POST ${url} answered an unexpected body: ${text.slice(0, 200)}`);
  return parsed.data;
}

/** The JSON in `text`, or undefined (which no answer schema accepts). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
