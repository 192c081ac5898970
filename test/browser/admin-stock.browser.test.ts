/**
 * The stock console in Chromium, two admins at once: Ada adjusts a product under its
 * low-stock threshold on its stock page (htmx, no reload); Bo, with the dashboard and the
 * stock list open, sees the low-stock alert arrive in the console's strip, the dashboard's
 * low-stock count move, and the list's figures follow - an order's reservation too. Ada's
 * restock file clears the alert and the count. Both pages pass the accessibility audit and
 * fit a 390 px phone; screenshots of both widths are kept.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { waitUntil } from "../kit.ts";
import { auditFocus, auditPage, auditWidth } from "./a11y.ts";
import { describeBrowser, openLive, screenshot, signedIn, startBrowserShop, type BrowserShop } from "./kit.ts";
import { expectClean, expectSameDocument, LIVE_MS } from "./storefront-steps.ts";

const SKU = "HOM-003";
let b: BrowserShop;

const lowTile = async (page: Page) => Number(await page.locator('.tile[data-tile="Low on stock"] .figure').textContent());
const alertLink = (page: Page) => page.locator(`#alert-strip a[href="/admin/stock/${SKU}"]`);
const figure = (page: Page, name: string) => page.locator(`#stock-${SKU} [data-figure="${name}"]`);

/** Keep a screenshot where a person can look at it too. */
async function shoot(page: Page, name: string) {
  copyFileSync(await screenshot(page, name), `/tmp/${name}.png`);
}

