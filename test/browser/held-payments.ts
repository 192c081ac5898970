/**
 * A card processor whose answers wait for the test: each order's chosen operations are
 * held until released, so a page is open before the saga moves on, however slow the machine.
 */
import type { PaymentProvider } from "../../actors/providers/ports.ts";
import { orderIdOf } from "../../actors/providers/sim-shared.ts";

/** The provider operations a test can hold. */
export type HeldOp = "authorize" | "refund";

/** Wrap `inner`, holding every `ops` call of an order until `release(orderId)`. */
export function heldPayments(inner: PaymentProvider, ops: HeldOp[] = ["authorize"]) {
  const gates = new Map<string, { open: Promise<void>; release(): void }>();
  const gate = (orderId: string) => {
    let g = gates.get(orderId);
    if (!g) {
      let release = () => {};
      const open = new Promise<void>((r) => (release = r));
      g = { open, release };
      gates.set(orderId, g);
    }
    return g;
  };
  const held = async (op: HeldOp, key: string) => {
    if (ops.includes(op)) await gate(orderIdOf(key) ?? key).open;
  };
  const provider: PaymentProvider = {
    authorize: async (key, input) => {
      await held("authorize", key);
      return inner.authorize(key, input);
    },
    capture: (key, input) => inner.capture(key, input),
    refund: async (key, input) => {
      await held("refund", key);
      return inner.refund(key, input);
    },
  };
  return {
    provider,
    /** Let the held calls of `orderId` (and any later ones) through. */
    release: (orderId: string) => gate(orderId).release(),
    /** Let everything through: call before stopping, or a held call keeps the runner busy. */
    releaseAll: () => gates.forEach((g) => g.release()),
  };
}
