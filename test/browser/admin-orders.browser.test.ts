/**
 * The admin orders table in a real browser, two people at once: an admin has /admin/orders
 * open; a customer (another browser profile) checks out; the order appears at the top of the
 * admin's table without a reload, and its row follows the saga to SHIPPED in place.
 *
 *   admin opens the table (stream connects) -> customer registers, buys, pays (held)
 *     -> the row arrives on top -> release the card processor -> the row reads SHIPPED
 */
import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { heldShop } from "./held-payments.ts";
import { auditFocus, auditPage, auditWidth } from "./a11y.ts";
import { describeBrowser, screenshot } from "./kit.ts";
import { addToCart, cardNumber, checkout, expectClean, expectSameDocument, LIVE_MS, markDocument, register } from "./storefront-steps.ts";

const tableStream = (page: Page) =>
  page.waitForRequest((req) => new URL(req.url()).pathname === "/admin/orders/stream", { timeout: LIVE_MS });

/** A screenshot for the test's artifacts and one under /tmp to look at. */
async function shoot(page: Page, name: string) {
  await screenshot(page, name);
  await page.screenshot({ path: `/tmp/${name}.png`, fullPage: true });
}

describeBrowser("the admin orders table in Chromium", () => {
  const held = heldShop({ handlingMs: 200 });

  test("a customer's new order appears live at the top of an admin's table and turns SHIPPED in place", async () => {
    const { b, payments } = held;
    // an older order, so the new one has a row to land above
    const older = await b.shop.place("browser-earlier", { sku: "AUD-005" });
    payments.release(older);
    await b.shop.waitFor(older, ["SHIPPED"]);

    const adminContext = await b.newContext();
    await b.signInAs(adminContext, "browser-admin", "admin");
    const watched = await b.newPage(adminContext);
    const { page } = watched;
    await page.setViewportSize({ width: 1280, height: 800 });
    const streaming = tableStream(page);
    await page.goto("/admin/orders");
    await page.locator(`#order-${older}`).waitFor();
    await streaming;
    const documents = await markDocument(watched);

    // the customer, in a browser profile of their own
    const customer = await b.newPage();
    await register(customer.page, "Grace");
    await customer.page.goto("/p/LAP-001");
    await addToCart(customer, 1, 1);
    const orderId = await checkout(customer.page, cardNumber("tok_visa"));

    // on the admin's page: the new row on top, with who ordered, before payment is through
    const top = page.locator("#order-rows tr.order-row").first();
    await page.waitForSelector(`#order-rows tr.order-row:first-child#order-${orderId}`, { timeout: LIVE_MS });
    expect(await top.locator("td.customer").textContent()).toContain("Grace");
    expect(await top.getAttribute("data-status")).not.toBe("SHIPPED");
    expect(await page.locator(`#order-${older}`).count()).toBe(1); // the older row stays, below
    await shoot(page, "admin-orders-arrived");

    payments.release(orderId);
    await page.waitForSelector(`#order-${orderId}[data-status="SHIPPED"] .badge[data-status="SHIPPED"]`, { timeout: LIVE_MS });
    expect(await page.locator("#order-rows tr.order-row").first().getAttribute("id")).toBe(`order-${orderId}`);
    expect(await page.locator(`#order-${orderId} a`).first().getAttribute("href")).toBe(`/admin/orders/${orderId}`);
    await expectSameDocument(watched, documents);
    expectClean(watched);
    await shoot(page, "admin-orders-desktop");

    // names, contrast, one h1, focus order; then nothing wider than a phone
    expect(await auditPage(page)).toEqual([]);
    expect((await auditFocus(page)).problems).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await auditWidth(page)).toEqual([]);
    await shoot(page, "admin-orders-390");

    // htmx boosts the filter form: the same document, the filter in the address, a stream for it
    await page.setViewportSize({ width: 1280, height: 800 });
    const refiltered = page.waitForRequest((req) => {
      const url = new URL(req.url());
      return url.pathname === "/admin/orders/stream" && url.searchParams.get("customer") === "grace";
    }, { timeout: LIVE_MS });
    await page.getByLabel("Customer email or name").fill("grace");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL((url) => url.searchParams.get("customer") === "grace");
    await refiltered;
    await page.locator(`#order-${older}`).waitFor({ state: "detached" });
    expect(await page.locator("#order-rows tr.order-row").evaluateAll((rows) => rows.map((r) => r.id))).toEqual([`order-${orderId}`]);
    await expectSameDocument(watched, documents);
    // and the back button brings the whole list back
    await page.goBack();
    await page.locator(`#order-${older}`).waitFor();
    expectClean(watched);
    await customer.page.context().close();
    await adminContext.close();
  }, 90_000);

  test("the filter form works without JavaScript: a GET that lands on a bookmarkable address", async () => {
    const { b } = held;
    const context = await b.browser.newContext({ baseURL: b.base, javaScriptEnabled: false });
    await b.signInAs(context, "browser-admin-2", "admin");
    const page = await context.newPage();
    await page.goto("/admin/orders");
    await page.locator("summary", { hasText: "Status:" }).click();
    await page.getByLabel(/On its way/).check();
    await page.getByLabel("Sort by").selectOption("total");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL((url) => url.searchParams.get("status") === "SHIPPED" && url.searchParams.get("sort") === "total");
    const statuses = await page.locator("#order-rows tr.order-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-status")));
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(["SHIPPED"]));
    await shoot(page, "admin-orders-filtered");
    await context.close();
  }, 60_000);
});
