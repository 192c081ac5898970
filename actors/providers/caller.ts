/** Routes a planned provider call to its provider, bounded by the step timeout. */
import type { PaymentFailureCode, ShippingFailureCode } from "../contracts/index.ts";
import { unreachable } from "../runtime/actor.ts";
import type { PaymentProvider, PaymentResult, ProviderCall, ShippingProvider, ShippingResult } from "./ports.ts";

type Providers = { payment: PaymentProvider; shipping: ShippingProvider };

/** The code of a call the provider did not answer in time; total, so a new operation must name its own. */
const TIMEOUT: Record<ProviderCall["op"], PaymentFailureCode | ShippingFailureCode> = {
  authorize: "AUTHORIZATION_TIMEOUT",
  capture: "CAPTURE_TIMEOUT",
  refund: "REFUND_TIMEOUT",
  ship: "SHIPPING_TIMEOUT",
};

/** A function that performs any provider call; a call that outlasts `timeoutMs` is answered as a timeout refusal. */
export function providerCaller(p: Providers, timeoutMs: number) {
  return async (call: ProviderCall): Promise<PaymentResult | ShippingResult> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<PaymentResult | ShippingResult>((resolve) => {
      const reason = `${call.provider} provider did not answer within ${timeoutMs} ms`;
      timer = setTimeout(() => resolve({ ok: false, code: TIMEOUT[call.op], reason }), timeoutMs);
    });
    try {
      return await Promise.race([send(p, call), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

function send(p: Providers, call: ProviderCall): Promise<PaymentResult | ShippingResult> {
  const key = call.idempotencyKey;
  switch (call.op) {
    case "authorize": return p.payment.authorize(key, call.input);
    case "capture": return p.payment.capture(key, call.input);
    case "refund": return p.payment.refund(key, call.input);
    case "ship": return p.shipping.ship(key, call.input);
    default: return unreachable(call);
  }
}
