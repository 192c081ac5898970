/**
 * The admin dashboard in Chromium: an admin keeps /admin open while a customer, in another
 * browser context, buys through the storefront; the dashboard's figures move with no
 * reload. The page passes the accessibility audit (names, one h1, contrast, focus) and
 * does not scroll sideways on a 390 px phone; screenshots of both widths are kept.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { auditFocus, auditPage, auditWidth } from "./a11y.ts";
import { describeBrowser, screenshot, startBrowserShop, type BrowserShop } from "./kit.ts";
import { addToCart, cardNumber, checkout, expectClean, expectSameDocument, LIVE_MS, markDocument, register } from "./storefront-steps.ts";

let b: BrowserShop;

/** The big figure of the dashboard tile named `label`. */
const TILE = (label: string) => `.tile[data-tile="${label}"] .figure`;

describeBrowser("the admin dashboard in Chromium", () => {
  beforeAll(async () => {
    b = await startBrowserShop();
  }, 90_000);
  afterAll(() => b?.stop(), 60_000);

  test("the figures move live while a customer buys in another context", async () => {
    // a shop with some history: a shipped order, a declined card, an undeliverable address
    const placed = [
      await b.shop.place("dash-ann", { sku: "AUD-001", qty: 3 }),
      await b.shop.place("dash-ben", { sku: "PHN-001", card: "tok_decline" }),
      await b.shop.place("dash-cal", { sku: "BOK-001", qty: 2, postalCode: "00000" }),
    ];
    await b.shop.waitFor(placed[0]!, ["SHIPPED"]);
    await b.shop.waitFor(placed[1]!, ["PAYMENT_FAILED"]);
    await b.shop.waitFor(placed[2]!, ["SHIPPING_FAILED"]);
    const admin = await b.newContext();
    await b.signInAs(admin, "dash-admin", "admin");
    const w = await b.newPage(admin);
    const { page } = w;
    const streaming = page.waitForRequest((req) => new URL(req.url()).pathname === "/admin/stream", { timeout: LIVE_MS });
    await page.goto("/admin");
    await streaming;
    expect(await page.locator(TILE("Orders")).textContent()).toBe("3");
    expect(await page.locator(TILE("Failed, waiting for an admin")).textContent()).toBe("2");
    const revenue = await page.locator(TILE("Revenue")).textContent();
    const documents = await markDocument(w);

    const customer = await b.newContext();
    const c = await b.newPage(customer);
    await register(c.page, "Dora");
    await c.page.goto("/p/LAP-001");
    await addToCart(c, 2, 2);
    await checkout(c.page, cardNumber("tok_visa"));

    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "4", TILE("Orders"), { timeout: LIVE_MS });
    await page.waitForFunction(([sel, was]) => document.querySelector(sel!)?.textContent !== was, [TILE("Revenue"), revenue], { timeout: LIVE_MS });
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "1", TILE("New customers"), { timeout: LIVE_MS });
    await expectSameDocument(w, documents);
    // the order went on to ship: nothing is left in flight
    await page.waitForFunction(() => document.querySelector("#chart-status-desc")?.textContent?.includes("0 orders in flight") ?? false, null, { timeout: LIVE_MS });
    const top = await page.locator("#chart-top-caption + svg + details").locator('th[scope="row"]').allTextContents();
    expect(top).toContain("Altair Air 13");

    expect(await auditPage(page)).toEqual([]);
    expect((await auditFocus(page)).problems).toEqual([]);
    expectClean(w);
    copyFileSync(await screenshot(page, "admin-dashboard-desktop"), "/tmp/admin-dashboard-desktop.png");

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await auditWidth(page)).toEqual([]);
    copyFileSync(await screenshot(page, "admin-dashboard-phone"), "/tmp/admin-dashboard-phone.png");
    await customer.close();
    await admin.close();
  }, 120_000);
});
