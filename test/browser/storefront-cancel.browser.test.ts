/**
 * Cancelling a paid order from its page, in Chromium:
 *
 *   checkout (UI) -> /orders/:id shows "Payment approved" live -> Cancel (a form post,
 *     303 back to the page) -> "Refund in progress" -> refund released -> "Cancelled"
 *
 * The order waits a minute before shipping, so it is still cancellable when the button is
 * clicked; the card processor holds the refund until the test has seen it pending.
 */
import { expect, test } from "bun:test";
import { heldShop } from "./held-payments.ts";
import { describeBrowser, screenshot } from "./kit.ts";
import {
  addToCart, cardNumber, checkout, expectClean, expectSameDocument, expectStatus, markDocument, register, streamOpened,
} from "./storefront-steps.ts";

describeBrowser("cancelling an order in Chromium", () => {
  const held = heldShop({ handlingMs: 60_000 }, ["refund"]);

  test("cancel a paid order: 'Refund in progress', then 'Cancelled', live, saying where the money is, and the button goes", async () => {
    const w = await held.b.newPage();
    const { page } = w;
    await register(page, "Cleo");
    await page.goto("/p/SPT-001");
    await addToCart(w, 1, 1);
    const orderId = await checkout(page, cardNumber("tok_visa"));
    await expectStatus(page, "PAYMENT_AUTHORIZED");
    const cancel = page.getByRole("button", { name: "Cancel order" });
    await cancel.waitFor();

    // a plain form post: the 303 back to the same URL is the one new document, so wait
    // for that document, not the URL (which already matches)
    const before = w.documents.length;
    const landed = page.waitForEvent("domcontentloaded");
    const streaming = streamOpened(page);
    await cancel.click();
    await landed;
    expect(w.documents).toHaveLength(before + 1);
    expect(new URL(page.url()).pathname).toBe(`/orders/${orderId}`);
    await streaming;
    await expectStatus(page, "REFUND_PENDING");
    const note = async () => ((await page.locator("#order-status .status-note").textContent()) ?? "").trim();
    expect(await note()).toBe("We are refunding $129.00 to your card. It can take a few days to show on your statement.");
    const documents = await markDocument(w);
    held.payments.release(orderId);
    await expectStatus(page, "CANCELLED");
    expect(await note()).toBe("Your order is cancelled and $129.00 was refunded to your card.");
    expect(await page.locator("#order-cancel form").count()).toBe(0);
    expect(await cancel.count()).toBe(0);
    await expectSameDocument(w, documents);
    // the page said so because the money went back, once
    expect((await held.simulator.ledger()).filter((e) => e.orderId === orderId).map((e) => e.kind)).toEqual(["authorize", "refund"]);
    expectClean(w);
    await screenshot(page, "storefront-order-cancelled");
    await page.context().close();
  }, 90_000);
});
