/**
 * The storefront's happy path again on the distributed engine (Postgres, Kafka, NATS and
 * Redis behind the Upstash protocol): the order page's live updates then travel over NATS.
 * Like the other distributed suites it fails, never skips, when those servers are missing.
 */
import { test } from "bun:test";
import { heldShop } from "./held-payments.ts";
import { describeBrowser } from "./kit.ts";
import { buyALaptop } from "./storefront-steps.ts";

describeBrowser("storefront in Chromium, distributed engine", () => {
  const held = heldShop({}, undefined, "distributed");

  test("register, search with a typo, add to cart and check out: the order ships live", async () => {
    await buyALaptop(held.b, held.payments, "storefront-distributed-order-shipped");
  }, 90_000);
});
