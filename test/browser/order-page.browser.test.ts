/**
 * The order page in a real browser: the badge follows the saga live over SSE, with no
 * reload, no CSP violation and no console error.
 *
 *   place (JSON API) -> open /orders/:id (authorization held) -> stream connects
 *     -> release the card processor -> badge swaps to the final status in place
 */
import { expect, test } from "bun:test";
import type { OrderStatus } from "../../actors/contracts/index.ts";
import { STATUS_TEXT } from "../../views/order/order-status.tsx";
import { waitUntil } from "../kit.ts";
import { heldShop } from "./held-payments.ts";
import { describeBrowser, screenshot } from "./kit.ts";

const LIVE_MS = 30_000;

describeBrowser("order page in Chromium", () => {
  const held = heldShop({ handlingMs: 200 });

  /** Open the order page as its customer while payment is held; release it once the stream is up. */
  async function watchOrder(customer: string, card: string) {
    const orderId = await held.b.shop.place(customer, { card });
    await held.b.shop.waitFor(orderId, ["INVENTORY_RESERVED"]);
    const context = await held.b.newContext();
    await held.b.signInAs(context, customer, "customer");
    const watched = await held.b.newPage(context);
    const { page } = watched;
    // The request, not the response: Bun sends a stream's headers with its first chunk, and
    // nothing is newer than the page until payment moves (the server subscribes first anyway).
    const streaming = page.waitForRequest((req) => req.url().endsWith(`/orders/${orderId}/stream`), { timeout: LIVE_MS });
    await page.goto(`/orders/${orderId}`);
    expect(await page.getAttribute("#order-status .badge", "data-status")).toBe("INVENTORY_RESERVED");
    await streaming;
    // survives only if the document is never replaced
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = "same document"));
    held.payments.release(orderId);
    return { orderId, ...watched };
  }

  async function expectBadgeLive(w: Awaited<ReturnType<typeof watchOrder>>, status: OrderStatus) {
    const badge = await w.page.waitForSelector(`#order-status .badge[data-status="${status}"]`, { timeout: LIVE_MS });
    expect((await badge.textContent())?.trim()).toBe(STATUS_TEXT[status].label);
    // the history region is swapped by the same message
    await w.page.waitForSelector(`#order-timeline li:has-text("${STATUS_TEXT[status].label}")`, { timeout: LIVE_MS });
    expect(await w.page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same document");
    expect(w.documents).toHaveLength(1);
    expect(w.problems).toEqual({ console: [], pageErrors: [], csp: [], requests: [] });
  }

  test("a paid order reaches 'On its way' without a reload", async () => {
    const w = await watchOrder("browser-alice", "tok_visa");
    await expectBadgeLive(w, "SHIPPED");
    await screenshot(w.page, "order-page-shipped");
    await w.page.context().close();
  }, 60_000);

  test("a declined card shows 'Payment declined' without a reload", async () => {
    const w = await watchOrder("browser-bob", "tok_decline");
    await expectBadgeLive(w, "PAYMENT_FAILED");
    await screenshot(w.page, "order-page-payment-declined");
    await w.page.context().close();
  }, 60_000);

  // Guards the assertions above: a clean report must come from a watcher that does see violations.
  test("the watcher reports a script the CSP blocks", async () => {
    const orderId = await held.b.shop.place("browser-carol");
    const context = await held.b.newContext();
    await held.b.signInAs(context, "browser-carol", "customer");
    const { page, problems } = await held.b.newPage(context);
    await page.goto(`/orders/${orderId}`);
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "void 0";
      document.body.append(script);
    });
    await waitUntil(async () => problems.csp.length > 0, LIVE_MS, "a CSP violation report");
    expect(problems.csp[0]).toContain("script-src");
    await context.close();
  }, 60_000);
});
