/**
 * The admin console in Chromium, with the customer and a second admin in their own browser
 * contexts where the console claims to be live:
 *
 *   tok_decline_once -> admin presses Retry -> customer's page and admin's page reach SHIPPED
 *   postal code 00000 -> admin refunds      -> REFUND_PENDING -> REFUNDED on both admins' pages
 *                                              and in a third admin's orders table
 *   a letter parked while the list is open -> appears -> replayed from its page -> gone
 *
 * and every page an admin opens, as a screen reader, a keyboard and a 390 px phone meet it.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { BrowserContext, Page } from "playwright-core";
import type { OrderStatus } from "../../actors/contracts/index.ts";
import { waitUntil } from "../kit.ts";
import { sendUnprocessable } from "../poison.ts";
import { auditFocus, auditPage, auditWidth } from "./a11y.ts";
import { describeBrowser, openLive as openLiveIn, screenshot, signedIn as signedInAs, startBrowserShop, type BrowserShop } from "./kit.ts";

const LIVE_MS = 30_000;
let b: BrowserShop;

const signedIn = (sub: string, role: "admin" | "customer", options: Parameters<BrowserShop["browser"]["newContext"]>[0] = {}) => signedInAs(b, sub, role, options);
const openLive = (context: BrowserContext, path: string, stream: string) => openLiveIn(b, context, path, stream, LIVE_MS);

const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { marker?: string }).marker);
const adminBadge = (page: Page, status: OrderStatus) =>
  page.waitForSelector(`#admin-order-head .badge[data-status="${status}"]`, { timeout: LIVE_MS });

/** Use one saga tool on an admin's order page: its reason, the tick when it asks for one, the button. */
async function useTool(page: Page, tool: string, button: string, reason: string) {
  const form = page.locator(`form[action$="/tools/${tool}"]`);
  await form.getByLabel("Reason (for the audit log)").fill(reason);
  const tick = form.locator('input[name="confirm"]');
  if (await tick.count()) await tick.check();
  await form.getByRole("button", { name: button }).click();
}

