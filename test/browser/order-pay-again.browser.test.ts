/**
 * A declined order paid with a second card from its page, in Chromium, and what the page
 * says along the way:
 *
 *   place (tok_decline, authorization held) -> page open, "held until" -> release
 *     -> "Payment declined" live, the card form appears -> a good card (form post, 303)
 *     -> second authorization released -> "Payment approved" and "You can cancel until" live
 *     -> handling time over -> "On its way" with carrier and tracking number live
 *
 * and, with JavaScript off, a page that says its status may be out of date, refreshes
 * itself while the order can still move, and stops saying so once it cannot.
 */
import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { heldShop } from "./held-payments.ts";
import { describeBrowser, screenshot, signedIn } from "./kit.ts";
import {
  cardNumber, expectClean, expectSameDocument, expectStatus, LIVE_MS, markDocument, statusShown, streamOpened,
} from "./storefront-steps.ts";

/** Long enough for the page to be open while the paid order waits, short enough for the test. */
const HANDLING_MS = 4_000;
// times are localized by views/local-time.js: the zone's format, to the second

/** Every time on the page reads in the browser's own zone, also those a live update changed in place. */
async function expectLocalTimes(page: Page) {
  const wrong = await page.evaluate(() => {
    const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "long" });
    return [...document.querySelectorAll("time[data-local]")]
      .filter((t) => t.textContent !== format.format(new Date(t.getAttribute("datetime") ?? "")))
      .map((t) => t.outerHTML);
  });
  expect(wrong).toEqual([]);
}

describeBrowser("paying a declined order again, in Chromium", () => {
  const held = heldShop({ handlingMs: HANDLING_MS });

  test("declined -> another card from the order page -> approved, cancellable until a time, then shipped with tracking, all live", async () => {
    const customer = "browser-payer";
    const orderId = await held.b.shop.place(customer, { card: "tok_decline" });
    await held.b.shop.waitFor(orderId, ["INVENTORY_RESERVED"]);
    const context = await signedIn(held.b, customer, "customer");
    const w = await held.b.newPage(context);
    const { page } = w;
    const streaming = streamOpened(page);
    await page.goto(`/orders/${orderId}`);
    await streaming;
    expect(await statusShown(page)).toBe("INVENTORY_RESERVED");
    expect(await page.locator(".deadline").textContent()).toMatch(/^Your items are held for you until .*\d{1,2}:\d{2}:\d{2}.*\.$/);
    let documents = await markDocument(w);

    held.payments.release(orderId);
    await expectStatus(page, "PAYMENT_FAILED");
    expect((await page.locator("#order-status .status-note").textContent())?.trim()).toBe("Your card was declined. No money was taken.");
    const card = page.getByLabel("Pay with another card");
    await card.waitFor({ timeout: LIVE_MS });
    await expectSameDocument(w, documents);
    await screenshot(page, "order-pay-again-declined");

    // the second card's authorization waits until the new page is open
    held.payments.holdAgain(orderId);
    await card.fill(cardNumber("tok_visa"));
    const landed = page.waitForEvent("domcontentloaded");
    const reopened = streamOpened(page);
    await page.getByRole("button", { name: "Pay now" }).click();
    await landed;
    await reopened;
    expect(new URL(page.url()).pathname).toBe(`/orders/${orderId}`);
    expect(await statusShown(page)).toBe("INVENTORY_RESERVED");
    expect(await page.locator("#order-cancel form.pay-again").count()).toBe(0);
    documents = await markDocument(w);

    held.payments.release(orderId);
    await expectStatus(page, "PAYMENT_AUTHORIZED");
    const deadline = page.locator(".deadline");
    await deadline.filter({ hasText: "You can cancel until" }).waitFor({ timeout: LIVE_MS });
    expect(await deadline.textContent()).toMatch(/^You can cancel until .*\d{1,2}:\d{2}:\d{2}.*, when it goes to the carrier\.$/);
    expect(await page.getByRole("button", { name: "Cancel order" }).count()).toBe(1);
    await expectLocalTimes(page);
    await screenshot(page, "order-pay-again-approved");

    await expectStatus(page, "SHIPPED");
    const parcel = page.locator(".parcels li");
    await parcel.waitFor({ timeout: LIVE_MS });
    expect(await parcel.textContent()).toMatch(/^.+, tracking number [A-Z0-9-]{6,} \(shipped .+\)$/);
    expect(await page.locator(".order-delivery address").textContent()).toContain("12 Analytical St");
    expect(await deadline.count()).toBe(0);
    expect(await page.getByRole("button", { name: "Cancel order" }).count()).toBe(0);
    await expectSameDocument(w, documents);
    await expectLocalTimes(page);
    expectClean(w);
    await screenshot(page, "order-pay-again-shipped");

    // one authorization that took, one capture: the declined card was never charged
    const ledger = (await held.simulator.ledger()).filter((e) => e.orderId === orderId).map((e) => e.kind);
    expect(ledger.sort()).toEqual(["authorize", "capture"]);
    await context.close();
  }, 120_000);

  test("without JavaScript: the page says its status may be out of date, refreshes itself and offers a link, until the order is final", async () => {
    const customer = "browser-nojs";
    const orderId = await held.b.shop.place(customer, { card: "tok_decline" });
    await held.b.shop.waitFor(orderId, ["INVENTORY_RESERVED"]);
    const context = await signedIn(held.b, customer, "customer", { javaScriptEnabled: false });
    const { page } = await held.b.newPage(context);
    await page.goto(`/orders/${orderId}`);
    const notice = page.getByRole("note");
    expect(await notice.textContent()).toContain("the status may be out of date");
    expect(await notice.isVisible()).toBe(true);
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute("content")).toBe("30");
    await screenshot(page, "order-page-no-javascript");

    // the status moves on the server; the link shows it, with the card form that works without script
    held.payments.release(orderId);
    await held.b.shop.waitFor(orderId, ["PAYMENT_FAILED"]);
    await page.getByRole("link", { name: "refresh now" }).click();
    await page.waitForSelector('#order-status .badge[data-status="PAYMENT_FAILED"]');
    await page.getByLabel("Pay with another card").fill(cardNumber("tok_visa"));
    await page.getByRole("button", { name: "Pay now" }).click();
    await held.b.shop.waitFor(orderId, ["SHIPPED"], 30_000);
    const admin = await held.b.shop.token("admin");
    expect((await held.b.shop.call("PATCH", `/api/admin/orders/${orderId}/status`, { token: admin, body: { status: "DELIVERED" } })).status).toBe(202);
    await held.b.shop.waitFor(orderId, ["DELIVERED"]);
    await page.goto(`/orders/${orderId}`);
    expect(await page.getByRole("note").count()).toBe(0);
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    expect(await page.locator(".parcels li").textContent()).toContain("tracking number");
    await screenshot(page, "order-page-no-javascript-delivered");
    await context.close();
  }, 120_000);
});
