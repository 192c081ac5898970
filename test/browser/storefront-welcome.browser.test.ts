/**
 * What a new customer meets on the way to a first order, in Chromium:
 *
 *   a product rated 4.9 shows 4.9 (four stars and nine tenths of the fifth, not four nor five)
 *   guest -> Checkout -> sign-in page saying why -> "Create an account" -> registered,
 *     told so, back at checkout with the name filled in
 *   Register from the header on a product page -> told it worked, back on that page
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Locator, Page } from "playwright-core";
import sharp from "sharp";
import { describeBrowser, screenshot, startBrowserShop, type BrowserShop } from "./kit.ts";
import { addToCart, expectClean } from "./storefront-steps.ts";

let b: BrowserShop;
const WELCOME = "Welcome! Your account is ready. We sent you a link to verify your email address.";

/** Fill /register's form and submit it. */
async function fillRegistration(page: Page, first: string, last: string) {
  await page.getByLabel("First name", { exact: true }).fill(first);
  await page.getByLabel("Last name", { exact: true }).fill(last);
  await page.getByLabel("Email", { exact: true }).fill(`${first.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill("correct horse 42");
  await page.getByRole("button", { name: "Create account" }).click();
}

/**
 * How much of each star is painted gold, in percent rounded to tens, read from the pixels
 * Chromium drew (render at a high device scale). Both star colours are warm (red well above
 * blue; the page behind is white or cool): gold strongly, grey slightly, so even an
 * anti-aliased point reads right. The stars are the runs of warm columns (a point's few
 * faint columns may break a run: gaps narrower than the space between stars are joined);
 * a star's fill is the share of its columns that hold gold.
 */
async function starFills(stars: Locator): Promise<number[]> {
  const { data, info } = await sharp(await stars.screenshot()).raw().toBuffer({ resolveWithObject: true });
  const warmth = (x: number, y: number) => {
    const i = (y * info.width + x) * info.channels;
    return data[i]! - data[i + 2]!;
  };
  const columns = Array.from({ length: info.width }, (_, x) => {
    let most = -255;
    for (let y = 0; y < info.height; y++) most = Math.max(most, warmth(x, y));
    return most > 50 ? "gold" : most > 8 ? "grey" : null;
  });
  const gap = Math.round(info.width / 120); // the stars stand 4 of 120 units apart; a gap of 1 unit is a broken point
  const runs: { gold: number; all: number; end: number }[] = [];
  columns.forEach((c, x) => {
    if (c === null) return;
    const last = runs.at(-1);
    const run = last && x - last.end <= gap ? last : (runs.push({ gold: 0, all: 0, end: x }), runs.at(-1)!);
    run.all++;
    if (c === "gold") run.gold++;
    run.end = x;
  });
  return runs.map((r) => Math.round((r.gold / r.all) * 10) * 10);
}

describeBrowser("a new customer's first steps in Chromium", () => {
  beforeAll(async () => {
    b = await startBrowserShop();
  }, 60_000);
  afterAll(() => b?.stop(), 60_000);

  test("a 4.9 rating reads 4.9 and paints four stars and nine tenths of the fifth, on the product page and in the listing", async () => {
    const context = await b.browser.newContext({ baseURL: b.base, deviceScaleFactor: 4 });
    const w = await b.newPage(context);
    const { page } = w;
    await page.goto("/p/TOY-007");
    const rating = page.locator("main .rating").first();
    expect((await rating.locator(".rating-text").textContent())?.trim()).toBe("4.9 out of 5");
    expect(await starFills(rating.locator("svg.stars"))).toEqual([100, 100, 100, 100, 90]);
    await screenshot(page, "storefront-rating-4.9");
    // the same product in its category's listing
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link").last().click();
    const card = page.locator("li, article").filter({ has: page.locator('a[href="/p/TOY-007"]') }).locator(".rating").first();
    expect((await card.locator(".rating-text").textContent())?.trim()).toBe("4.9 out of 5");
    expect(await starFills(card.locator("svg.stars"))).toEqual([100, 100, 100, 100, 90]);
    expectClean(w);
    await context.close();
  }, 60_000);

  test("a guest sent to sign in from checkout is told why, registers, is told it worked and finds the name filled in", async () => {
    const w = await b.newPage();
    const { page } = w;
    await page.goto("/p/SPT-001");
    await addToCart(w, 1, 1);
    await page.goto("/cart");
    await page.getByRole("link", { name: "Checkout" }).click();
    await page.waitForURL((url) => url.pathname === "/login" && url.searchParams.get("next") === "/checkout");
    expect(await page.locator(".account-why").textContent()).toBe(
      "Sign in to check out: your order is placed on your account, so you can follow it. Your cart is kept.");
    await screenshot(page, "storefront-checkout-sign-in-why");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL((url) => url.pathname === "/register" && url.searchParams.get("next") === "/checkout");
    await fillRegistration(page, "Edsger", "Dijkstra");
    await page.waitForURL((url) => url.pathname === "/checkout");
    expect((await page.getByRole("status").filter({ hasText: "Welcome!" }).textContent())?.trim()).toBe(WELCOME);
    expect(await page.getByLabel("Full name").inputValue()).toBe("Edsger Dijkstra");
    expect(await page.locator("table.items").first().textContent()).toContain("1");
    await screenshot(page, "storefront-checkout-prefilled");
    expectClean(w);
    await page.context().close();
  }, 60_000);

  test("Register in the header: told it worked, back on the page the customer was reading", async () => {
    const w = await b.newPage();
    const { page } = w;
    await page.goto("/p/LAP-002");
    await page.getByRole("link", { name: "Register", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/register");
    await fillRegistration(page, "Barbara", "Liskov");
    await page.getByRole("button", { name: "Sign out Barbara Liskov" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/p/LAP-002");
    const notice = page.getByRole("status").filter({ hasText: "Welcome!" });
    expect((await notice.textContent())?.trim()).toBe(WELCOME);
    expect(await notice.isVisible()).toBe(true);
    await screenshot(page, "storefront-registered-from-header");
    // told once: the next page has no notice
    await page.reload();
    expect(await page.getByRole("status").filter({ hasText: "Welcome!" }).count()).toBe(0);
    expectClean(w);
    await page.context().close();
  }, 60_000);
});
