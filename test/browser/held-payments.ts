/**
 * A card processor whose answers wait for the test: each order's chosen operations are
 * held until released, so a page is open before the saga moves on, however slow the machine.
 */
import { afterAll, beforeAll } from "bun:test";
import { paymentSimulator } from "../../actors/providers/payment-sim.ts";
import type { PaymentProvider } from "../../actors/providers/ports.ts";
import { shippingSimulator } from "../../actors/providers/shipping-sim.ts";
import type { Config } from "../../actors/system/system.ts";
import type { Engine } from "../engines.ts";
import { startBrowserShop, type BrowserShop } from "./kit.ts";
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
    lookup: (op, key) => inner.lookup(op, key),
  };
  return {
    provider,
    /** Let the held calls of `orderId` (and any later ones) through. */
    release: (orderId: string) => gate(orderId).release(),
    /** Hold the next calls of `orderId` again, until the next `release(orderId)` (a second card's authorization). */
    holdAgain: (orderId: string) => void gates.delete(orderId),
    /** Let everything through: call before stopping, or a held call keeps the runner busy. */
    releaseAll: () => gates.forEach((g) => g.release()),
  };
}

/**
 * Around a suite: a browser shop (see kit.ts) on `engine` whose card processor holds `ops`
 * of each order until the test releases them - held calls outlast the step timeout - and
 * which lets everything through before it stops (a held call would keep the runner busy).
 */
export function heldShop(overrides: Partial<Config> = {}, ops?: HeldOp[], engine: Engine = "embedded") {
  const simulator = paymentSimulator();
  const payments = heldPayments(simulator, ops);
  let shop: BrowserShop | undefined;
  beforeAll(async () => {
    shop = await startBrowserShop({ stepTimeoutMs: 60_000, ...overrides }, { payment: payments.provider, shipping: shippingSimulator() }, engine);
  }, 120_000);
  afterAll(async () => {
    payments.releaseAll();
    await shop?.stop();
  }, 60_000);
  return {
    payments,
    /** the card processor behind the holds, with its ledger */
    simulator,
    get b(): BrowserShop {
      if (!shop) throw new Error("the shop starts in beforeAll");
      return shop;
    },
  };
}
