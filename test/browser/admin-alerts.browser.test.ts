/**
 * The admins' alerts in Chromium: an admin reads the audit log while a saga stalls (its
 * payment request was dead-lettered, so nobody answers it); the stall appears in the
 * console's alert strip and count with no reload, and goes when the replayed letter moves
 * the order on. Then /admin/alerts, acknowledging one by its form, at desktop width and on
 * a 390 px phone.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { paymentSimulator } from "../../actors/providers/payment-sim.ts";
import type { PaymentProvider } from "../../actors/providers/ports.ts";
import { shippingSimulator } from "../../actors/providers/shipping-sim.ts";
import { waitUntil } from "../kit.ts";
import { auditFocus, auditPage, auditWidth } from "./a11y.ts";
import { describeBrowser, screenshot, startBrowserShop, type BrowserShop } from "./kit.ts";
import { expectClean, expectSameDocument, LIVE_MS, markDocument } from "./storefront-steps.ts";

let b: BrowserShop;
/** While set, the card processor fails every authorization with a fault: the request is dead-lettered. */
let broken = false;

const stripLinks = (page: Page, orderId: string) => page.locator(`#alert-strip a[href="/admin/orders/${orderId}"]`);
const count = async (page: Page) => Number(((await page.locator("#alert-count .alert-count").textContent()) ?? "0").replace(/\D+/g, "") || 0);

describeBrowser("the admins' alerts in Chromium", () => {
  beforeAll(async () => {
    const inner = paymentSimulator();
    const payment: PaymentProvider = {
      ...inner,
      authorize: (key, input) => (broken ? Promise.reject(new Error("processor fault")) : inner.authorize(key, input)),
    };
    b = await startBrowserShop({ stallAfterMs: 1_500, maxAttempts: 2 }, { payment, shipping: shippingSimulator() });
  }, 60_000);
  afterAll(() => b?.stop(), 60_000);

  test("a stalled saga raises a live alert on an admin page, and it clears when the order moves", async () => {
    const context = await b.newContext();
    await b.signInAs(context, "alert-ada", "admin");
    const w = await b.newPage(context);
    const { page } = w;
    const streaming = page.waitForRequest((req) => new URL(req.url()).pathname === "/admin/alerts/live", { timeout: LIVE_MS });
    await page.goto("/admin/audit");
    await streaming;
    const documents = await markDocument(w);
    const before = await count(page);

    broken = true;
    const orderId = await b.shop.place("alert-buyer", { sku: "AUD-002" });
    await stripLinks(page, orderId).first().waitFor({ timeout: LIVE_MS });
    expect(await stripLinks(page, orderId).first().textContent()).toContain("has been INVENTORY_RESERVED");
    expect(await count(page)).toBeGreaterThanOrEqual(before + 2); // the stall and the dead letter behind it
    await expectSameDocument(w, documents);
    expect(await auditPage(page)).toEqual([]);
    await screenshot(page, "admin-alerts-stalled");
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await auditWidth(page)).toEqual([]);
    await screenshot(page, "admin-alerts-stalled-390");
    await page.setViewportSize({ width: 1280, height: 800 });

    broken = false;
    const admin = await b.shop.token("admin");
    const letter = (await b.shop.sys.alerts.page({ kind: "deadLetter", limit: 50 })).alerts.find((a) => (a.details as { key?: string }).key === orderId);
    expect(letter).toBeDefined();
    const replay = await b.shop.call("POST", `/api/admin/dead-letters/${letter!.subject}/replay`, { token: admin, body: { reason: "processor fixed" } });
    expect(replay.status).toBe(202);
    await b.shop.waitFor(orderId, ["SHIPPED"]);
    await page.waitForFunction((id) => !document.querySelector(`#alert-strip a[href="/admin/orders/${id}"]`), orderId, { timeout: LIVE_MS });
    await waitUntil(async () => (await count(page)) === before, LIVE_MS, "the count to come back");
    await expectSameDocument(w, documents);
    expectClean(w);
    await context.close();
  });

  test("/admin/alerts lists the open alerts by kind and acknowledges one by its form", async () => {
    const orderId = await b.shop.place("alert-buyer", { card: "tok_decline" });
    await b.shop.waitFor(orderId, ["PAYMENT_FAILED"]);
    await waitUntil(async () => (await b.shop.sys.alerts.page({ kind: "failed", limit: 50 })).alerts.some((a) => a.subject === orderId), LIVE_MS, "the alert");
    const context = await b.newContext();
    await b.signInAs(context, "alert-bo", "admin");
    const w = await b.newPage(context);
    const { page } = w;
    await page.goto("/admin/alerts");
    await page.getByLabel("Kind").selectOption("failed");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/kind=failed/);
    const row = page.locator("tr", { has: page.locator(`a[href="/admin/orders/${orderId}"]`) });
    expect(await row.textContent()).toContain("PAYMENT_FAILED");
    expect(await auditPage(page)).toEqual([]);
    expect((await auditFocus(page)).problems).toEqual([]);
    await screenshot(page, "admin-alerts-list");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "admin-alerts-list-390");
    expect(await auditWidth(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });

    await row.getByPlaceholder("Reason (optional)").fill("calling the customer");
    await row.getByRole("button", { name: /Acknowledge/ }).click();
    await page.getByText(/Alert \d+ acknowledged\./).waitFor();
    expect(await page.locator(`#alert-list a[href="/admin/orders/${orderId}"]`).count()).toBe(0);
    const audit = await b.shop.sys.audit.list({ action: "alert.acknowledge", limit: 5 });
    expect(audit.entries[0]).toMatchObject({ adminId: "alert-bo", fromState: "open", toState: "acknowledged", reason: "calling the customer" });
    expectClean(w);
    await context.close();
  });
});
