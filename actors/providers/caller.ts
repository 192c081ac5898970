/** Routes a planned Call to its provider, bounded by the step timeout. */
import type { Call } from "../runtime/actor.ts";
import type { AuthorizeInput, PaymentProvider, PaymentRef, ShipInput, ShippingProvider } from "./ports.ts";

export function providerCaller(p: { payment: PaymentProvider; shipping: ShippingProvider }, timeoutMs: number) {
  return async (call: Call): Promise<unknown> => {
    const run = (): Promise<unknown> => {
      const key = call.idempotencyKey;
      switch (`${call.provider}.${call.op}`) {
        case "payment.authorize": return p.payment.authorize(key, call.input as AuthorizeInput);
        case "payment.capture": return p.payment.capture(key, call.input as PaymentRef);
        case "payment.refund": return p.payment.refund(key, call.input as PaymentRef);
        case "shipping.ship": return p.shipping.ship(key, call.input as ShipInput);
        default: throw new Error(`no provider for ${call.provider}.${call.op}`);
      }
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, reason: `${call.provider} provider did not answer within ${timeoutMs} ms` }), timeoutMs);
    });
    try {
      return await Promise.race([run(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
