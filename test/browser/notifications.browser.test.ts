/**
 * Message preferences and history in Chromium: a customer adds a number and turns text
 * messages off on their account page, orders, and finds the order's emails (and no text)
 * in their history; an admin's open /admin/mail shows the new messages without a reload,
 * and the order's admin page lists them. Screenshots at desktop width and 390 px.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { registerCustomer } from "../accounts-kit.ts";
import { waitUntil } from "../kit.ts";
import { auditedShots, describeBrowser, openLive, signedIn, startBrowserShop, type BrowserShop } from "./kit.ts";
import { expectClean, expectSameDocument, LIVE_MS } from "./storefront-steps.ts";

let b: BrowserShop;

describeBrowser("message preferences and history in Chromium", () => {
  beforeAll(async () => {
    b = await startBrowserShop();
  }, 60_000);
  afterAll(() => b?.stop(), 60_000);

  test("a customer mutes texts and sees their history; an open /admin/mail shows the new messages live", async () => {
    const adminContext = await signedIn(b, "notify-admin", "admin");
    const mail = await openLive(b, adminContext, "/admin/mail", "/admin/mail/stream");
    const mailDocuments = mail.documents.length;

    const grace = await registerCustomer(b.shop, "Grace", "browser");
    const context = await signedIn(b, grace.id, "customer");
    const w = await b.newPage(context);
    const { page } = w;
    await page.goto("/account");
    await page.getByText("The welcome message and delivery confirmations").waitFor();
    await page.getByLabel("Mobile number for text messages (optional)").fill("+41 79 000 00 00");
    await page.getByRole("checkbox", { name: /Text messages/ }).uncheck();
    await page.getByRole("button", { name: "Save preferences" }).click();
    await page.getByText("Your message preferences are saved.").waitFor();
    expect(await page.getByRole("checkbox", { name: /Text messages/ }).isChecked()).toBe(false);
    expect(await page.getByRole("checkbox", { name: /Optional emails/ }).isChecked()).toBe(true);
    expect(await page.getByLabel("Mobile number for text messages (optional)").inputValue()).toBe("+41790000000");

    // the admin's list, never reloaded, shows Grace's welcome as it is queued and sent
    await mail.page.locator("#mail-list tr", { hasText: grace.email }).first().waitFor({ timeout: LIVE_MS });
    const orderId = await b.shop.place(grace.id);
    await b.shop.waitFor(orderId, ["SHIPPED"]);
    const rows = () => b.shop.sys.database.sql.query<{ id: string; template: string; channel: string; status: string }>(
      "SELECT id::text, template, channel, status FROM notify.messages WHERE subject = $1 ORDER BY id", [orderId]);
    await waitUntil(async () => {
      const r = await rows();
      return r.some((m) => m.template === "shipped") && r.every((m) => m.status === "sent");
    }, LIVE_MS, "the order's messages sent");
    expect((await rows()).map((m) => m.channel)).not.toContain("sms");
    const shipped = (await rows()).find((m) => m.template === "shipped")!;
    await mail.page.locator(`#message-${shipped.id}`, { hasText: "sent" }).waitFor({ timeout: LIVE_MS });
    await expectSameDocument(mail, mailDocuments);
    await auditedShots(mail.page, "notifications-admin-mail-live");

    await page.goto("/account");
    const history = page.getByRole("region", { name: "Messages sent to you" });
    await history.getByRole("link", { name: `Order ${orderId} has shipped` }).waitFor();
    expect(await history.getByText("Text message to").count()).toBe(0);
    expect(await history.getByText(`Email to ${grace.email}`).count()).toBeGreaterThanOrEqual(3);
    await auditedShots(page, "notifications-account");
    expectClean(w);

    const order = await b.newPage(adminContext);
    await order.page.goto(`/admin/orders/${orderId}`);
    const messages = order.page.getByRole("region", { name: "Messages", exact: true });
    await messages.getByRole("link", { name: "shipped", exact: true }).waitFor();
    expect(await messages.getByRole("row").count()).toBe((await rows()).length + 1);
    await auditedShots(order.page, "notifications-admin-order");
    await messages.getByRole("link", { name: "shipped", exact: true }).click();
    await order.page.waitForURL(new RegExp(`/admin/mail/${shipped.id}$`));
    expectClean(order);
    expectClean(mail);
    await context.close();
    await adminContext.close();
  }, 120_000);
});