describeBrowser("the admin console in Chromium", () => {
  beforeAll(async () => {
    b = await startBrowserShop({ handlingMs: 300 });
  }, 60_000);
  afterAll(() => b?.stop(), 60_000);

  test("Retry on a declined-once card: the customer's page and the admin's page both follow to SHIPPED", async () => {
    const orderId = await b.shop.place("con-alice", { card: "tok_decline_once" });
    await b.shop.waitFor(orderId, ["PAYMENT_FAILED"]);
    const customer = await openLive(await signedIn("con-alice", "customer"), `/orders/${orderId}`, `/orders/${orderId}/stream`);
    const admin = await b.newPage(await signedIn("con-ada", "admin"));
    await admin.page.goto(`/admin/orders/${orderId}`);
    await useTool(admin.page, "retry", "Retry the failed step", "customer topped up the card");
    await admin.page.waitForURL(`**/admin/orders/${orderId}?done=retry`);
    await admin.page.getByText("Done: retry the failed step.").waitFor();
    await adminBadge(admin.page, "SHIPPED");
    await customer.page.waitForSelector('#order-status .badge[data-status="SHIPPED"]', { timeout: LIVE_MS });
    expect(await sameDocument(customer.page)).toBe("same document");
    expect(customer.problems).toEqual({ console: [], pageErrors: [], csp: [], requests: [] });
    expect(admin.problems).toEqual({ console: [], pageErrors: [], csp: [], requests: [] });
    // the tools follow the state: only delivery is left to mark
    await admin.page.locator('form[action$="/tools/markDelivered"]').waitFor({ timeout: LIVE_MS });
    expect(await admin.page.locator('form[action*="/tools/"]').count()).toBe(1);
    await screenshot(admin.page, "admin-order-retried");
    await customer.page.context().close();
    await admin.page.context().close();
  }, 90_000);

  test("a refund pressed by one admin: REFUND_PENDING then REFUNDED live on a second admin's page and a third's orders table", async () => {
    const orderId = await b.shop.place("con-bob", { postalCode: "00000" });
    await b.shop.waitFor(orderId, ["SHIPPING_FAILED"]);
    const watcher = await openLive(await signedIn("con-ben", "admin"), `/admin/orders/${orderId}`, `/admin/orders/${orderId}/stream`);
    const table = await openLive(await signedIn("con-cid", "admin"), "/admin/orders", "/admin/orders/stream");
    await table.page.locator(`#order-${orderId}[data-status="SHIPPING_FAILED"]`).waitFor({ timeout: LIVE_MS });
    const actor = await b.newPage(await signedIn("con-ada", "admin"));
    await actor.page.goto(`/admin/orders/${orderId}`);
    await useTool(actor.page, "refundPayment", "Refund the payment", "parcel cannot be delivered");
    await adminBadge(watcher.page, "REFUNDED");
    expect(await sameDocument(watcher.page)).toBe("same document");
    await watcher.page.locator(`#admin-order-history [data-status="REFUND_PENDING"]`).waitFor();
    expect(await watcher.page.locator('#admin-order-tools form').count()).toBe(0);
    // the authorization the refund gave back, and its amount
    expect(await watcher.page.locator("#admin-order-saga").textContent()).toMatch(/\S+ authorized, not captured; refunded \$[\d.,]+/);
    expect(watcher.problems).toEqual({ console: [], pageErrors: [], csp: [], requests: [] });
    await screenshot(watcher.page, "admin-order-refunded");
    // the table's row follows without a reload
    await table.page.locator(`#order-${orderId}[data-status="REFUNDED"]`).waitFor({ timeout: LIVE_MS });
    expect(await sameDocument(table.page)).toBe("same document");
    expect(table.problems).toEqual({ console: [], pageErrors: [], csp: [], requests: [] });
    await table.page.context().close();
    await watcher.page.context().close();
    await actor.page.context().close();
  }, 90_000);

  test("a dead letter appears in an open list, is replayed from its page, and leaves the list", async () => {
    // an answer for an order whose read model is gone: the order parks it (test/poison.ts)
    const orderId = "ghost-<script>alert(1)</script>";
    const list = await openLive(await signedIn("con-ada", "admin"), "/admin/dead-letters?state=waiting", "/admin/dead-letters/stream");
    await sendUnprocessable(b.shop, orderId);
    const row = list.page.locator("#dead-letter-list tr", { hasText: orderId });
    await row.waitFor({ timeout: LIVE_MS });
    expect(await sameDocument(list.page)).toBe("same document");

    // the fix: the broken order is taken away, so the answer finds no order and is let go
    await b.shop.sys.database.sql.query("DELETE FROM ordering.orders WHERE id = $1", [orderId]);
    await row.getByRole("link").first().click();
    await list.page.getByRole("heading", { name: /^Dead letter \d+/ }).waitFor();
    expect(await list.page.locator("pre", { hasText: "alert(1)" }).first().textContent()).toContain("<script>alert(1)</script>");
    expect(await list.page.evaluate(() => document.querySelectorAll("script:not([src])").length)).toBe(0);
    await list.page.getByLabel("Reason (for the audit log)").first().fill("broken order removed");
    await list.page.getByRole("button", { name: "Replay this letter" }).click();
    await list.page.getByText("Replayed: the message went back to its consumer.").waitFor();
    await list.page.goto("/admin/dead-letters?state=waiting");
    expect(await list.page.locator("#dead-letter-list tr", { hasText: orderId }).count()).toBe(0);
    // delivered and accepted: nothing parked again for this order
    await waitUntil(async () => (await b.shop.sys.deadLetters.page({ key: orderId, limit: 5 })).letters.every((l) => l.replayedAt !== null));
    await list.page.context().close();
  }, 90_000);

  test("every console page: names, one h1, contrast, Tab order, and no sideways scrolling on a 390 px phone", async () => {
    const orderId = await b.shop.place("con-dora", { card: "tok_decline" });
    await b.shop.waitFor(orderId, ["PAYMENT_FAILED"]);
    const { letters } = await b.shop.sys.deadLetters.page({ limit: 1 });
    const pages = ["/admin", `/admin/orders/${orderId}`, "/admin/dead-letters", "/admin/audit",
      ...(letters[0] ? [`/admin/dead-letters/${letters[0].id}`] : [])];
    expect(pages).toHaveLength(5);
    const found: Record<string, string[]> = {};
    const desk = await (await signedIn("con-ada", "admin")).newPage();
    const phone = await (await signedIn("con-ada", "admin", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
    for (const path of pages) {
      await desk.goto(path);
      const problems = [...(await auditPage(desk)), ...(await auditFocus(desk)).problems];
      await phone.goto(path);
      problems.push(...(await auditWidth(phone)));
      await screenshot(phone, `admin-phone-${path.replaceAll("/", "-")}`);
      if (problems.length > 0) found[path] = problems;
    }
    expect(found).toEqual({});
    await desk.context().close();
    await phone.context().close();
  }, 120_000);

  test("a guest is sent to sign in and back; a customer gets the 403 page; another site's form is refused", async () => {
    const orderId = await b.shop.place("con-eve", { card: "tok_decline" });
    await b.shop.waitFor(orderId, ["PAYMENT_FAILED"]);
    const guest = await (await b.newContext()).newPage();
    await guest.goto(`/admin/orders/${orderId}`);
    expect(new URL(guest.url()).pathname).toBe("/login");
    expect(new URL(guest.url()).searchParams.get("next")).toBe(`/admin/orders/${orderId}`);
    const customer = await (await signedIn("con-eve", "customer")).newPage();
    const res = await customer.goto("/admin/dead-letters");
    expect(res?.status()).toBe(403);
    await customer.getByRole("heading", { level: 1 }).waitFor();
    expect(await customer.locator("header.site").count()).toBe(1);

    const admin = await (await signedIn("con-ada", "admin")).newPage();
    const evil = Bun.serve({
      hostname: "127.0.0.1", port: 0,
      fetch: () => new Response(`<!doctype html><title>Win</title>
        <form method="post" action="${b.base}/admin/orders/${orderId}/tools/releaseInventory">
          <input type="hidden" name="reason" value="x"><input type="hidden" name="confirm" value="yes"><button>Claim</button></form>`,
      { headers: { "content-type": "text/html" } }),
    });
    try {
      await admin.goto(`http://localhost:${evil.port}/`);
      const answer = admin.waitForResponse((r) => r.url().startsWith(b.base) && r.request().method() === "POST");
      await admin.getByRole("button", { name: "Claim" }).click();
      expect((await answer).status()).toBe(403);
    } finally {
      await evil.stop(true);
    }
    expect((await b.shop.waitFor(orderId, ["PAYMENT_FAILED"])).status).toBe("PAYMENT_FAILED");
    for (const page of [guest, customer, admin]) await page.context().close();
  }, 90_000);
});
