/**
 * /admin/customers in Chromium: an admin disables a signed-in customer; the customer's next
 * page load (within the access token check window) is signed out and signing in again is
 * refused with the clear message; re-enabled, they sign in. Desktop and 390 px screenshots.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { waitUntil } from "../kit.ts";
import { registerCustomer } from "../accounts-kit.ts";
import { describeBrowser, screenshot, startBrowserShop, type BrowserShop } from "./kit.ts";

let b: BrowserShop;

async function signInByForm(page: Page, email: string) {
  await page.goto("/login?next=/orders");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("analytical1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForLoadState("load");
}

async function useTool(page: Page, tool: string, button: string, reason: string) {
  const form = page.locator(`form[action$="/${tool}"]`);
  await form.getByLabel("Reason (for the audit log)").fill(reason);
  const tick = form.locator('input[name="confirm"]');
  if (await tick.count()) await tick.check();
  await form.getByRole("button", { name: button }).click();
  await page.waitForURL(`**?done=${tool}`);
}

describeBrowser("customers in the admin console, in Chromium", () => {
  beforeAll(async () => {
    b = await startBrowserShop();
  }, 60_000);
  afterAll(() => b?.stop(), 60_000);

  test("disable signs the customer out and refuses their sign-in with a message; enable lets them back", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const ivy = await registerCustomer(b.shop, "Ivy", tag);
    const customer = await b.newPage();
    await signInByForm(customer.page, ivy.email);
    expect(customer.page.url()).toEndWith("/orders");

    const adminContext = await b.newContext();
    await b.signInAs(adminContext, "cust-browser-admin", "admin");
    const admin = await b.newPage(adminContext);
    await admin.page.goto(`/admin/customers?q=${tag}`);
    await screenshot(admin.page, "customers2-list");
    await admin.page.getByRole("link", { name: `Ivy ${tag}` }).click();
    await admin.page.getByRole("heading", { name: `Ivy ${tag}` }).waitFor();
    await useTool(admin.page, "disable", "Disable account", "chargebacks");
    await admin.page.getByText("Account disabled: its sessions end now.").waitFor();
    await screenshot(admin.page, "customers2-detail");
    await admin.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(admin.page, "customers2-detail-390");

    // the next page load, once the access token check sees the disabling, is signed out
    await waitUntil(async () => {
      await customer.page.goto("/orders");
      return customer.page.url().includes("/login");
    }, 30_000, "customer signed out");
    await signInByForm(customer.page, ivy.email);
    await customer.page.getByText("This account has been disabled.").first().waitFor();
    await screenshot(customer.page, "customers2-refused");

    await admin.page.setViewportSize({ width: 1280, height: 900 });
    await useTool(admin.page, "enable", "Enable account", "settled");
    await signInByForm(customer.page, ivy.email);
    expect(customer.page.url()).toEndWith("/orders");
  }, 120_000);
});
