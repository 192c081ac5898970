/**
 * The storefront in Chromium, driven only through its pages:
 *
 *   /register -> search box (htmx suggestions) -> /search -> /p/:sku (htmx add to cart)
 *     -> /cart -> /checkout -> /orders/:id (SSE: the badge follows the saga)
 *
 * The card processor holds each authorization until the test has the order page open,
 * so "live" means the page saw the change happen, however slow the machine.
 */
import { expect, test } from "bun:test";
import { waitUntil } from "../kit.ts";
import { heldShop } from "./held-payments.ts";
import { describeBrowser, screenshot, type WatchedPage } from "./kit.ts";
import {
  addToCart, buyALaptop, cardNumber, checkout, expectClean, expectSameDocument, expectStatus, LIVE_MS, markDocument,
  register, statusShown, streamOpened,
} from "./storefront-steps.ts";

describeBrowser("storefront in Chromium", () => {
  const held = heldShop({});

  test("register, search with a typo, add to cart and check out: the order ships live", async () => {
    await buyALaptop(held.b, held.payments, "storefront-order-shipped");
  }, 90_000);

  test("a declined card shows 'Payment declined' and why, live", async () => {
    const w = await held.b.newPage();
    const { page } = w;
    await register(page, "Bob");
    await page.goto("/p/AUD-001");
    await addToCart(w, 1, 1);
    const streaming = streamOpened(page);
    const orderId = await checkout(page, cardNumber("tok_decline"));
    await streaming;
    const documents = await markDocument(w);
    held.payments.release(orderId);
    await expectStatus(page, "PAYMENT_FAILED");
    expect((await page.locator("#order-status .status-note").textContent())?.trim())
      .toBe("Your card was declined. No money was taken.");
    await expectSameDocument(w, documents);
    expectClean(w);
    await screenshot(page, "storefront-order-declined");
    await page.context().close();
  }, 90_000);

  test("without JavaScript: register, add to cart and check out with plain form posts", async () => {
    const context = await held.b.browser.newContext({ baseURL: held.b.base, javaScriptEnabled: false });
    const w = await held.b.newPage(context);
    const { page } = w;
    await register(page, "Noscript");
    await page.goto("/p/BOK-001");
    const name = (await page.locator("h1").textContent())?.trim() ?? "";
    await page.getByLabel("Quantity", { exact: true }).fill("3");
    await page.getByRole("button", { name: "Add to cart" }).click();
    // the form posted and the answer redirected to the cart page
    await page.waitForURL((url) => url.pathname === "/cart");
    await page.locator("#cart .cart-lines tbody tr", { hasText: name }).waitFor();
    expect((await page.locator("#cart-count").textContent())?.trim()).toEndWith(" 3");
    const orderId = await checkout(page, cardNumber("tok_mastercard"));
    expect(["CREATED", "INVENTORY_RESERVED"]).toContain(await statusShown(page));
    held.payments.release(orderId);
    // no stream without JavaScript: reloading shows the progress
    await waitUntil(async () => {
      await page.reload();
      return (await statusShown(page)) === "SHIPPED";
    }, LIVE_MS, "SHIPPED after a reload");
    await expectStatus(page, "SHIPPED");
    expectClean(w);
    await screenshot(page, "storefront-nojs-order");
    await context.close();
  }, 90_000);

  test("on a 390 px phone the product page and the cart fit the screen", async () => {
    const context = await held.b.browser.newContext({ baseURL: held.b.base, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const w = await held.b.newPage(context);
    const { page } = w;
    await page.goto("/p/LAP-004");
    await addToCart(w, 1, 1);
    await expectFits(w);
    await screenshot(page, "storefront-phone-product");
    await page.getByRole("link", { name: /^Cart\b/ }).click();
    await page.waitForURL((url) => url.pathname === "/cart");
    await page.locator("#cart .cart-lines tbody tr").waitFor();
    await expectFits(w);
    expectClean(w);
    await screenshot(page, "storefront-phone-cart");
    await context.close();
  }, 90_000);
});

/** No horizontal scrolling: the document is no wider than the phone's 390 px. */
async function expectFits(w: WatchedPage) {
  const size = await w.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(size.inner).toBe(390);
  expect(size.scroll).toBeLessThanOrEqual(size.inner);
}
