/**
 * The storefront's guards, proven in Chromium rather than by hand-made requests:
 *
 * - a second click on "Place order" while the first answer is still on its way sends the
 *   form twice and places one order
 * - a product named <script>alert(1)</script> is text wherever it shows: no dialog, no CSP report
 * - a page on another site that posts a form to the shop (cancel an order, sign in) is refused
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { products, stock } from "../../db/schema.ts";
import { waitUntil } from "../kit.ts";
import { describeBrowser, screenshot, startBrowserShop, type BrowserShop } from "./kit.ts";
import { addToCart, cardNumber, checkout, expectClean, fillCheckout, register } from "./storefront-steps.ts";

const EVIL = "<script>alert(1)</script>";
let b: BrowserShop;
let checkoutPosts = 0;

/**
 * Answers to checkout come back late, as on a slow network, once the shop has placed the
 * order: a second click can then happen while the first post is still in flight.
 */
async function slowCheckout(req: Request) {
  if (req.method !== "POST" || new URL(req.url).pathname !== "/checkout") return;
  checkoutPosts++;
  await Bun.sleep(500);
}

describeBrowser("guards in Chromium", () => {
  beforeAll(async () => {
    // paid orders wait a minute before shipping: long enough to still be cancellable
    b = await startBrowserShop({ handlingMs: 60_000 }, undefined, "embedded", { beforeAnswer: slowCheckout });
    const db = b.shop.sys.database.db;
    await db.insert(products).values({
      sku: "XSS-001", name: EVIL, category: "Toys", brand: "Quotebrand", description: `Try ${EVIL} & <b>bold</b>`,
      price: 1234, rating: 1.5, images: ["/images/XSS-001-1.svg"],
    });
    await db.insert(stock).values({ sku: "XSS-001", warehouse: "BER", onHand: 5, reserved: 0 });
    await b.shop.sys.search.refreshTerms();
  }, 60_000);
  afterAll(() => b?.stop(), 60_000);

  test("clicking 'Place order' again while the first answer is slow sends the form twice and places one order", async () => {
    const w = await b.newPage();
    const { page } = w;
    await register(page, "Dora");
    await page.goto("/p/BOK-002");
    await addToCart(w, 1, 1);
    await page.goto("/checkout");
    await fillCheckout(page, cardNumber("tok_visa"));
    checkoutPosts = 0;
    // the mouse, not locator.click(), which would wait for the first navigation to finish
    const place = page.getByRole("button", { name: /^Place order/ });
    await place.scrollIntoViewIfNeeded();
    const box = await place.boundingBox();
    if (!box) throw new Error("no Place order button on screen");
    const click = () => page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await click();
    // the shop has placed the order; its answer is on the way when the impatient second click comes
    await waitUntil(async () => checkoutPosts === 1, 10_000, "the first post to reach the shop");
    await click();
    // the second post aborts the first navigation, which waitForURL may be following: wait for
    // where the browser ends up instead
    await waitUntil(async () => /^\/orders\/[^/]+$/.test(new URL(page.url()).pathname), 15_000, "the order page");
    await page.waitForLoadState("load");
    expect(checkoutPosts).toBe(2);
    await page.goto("/orders");
    expect(await page.locator(".history-row").count()).toBe(1);
    expect(((await page.locator("#cart-count").textContent()) ?? "").trim()).toEndWith(" 0");
    await page.context().close();
  }, 90_000);

  test(`a product named ${EVIL} shows as text on its page, in search, suggestions and the cart`, async () => {
    const w = await b.newPage();
    const { page } = w;
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto("/p/XSS-001");
    expect(await page.locator("h1").textContent()).toBe(EVIL);
    expect(await page.locator("main script").count()).toBe(0);
    await addToCart(w, 1, 1);
    await page.goto("/cart");
    expect(await page.locator("#cart .cart-lines tbody td").first().textContent()).toContain(EVIL);
    await page.getByRole("searchbox", { name: "Search products" }).pressSequentially("quotebr", { delay: 30 });
    await page.locator("#search-suggestions a", { hasText: EVIL }).waitFor();
    await page.goto("/search?q=quotebrand");
    expect(await page.locator(".product-card h3 a").allTextContents()).toEqual([EVIL]);
    expect(await page.evaluate(() => document.querySelectorAll("script:not([src])").length)).toBe(0);
    expect(dialogs).toEqual([]);
    expectClean(w);
    await screenshot(page, "storefront-markup-name-as-text");
    await page.context().close();
  }, 90_000);

  test("a form on another site cannot cancel a customer's order or sign anyone in: 403, and nothing changes", async () => {
    const w = await b.newPage();
    const { page } = w;
    await register(page, "Vic");
    await page.goto("/p/SPT-002");
    await addToCart(w, 1, 1);
    const orderId = await checkout(page, cardNumber("tok_visa"));
    await b.shop.waitFor(orderId, ["PAYMENT_AUTHORIZED"]);

    // another site (localhost is not 127.0.0.1 to a browser) with forms aimed at the shop
    const target = (path: string) => `${b.base}${path}`;
    const evil = Bun.serve({
      hostname: "127.0.0.1", port: 0,
      fetch: () => new Response(`<!doctype html><title>Win</title>
        <form method="post" action="${target(`/orders/${orderId}/cancel`)}"><button>Claim your prize</button></form>
        <form method="post" action="${target("/login")}"><input type="hidden" name="email" value="mallory@example.com">
          <input type="hidden" name="password" value="mallory-pass-1"><button>Sign up for news</button></form>`,
      { headers: { "content-type": "text/html" } }),
    });
    try {
      for (const button of ["Claim your prize", "Sign up for news"]) {
        await page.goto(`http://localhost:${evil.port}/`);
        const answer = page.waitForResponse((res) => res.url().startsWith(b.base) && res.request().method() === "POST");
        await page.getByRole("button", { name: button }).click();
        const res = await answer;
        expect([button, res.status(), res.request().headers()["origin"]]).toEqual([button, 403, `http://localhost:${evil.port}`]);
      }
    } finally {
      await evil.stop(true);
    }
    expect((await b.shop.waitFor(orderId, ["PAYMENT_AUTHORIZED"])).status).toBe("PAYMENT_AUTHORIZED");
    // the customer is still signed in as themselves, and their own page can still cancel
    await page.goto(`/orders/${orderId}`);
    await page.getByRole("button", { name: "Sign out Vic" }).waitFor();
    await page.getByRole("button", { name: "Cancel order" }).waitFor();
    await page.context().close();
  }, 90_000);
});