describeBrowser("the stock console in Chromium", () => {
  beforeAll(async () => {
    b = await startBrowserShop({ handlingMs: 120_000 }); // an order stays reserved while the test watches
  }, 90_000);
  afterAll(() => b?.stop(), 60_000);

  test("an adjustment under the threshold alerts another admin live and moves the dashboard's count; a restock clears both", async () => {
    await b.shop.oneWarehouse(SKU); // all its units in Berlin, so one adjustment can take them down to 4
    const { available } = await b.shop.stockOf(SKU);
    expect(available).toBeGreaterThan(10);
    const bo = await signedIn(b, "stock-bo", "admin");
    const dashboard = await openLive(b, bo, "/admin", "/admin/stream");
    const list = await openLive(b, bo, `/admin/stock?q=${SKU}`, "/admin/stock/stream");
    const [dashDocs, listDocs] = [dashboard.documents.length, list.documents.length];
    const lowBefore = await lowTile(dashboard.page);
    expect(await alertLink(dashboard.page).count()).toBe(0);

    // Ada takes away all but 4 on the product's stock page: the form answers in place
    const ada = await signedIn(b, "stock-ada", "admin");
    const product = await openLive(b, ada, `/admin/stock/${SKU}`, `/admin/stock/${SKU}/stream`);
    const productDocs = product.documents.length;
    // a change that is not a number is named beside its field, in place
    await product.page.getByLabel("Change in units on hand").fill("lots");
    await product.page.getByRole("button", { name: "Adjust stock" }).click();
    await product.page.locator("#adjust-change-error").waitFor({ timeout: LIVE_MS });
    expect(await product.page.locator(".error-summary").textContent()).toContain("Change: enter a whole number");
    await product.page.locator("#adjust-warehouse").selectOption("BER");
    await product.page.getByLabel("Change in units on hand").fill(String(4 - available));
    await product.page.locator("#stock-adjust").getByLabel("Reason").selectOption("damage");
    await product.page.getByLabel("Note (optional)").fill("water damage in aisle 3");
    await product.page.getByRole("button", { name: "Adjust stock" }).click();
    await product.page.getByText("Took away").waitFor({ timeout: LIVE_MS });
    expect(await product.page.locator('#stock-figures [data-figure="available"]').textContent()).toBe("4");
    await product.page.locator("#stock-movements", { hasText: "water damage in aisle 3" }).waitFor({ timeout: LIVE_MS });
    expect(await product.page.getByLabel("Change in units on hand").inputValue()).toBe("");

    // Bo: the alert in the strip, the dashboard's count, the list's figures - no reload
    await alertLink(dashboard.page).waitFor({ timeout: LIVE_MS });
    expect(await alertLink(dashboard.page).textContent()).toContain("4 left");
    await waitUntil(async () => (await lowTile(dashboard.page)) === lowBefore + 1, LIVE_MS, "the dashboard's low-stock count to move");
    await waitUntil(async () => (await figure(list.page, "available").textContent()) === "4", LIVE_MS, "the list's available units");
    expect(await list.page.locator(`#stock-${SKU} .badge`).textContent()).toBe("low");

    // an order reserves one: the list and the product page follow
    const orderId = await b.shop.place("stock-buyer", { sku: SKU, qty: 1 });
    await waitUntil(async () => (await figure(list.page, "reserved").textContent()) === "1", LIVE_MS, "the reservation on the list");
    expect(await figure(list.page, "available").textContent()).toBe("3");
    await product.page.locator("#stock-movements", { hasText: `order ${orderId}` }).waitFor({ timeout: LIVE_MS });
    expect(await product.page.locator('#stock-figures [data-figure="available"]').textContent()).toBe("3");

    expect(await auditPage(product.page)).toEqual([]);
    // Tab order from the top of a fresh load (the form's swap leaves the browser's focus start point in the page)
    const fresh = await b.newPage(ada);
    await fresh.page.goto(`/admin/stock/${SKU}`);
    expect((await auditFocus(fresh.page)).problems).toEqual([]);
    await fresh.page.close();
    await shoot(product.page, "admin-stock-product");
    await product.page.setViewportSize({ width: 390, height: 844 });
    expect(await auditWidth(product.page)).toEqual([]);
    await shoot(product.page, "admin-stock-product-390");

    // Ada's restock file: applied as one batch, the alert resolves and the count goes back
    const restock = await b.newPage(ada);
    await restock.page.goto("/admin/stock?low=1");
    await restock.page.getByLabel("Restock file (CSV)").setInputFiles({ name: "delivery.csv", mimeType: "text/csv", buffer: Buffer.from(`sku,warehouse,quantity\n${SKU},LYS,40\n`) });
    await restock.page.getByLabel(/^Note/).fill("delivery 4711");
    await restock.page.getByRole("button", { name: "Apply restock" }).click();
    await restock.page.getByText("Restock applied: 40 units added to 1 products.").waitFor();
    await alertLink(dashboard.page).waitFor({ state: "detached", timeout: LIVE_MS });
    await waitUntil(async () => (await lowTile(dashboard.page)) === lowBefore, LIVE_MS, "the dashboard's low-stock count to come back");
    await waitUntil(async () => (await figure(list.page, "available").textContent()) === "43", LIVE_MS, "the restock on the list");
    expect(await list.page.locator(`#stock-${SKU} .badge`).textContent()).toBe("in stock");

    await restock.page.goto("/admin/stock");
    expect(await auditPage(restock.page)).toEqual([]);
    expect((await auditFocus(restock.page)).problems).toEqual([]);
    await shoot(restock.page, "admin-stock-list");
    await restock.page.setViewportSize({ width: 390, height: 844 });
    expect(await auditWidth(restock.page)).toEqual([]);
    await shoot(restock.page, "admin-stock-list-390");

    await expectSameDocument(dashboard, dashDocs);
    await expectSameDocument(list, listDocs);
    await expectSameDocument(product, productDocs);
    for (const w of [dashboard, list, restock]) expectClean(w);
    // the refused change was the product page's one failed request (the browser logs its 400 too)
    expect(product.problems.requests).toEqual([expect.stringMatching(/^POST .*\/admin\/stock\/HOM-003\/adjust: 400$/)]);
    expect(product.problems.console).toEqual([expect.stringMatching(/status of 400 .*\/admin\/stock\/HOM-003\/adjust\)$/)]);
    expect({ ...product.problems, requests: [], console: [] }).toEqual({ console: [], pageErrors: [], csp: [], requests: [] });
    const audit = await b.shop.sys.audit.list({ action: "stock.restock", limit: 5 });
    expect(audit.entries[0]).toMatchObject({ adminId: "stock-ada", objectId: `${SKU}@LYS`, reason: "delivery 4711" });
    await Promise.all([bo.close(), ada.close()]);
  });

  test("a restock file with a bad line is refused whole, and the page names the line", async () => {
    const before = (await b.shop.stockOf("HOM-004")).available;
    const ada = await signedIn(b, "stock-ada", "admin");
    const w = await b.newPage(ada);
    await w.page.goto("/admin/stock");
    await w.page.getByLabel("Restock file (CSV)").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("HOM-004,BER,5\nHOM-005,BER,lots\n") });
    await w.page.getByRole("button", { name: "Apply restock" }).click();
    await w.page.getByRole("alert").filter({ hasText: "line 2: quantity must be a whole number" }).waitFor();
    expect(await w.page.title()).toStartWith("Error: Stock");
    expect((await b.shop.stockOf("HOM-004")).available).toBe(before);
    await shoot(w.page, "admin-stock-restock-refused");
    await ada.close();
  });
});
