/**
 * /admin/mail in Chromium: a customer's order confirmation goes out on its own and shows in
 * the list; a failed text message is opened and sent again by its button. At desktop width
 * and on a 390 px phone.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { FAILING_SMS_NUMBER } from "../../actors/notify/delivery.ts";
import { waitUntil } from "../kit.ts";
import { auditPage, auditWidth } from "./a11y.ts";
import { describeBrowser, screenshot, startBrowserShop, type BrowserShop } from "./kit.ts";
import { expectClean, LIVE_MS } from "./storefront-steps.ts";

let b: BrowserShop;
const shot = async (page: Parameters<typeof screenshot>[0], name: string) => copyFileSync(await screenshot(page, name), `/tmp/notifier2-${name}.png`);

describeBrowser("/admin/mail in Chromium", () => {
  beforeAll(async () => {
    b = await startBrowserShop();
  }, 60_000);
  afterAll(() => b?.stop(), 60_000);

  test("the mail list shows what was sent; a failed message is previewed and sent again", async () => {
    const signUp = await b.shop.call("POST", "/api/auth/register", { body: { email: "mail-ada@example.com", password: "analytical1", name: "Ada Lovelace" } });
    expect(signUp.status).toBe(201);
    const orderId = await b.shop.place(signUp.json.user.id);
    const sql = b.shop.sys.database.sql;
    await waitUntil(async () => (await sql.query("SELECT 1 FROM notify.messages WHERE subject = $1 AND status = 'sent'", [orderId])).length > 0, LIVE_MS, "the confirmation sent");
    const data = { kind: "shipped", orderId, carrier: "Post", trackingNumber: "TRK-42" };
    const [row] = await sql.query<{ id: string }>(
      `INSERT INTO notify.messages (key, event_id, subject, user_id, channel, recipient, template, priority, data, status, attempts, last_error, created_at, next_at)
       VALUES ('browser-failed-sms', 'e-b', $1, $2, 'sms', $3, 'shipped', 'high', $4::jsonb, 'failed', 5, $5, now(), now()) RETURNING id::text`,
      [orderId, signUp.json.user.id, FAILING_SMS_NUMBER, JSON.stringify(data), `Error: simulated SMS failure for ${FAILING_SMS_NUMBER}`]);
    const context = await b.newContext();
    await b.signInAs(context, "mail-admin", "admin");
    const w = await b.newPage(context);
    const { page } = w;
    await page.goto("/admin/mail");
    expect(await page.locator("tr", { hasText: "mail-ada@example.com" }).first().textContent()).toContain("sent");
    expect(await auditPage(page)).toEqual([]);
    await shot(page, "mail-list");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "mail-list-390");
    expect(await auditWidth(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByLabel("Status").selectOption("failed");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=failed/);
    await page.locator(`a[href="/admin/mail/${row!.id}"]`).click();
    await page.waitForURL(new RegExp(`/admin/mail/${row!.id}$`));
    expect(await page.locator("pre.code").textContent()).toContain("TRK-42");
    await page.getByRole("button", { name: "Send again" }).click();
    await page.getByText("Queued again").waitFor();
    const audit = await b.shop.sys.audit.list({ action: "message.resend", limit: 5 });
    expect(audit.entries[0]).toMatchObject({ adminId: "mail-admin", fromState: "failed", objectId: row!.id });
    // the simulator's failing number fails again, attempt after attempt
    await waitUntil(async () => (await sql.query("SELECT 1 FROM notify.messages WHERE id = $1::bigint AND attempts > 0", [row!.id])).length > 0, LIVE_MS, "a new attempt");

    const confirmation = await sql.query<{ id: string }>("SELECT id::text FROM notify.messages WHERE subject = $1 AND channel = 'email' ORDER BY id LIMIT 1", [orderId]);
    await page.goto(`/admin/mail/${confirmation[0]!.id}`);
    expect(await page.locator("iframe.mail-preview").getAttribute("sandbox")).toBe("");
    await page.frameLocator("iframe.mail-preview").getByText("Follow your order").or(page.frameLocator("iframe.mail-preview").locator("a").first()).first().waitFor();
    await shot(page, "mail-message");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "mail-message-390");
    expect(await auditWidth(page)).toEqual([]);
    expectClean(w);
    await context.close();
  }, 90_000);
});
