/**
 * The account pages in Chromium, as a new customer meets them:
 *
 *   register (first, last, phone) -> a welcome notice and the verify banner -> the link from
 *   the outbox verifies -> the banner is gone
 *   forgotten password -> the reset link from the outbox -> the new password signs in, and a
 *   browser signed in before is signed out
 *
 * with a screenshot of each page, desktop and 390 px wide.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventsFor } from "../kit.ts";
import { auditedShots, describeBrowser, startBrowserShop, type BrowserShop } from "./kit.ts";

let b: BrowserShop;

/** The newest link token of `type` mailed to `email`, from the outbox. */
async function tokenFor(type: string, email: string): Promise<string> {
  const list = (await eventsFor(b.shop.sys.database.sql, null, type)).reverse();
  const found = list.map((r) => JSON.parse(r.message) as { payload: { email: string; token: string } }).find((e) => e.payload.email === email);
  if (!found) throw new Error(`no ${type} for ${email}`);
  return found.payload.token;
}

describeBrowser("the account pages in Chromium", () => {
  beforeAll(async () => {
    b = await startBrowserShop();
  }, 60_000);
  afterAll(() => b?.stop(), 60_000);

  test("register -> banner -> the link verifies -> no banner; forgotten password -> reset -> new password, old browser signed out", async () => {
    const email = `browser-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const { page } = await b.newPage();
    await page.goto("/register");
    await auditedShots(page, "accounts-register");
    await page.getByLabel("First name").fill("Grace");
    await page.getByLabel("Last name").fill("Hopper");
    await page.getByLabel("Phone (optional)").fill("+1 555 010 0000");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("analytical1");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Welcome! Your account is ready.").waitFor();
    const banner = page.getByRole("region", { name: "Email verification" });
    await banner.waitFor();
    await auditedShots(page, "accounts-registered");

    await page.goto("/account");
    await auditedShots(page, "accounts-account");

    await page.goto(`/verify-email?token=${await tokenFor("user.EmailVerificationRequested.v1", email)}`);
    await page.getByRole("heading", { name: "Email address verified" }).waitFor();
    expect(await banner.count()).toBe(0);
    await auditedShots(page, "accounts-verified");
    await page.goto("/account");
    expect(await page.getByText("verified", { exact: true }).count()).toBe(1);
    expect(await banner.count()).toBe(0);

    // a second browser signed in with the old password
    const other = await b.newPage();
    await other.page.goto("/login");
    await other.page.getByLabel("Email").fill(email);
    await other.page.getByLabel("Password").fill("analytical1");
    await other.page.getByRole("button", { name: "Sign in" }).click();
    await other.page.getByRole("button", { name: "Sign out Grace Hopper" }).waitFor();

    // forgotten: from the sign-in page of a third, signed-out browser
    const reset = await b.newPage();
    await reset.page.goto("/login");
    await auditedShots(reset.page, "accounts-login");
    await reset.page.getByRole("link", { name: "Forgot your password?" }).click();
    await auditedShots(reset.page, "accounts-forgot");
    await reset.page.getByLabel("Email").fill(email);
    await reset.page.getByRole("button", { name: "Send the link" }).click();
    await reset.page.getByText("If an account uses this address").waitFor();
    await auditedShots(reset.page, "accounts-forgot-sent");
    await reset.page.goto(`/reset-password?token=${await tokenFor("user.PasswordResetRequested.v1", email)}`);
    await auditedShots(reset.page, "accounts-reset");
    await reset.page.getByLabel("New password").fill("hopper-cobol-1959");
    await reset.page.getByRole("button", { name: "Set the new password" }).click();
    await reset.page.getByText("Your password is changed and every session has ended.").waitFor();
    await auditedShots(reset.page, "accounts-reset-done");
    await reset.page.getByLabel("Email").fill(email);
    await reset.page.getByLabel("Password").fill("hopper-cobol-1959");
    await reset.page.getByRole("button", { name: "Sign in" }).click();
    await reset.page.getByRole("button", { name: "Sign out Grace Hopper" }).waitFor();

    // the browser signed in before is out: the account page sends it to sign in
    await other.page.goto("/account");
    await other.page.waitForURL("**/login?next=%2Faccount");
    expect(await other.page.getByRole("button", { name: /Sign out/ }).count()).toBe(0);
    for (const p of [page, other.page, reset.page]) await p.context().close();
  }, 120_000);
});
