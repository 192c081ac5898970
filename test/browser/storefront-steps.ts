/**
 * What a customer does in the storefront, step by step through the pages, each step
 * waiting on what the page shows rather than on time. Fields are found by their <label>,
 * buttons and links by their accessible names, as a screen reader user would find them.
 */
import { expect } from "bun:test";
import type { Page } from "playwright-core";
import type { OrderStatus } from "../../actors/contracts/index.ts";
import { TEST_CARDS } from "../../actors/providers/test-cards.ts";
import { STATUS_TEXT } from "../../views/order/order-status.tsx";
import { ADDRESS } from "../kit.ts";
import type { heldPayments } from "./held-payments.ts";
import { screenshot, type BrowserShop, type WatchedPage } from "./kit.ts";

type HeldPayments = ReturnType<typeof heldPayments>;

/** How long a live update may take on a busy 2-core machine. */
export const LIVE_MS = 30_000;

/** The typed number of the documented test card that the simulator reads as `token`. */
export function cardNumber(token: string): string {
  const card = TEST_CARDS.find((c) => c.token === token);
  if (!card) throw new Error(`no test card for ${token}`);
  return card.number;
}

/** Create an account at /register (first name `name`, last name Tester); done when the header offers to sign it out. */
export async function register(page: Page, name: string) {
  await page.goto("/register");
  await page.getByLabel("First name", { exact: true }).fill(name);
  await page.getByLabel("Last name", { exact: true }).fill("Tester");
  await page.getByLabel("Email", { exact: true }).fill(`${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill("correct horse 42");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("button", { name: `Sign out ${name}` }).waitFor();
}

/**
 * Type "labtop" into the header's search box in two goes, checking that htmx fetches
 * suggestions for each (the "see all" link repeats what was typed), then submit it.
 */
export async function searchLaptops(page: Page) {
  const box = page.getByRole("searchbox", { name: "Search products" });
  const seeAll = (q: string) => page.locator("#search-suggestions a", { hasText: `See all results for “${q}”` });
  await box.pressSequentially("labt", { delay: 30 });
  await seeAll("labt").waitFor();
  await box.pressSequentially("op", { delay: 30 });
  await seeAll("labtop").waitFor();
  // the typo is forgiven while typing too: every product suggested is a laptop
  const suggested = await page.locator("#search-suggestions li a:not(:has-text('See all'))").allTextContents();
  expect(suggested.length).toBeGreaterThan(0);
  for (const s of suggested) expect(s).toContain("in Laptops");
  await box.press("Enter");
  await page.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === "labtop");
  expect((await page.locator(".corrected strong").textContent())?.trim()).toBe("laptop");
}

/**
 * On a product page, add `qty` with htmx: the message fills in and the header's badge
 * reads `count`, with no new document. Returns the product's name.
 */
export async function addToCart(w: WatchedPage, qty: number, count: number): Promise<string> {
  const { page } = w;
  const documents = w.documents.length;
  const name = (await page.locator("h1").textContent())?.trim() ?? "";
  await page.getByLabel("Quantity", { exact: true }).fill(String(qty));
  await page.getByRole("button", { name: "Add to cart" }).click();
  const message = page.locator(".add-to-cart [role=status] .cart-added");
  await message.waitFor();
  expect(await message.textContent()).toContain(`Added ${qty} × ${name} to your cart.`);
  await page.waitForFunction((n) => document.getElementById("cart-count")?.textContent?.trim().endsWith(` ${n}`), count);
  expect(w.documents).toHaveLength(documents);
  return name;
}

/** From the header's cart link (unless on /cart) to the checkout form, filled in and submitted; returns the order id. */
export async function checkout(page: Page, card: string): Promise<string> {
  if (new URL(page.url()).pathname !== "/cart") {
    await page.getByRole("link", { name: /^Cart\b/ }).click();
    await page.waitForURL((url) => url.pathname === "/cart");
  }
  await page.getByRole("link", { name: "Checkout" }).click();
  await page.waitForURL((url) => url.pathname === "/checkout");
  await fillCheckout(page, card);
  await page.getByRole("button", { name: /^Place order/ }).click();
  await page.waitForURL((url) => /^\/orders\/[^/]+$/.test(url.pathname));
  return decodeURIComponent(new URL(page.url()).pathname.split("/")[2] ?? "");
}

/** The delivery address and card fields of /checkout. */
export async function fillCheckout(page: Page, card: string) {
  await page.getByLabel("Full name").fill(ADDRESS.name);
  await page.getByLabel("Street and number").fill(ADDRESS.line1);
  await page.getByLabel("Town or city").fill(ADDRESS.city);
  await page.getByLabel("Postal code").fill(ADDRESS.postalCode);
  await page.getByLabel("Country code").fill(ADDRESS.country);
  await page.getByLabel("Card number").fill(card);
}

/** Wait until the order page's badge (and its history) show `status` in customer words. */
export async function expectStatus(page: Page, status: OrderStatus) {
  const { label } = STATUS_TEXT[status];
  const badge = await page.waitForSelector(`#order-status .badge[data-status="${status}"]`, { timeout: LIVE_MS });
  expect((await badge.textContent())?.trim()).toBe(label);
  await page.waitForSelector(`#order-timeline li:has-text("${label}")`, { timeout: LIVE_MS });
}

/** The status the order page shows now ("" when there is no badge). */
export const statusShown = async (page: Page): Promise<string> => (await page.getAttribute("#order-status .badge", "data-status")) ?? "";

/** Tag the current document; `expectSameDocument` proves nothing replaced it since. */
export async function markDocument(w: WatchedPage): Promise<number> {
  await w.page.evaluate(() => ((window as unknown as { marker: string }).marker = "same document"));
  return w.documents.length;
}

/** The document tagged by `markDocument` is still there and no other was loaded. */
export async function expectSameDocument(w: WatchedPage, documents: number) {
  expect(await w.page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same document");
  expect(w.documents).toHaveLength(documents);
}

/** Nothing went wrong on the page: no console error, exception, CSP violation or failed request. */
export function expectClean(w: WatchedPage) {
  expect(w.problems).toEqual({ console: [], pageErrors: [], csp: [], requests: [] });
}

/** Resolves when the page opens an order's SSE stream; call before the navigation that opens it. */
export const streamOpened = (page: Page) =>
  page.waitForRequest((req) => /\/orders\/[^/]+\/stream$/.test(new URL(req.url()).pathname), { timeout: LIVE_MS });

/**
 * The whole journey in the UI: register, search with a typo, add to cart, check out with
 * an approved card, then watch the order page follow the saga to SHIPPED with no reload.
 * The shop's `payments` hold authorization until the page is open, so the update is live.
 */
export async function buyALaptop(b: BrowserShop, payments: HeldPayments, shot: string) {
  const w = await b.newPage();
  const { page } = w;
  await register(page, "Ada");
  await searchLaptops(page);
  await page.getByRole("link", { name: "Altair Air 13", exact: true }).click();
  await page.waitForURL((url) => url.pathname === "/p/LAP-001");
  await addToCart(w, 2, 2);
  const streaming = streamOpened(page);
  const orderId = await checkout(page, cardNumber("tok_visa"));
  expect(["CREATED", "INVENTORY_RESERVED"]).toContain(await statusShown(page));
  await streaming;
  const documents = await markDocument(w);
  payments.release(orderId);
  await expectStatus(page, "SHIPPED");
  await expectSameDocument(w, documents);
  expectClean(w);
  await screenshot(page, shot);
  await page.context().close();
}
