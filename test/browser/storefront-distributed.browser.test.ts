/**
 * The storefront's happy path again on the distributed engine (Postgres, Kafka, NATS and
 * Redis behind the Upstash protocol): the order page's live updates then travel over NATS.
 * Like the other distributed suites it fails, never skips, when those servers are missing.
 */
import { afterAll, beforeAll, test } from "bun:test";
import { paymentSimulator } from "../../actors/providers/payment-sim.ts";
import { shippingSimulator } from "../../actors/providers/shipping-sim.ts";
import { heldPayments } from "./held-payments.ts";
import { describeBrowser, startBrowserShop, type BrowserShop } from "./kit.ts";
import { buyALaptop } from "./storefront-steps.ts";

const payments = heldPayments(paymentSimulator());
let b: BrowserShop;

describeBrowser("storefront in Chromium, distributed engine", () => {
  beforeAll(async () => {
    // a held authorization must outlast the step timeout, which would otherwise fail it
    b = await startBrowserShop({ stepTimeoutMs: 60_000 }, { payment: payments.provider, shipping: shippingSimulator() }, "distributed");
  }, 120_000);
  afterAll(async () => {
    payments.releaseAll(); // a held call would keep the runner from stopping
    await b?.stop();
  }, 60_000);

  test("register, search with a typo, add to cart and check out: the order ships live", async () => {
    await buyALaptop(b, payments, "storefront-distributed-order-shipped");
  }, 90_000);
});
