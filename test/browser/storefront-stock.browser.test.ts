/**
 * Live stock on the product page, in Chromium: while a shopper looks at a product, other
 * customers' orders reserve units, an admin takes stock out and a cancelled order gives
 * its units back; the badge follows each change over SSE with no reload.
 *
 *   open /p/SPT-006 (11 free: "In stock") -> an order reserves 3 -> "Only 8 left!"
 *     -> an admin writes off 8 -> "Out of stock", the add-to-cart form goes
 *     -> the order is cancelled -> "Only 3 left!", the form is back and adds to the cart
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { describeBrowser, screenshot, startBrowserShop, type BrowserShop } from "./kit.ts";
import { addToCart, expectClean, expectSameDocument, LIVE_MS, markDocument } from "./storefront-steps.ts";

const SKU = "SPT-006";
let b: BrowserShop;

describeBrowser("live stock in Chromium", () => {
  beforeAll(async () => {
    // paid orders wait a minute before shipping, so the test can still cancel one
    b = await startBrowserShop({ handlingMs: 60_000 });
  }, 60_000);
  afterAll(() => b?.stop(), 60_000);

  /** An admin's stock adjustment through the JSON API. */
  async function adjust(delta: number, reason: string) {
    const res = await b.shop.call("POST", `/api/admin/products/${SKU}/stock`, { token: await b.shop.token("admin"), body: { delta, reason, warehouse: "BER" } });
    expect(res.status).toBe(200);
  }

  test("'Only X left!', 'Out of stock' and the add-to-cart form follow reservations, adjustments and releases with no reload", async () => {
    await b.shop.oneWarehouse(SKU);
    await adjust(11 - (await b.shop.stockOf(SKU)).available, "count before the test");
    const w = await b.newPage();
    const { page } = w;
    const streaming = page.waitForRequest((req) => new URL(req.url()).pathname === `/p/${SKU}/stream`, { timeout: LIVE_MS });
    await page.goto(`/p/${SKU}`);
    const badge = page.locator(`#stock-${SKU}`);
    expect(((await badge.textContent()) ?? "").trim()).toBe("In stock");
    await streaming;
    const documents = await markDocument(w);
    const shows = (text: string) => page.waitForFunction(
      ([id, want]) => document.getElementById(id!)?.textContent?.trim() === want, [`stock-${SKU}`, text], { timeout: LIVE_MS },
    );

    const orderId = await b.shop.place("stock-buyer", { sku: SKU, qty: 3 });
    await shows("Only 8 left!");
    expect(await badge.getAttribute("data-stock")).toBe("low");
    await screenshot(page, "storefront-stock-low");

    await adjust(-8, "damaged in the warehouse");
    await shows("Out of stock");
    expect(await badge.getAttribute("data-stock")).toBe("out");
    const addButton = page.getByRole("button", { name: "Add to cart" });
    await page.getByText("This product cannot be ordered right now.").waitFor({ timeout: LIVE_MS });
    expect(await addButton.count()).toBe(0);
    // the badge stays a polite live region, so a screen reader hears each change
    expect(await badge.getAttribute("role")).toBe("status");

    await b.shop.waitFor(orderId, ["PAYMENT_AUTHORIZED"]);
    const cancelled = await b.shop.call("POST", `/api/orders/${orderId}/cancel`, { token: await b.shop.token("customer", "stock-buyer") });
    expect(cancelled.status).toBe(202);
    await shows("Only 3 left!");
    await addButton.waitFor({ timeout: LIVE_MS });
    await addToCart(w, 2, 2); // the form that came back over the stream works like the first

    await expectSameDocument(w, documents);
    expectClean(w);
    await screenshot(page, "storefront-stock-released");
    await page.context().close();
  }, 90_000);
});
