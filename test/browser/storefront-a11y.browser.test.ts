/**
 * Every storefront page in Chromium, as a screen reader and a keyboard meet it (labels and
 * names, one h1, contrast, Tab order and focus rings: test/browser/a11y.ts) and on a 390 px
 * phone (no sideways scrolling). Pages are reached the way a customer reaches them: a
 * guest's pages first, then register, fill the cart, check out, and the order's pages.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { BrowserContext, Page } from "playwright-core";
import { auditFocus, auditPage, auditWidth } from "./a11y.ts";
import { describeBrowser, screenshot, startBrowserShop, type BrowserShop } from "./kit.ts";
import { addToCart, cardNumber, checkout, fillCheckout, register } from "./storefront-steps.ts";

type Visit = { name: string; open(page: Page): Promise<unknown> };

let b: BrowserShop;

/** A form posted with what the server refuses (the browser's own checks pass), leaving its error page open. */
async function submitRefused(page: Page, path: string, fields: Record<string, string>, button: string | RegExp) {
  await page.goto(path);
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole("button", { name: button }).click();
  await page.locator(".error-summary").waitFor();
}

const GUEST_VISITS: Visit[] = [
  { name: "home", open: (p) => p.goto("/") },
  { name: "category", open: (p) => p.goto("/c/laptops") },
  { name: "search", open: (p) => p.goto("/search?q=lapto") },
  { name: "search, no results", open: (p) => p.goto("/search?q=zzzzqqq") },
  { name: "product", open: (p) => p.goto("/p/LAP-001") },
  { name: "product, not found", open: (p) => p.goto("/p/NOPE-1") },
  { name: "sign in", open: (p) => p.goto("/login") },
  { name: "sign in, wrong password", open: (p) => submitRefused(p, "/login", { Email: "nobody@example.com", Password: "wrong-pass-1" }, "Sign in") },
  { name: "register, rules broken", open: (p) => submitRefused(p, "/register", { "First name": "A", "Last name": "B", Email: "a@b", Password: "short" }, "Create account") },
  { name: "empty cart", open: (p) => p.goto("/cart") },
];

/** Pages of a signed-in customer with a cart and an order: `orderId` is set once placed. */
let orderId = "";
const CUSTOMER_VISITS: Visit[] = [
  { name: "cart", open: (p) => p.goto("/cart") },
  { name: "checkout", open: (p) => p.goto("/checkout") },
  {
    name: "checkout, card refused",
    open: async (p) => {
      await p.goto("/checkout");
      await fillCheckout(p, "1234 5678 9012");
      await p.getByRole("button", { name: /^Place order/ }).click();
      await p.locator(".error-summary").waitFor();
    },
  },
  { name: "order", open: (p) => p.goto(`/orders/${orderId}`) },
  { name: "my orders", open: (p) => p.goto("/orders") },
];

/** Every problem of every visit, by page; screenshots of the phone pass. */
async function auditVisits(context: BrowserContext, visits: Visit[], { focus, phone }: { focus: boolean; phone: boolean }) {
  const found: Record<string, string[]> = {};
  const page = await context.newPage();
  for (const visit of visits) {
    await visit.open(page);
    const problems = phone ? await auditWidth(page) : await auditPage(page);
    if (focus) problems.push(...(await auditFocus(page)).problems);
    if (phone) await screenshot(page, `a11y-phone-${visit.name}`);
    if (problems.length > 0) found[visit.name] = problems;
  }
  await page.close();
  return found;
}

describeBrowser("accessibility and phones in Chromium", () => {
  let customer: BrowserContext;
  beforeAll(async () => {
    b = await startBrowserShop();
    customer = await b.newContext();
    const w = await b.newPage(customer);
    await register(w.page, "Audrey");
    await w.page.goto("/p/LAP-001");
    await addToCart(w, 1, 1);
    orderId = await checkout(w.page, cardNumber("tok_visa"));
    await w.page.goto("/p/BOK-001"); // something in the cart again, for the cart and checkout pages
    await addToCart(w, 2, 2);
    await w.page.close();
  }, 90_000);
  afterAll(() => b?.stop(), 60_000);

  test("a guest's pages: names, one h1, contrast, and a Tab order that starts at the skip link and shows where it is", async () => {
    const context = await b.newContext();
    expect(await auditVisits(context, GUEST_VISITS, { focus: true, phone: false })).toEqual({});
    await context.close();
  }, 120_000);

  test("a customer's pages: cart, checkout and its errors, the order, my orders", async () => {
    expect(await auditVisits(customer, CUSTOMER_VISITS, { focus: true, phone: false })).toEqual({});
  }, 120_000);

  test("on a 390 px phone no page scrolls sideways", async () => {
    const viewport = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
    const guest = await b.browser.newContext({ baseURL: b.base, ...viewport });
    const signedIn = await b.browser.newContext({ baseURL: b.base, ...viewport, storageState: await customer.storageState() });
    const found = {
      ...(await auditVisits(guest, GUEST_VISITS, { focus: false, phone: true })),
      ...(await auditVisits(signedIn, CUSTOMER_VISITS, { focus: false, phone: true })),
    };
    expect(found).toEqual({});
    await guest.close();
    await signedIn.close();
  }, 120_000);

  test("the audit sees what it checks for: a nameless field, faint text, a positive tabindex, a hidden ring", async () => {
    const page = await (await b.newContext()).newPage();
    await page.goto("/login");
    await page.evaluate(() => {
      const main = document.querySelector("main")!;
      main.insertAdjacentHTML("beforeend", `<input id="nameless"><p id="faint">faint</p><a id="jump" href="/" tabindex="2">jump</a>`);
      document.getElementById("faint")!.style.color = "#bbb"; // CSSOM, which the CSP leaves to scripts
      document.getElementById("email")!.style.outline = "none";
    });
    const problems = await auditPage(page);
    expect(problems.some((p) => p.includes("input#nameless") && p.includes("no accessible name"))).toBe(true);
    expect(problems.some((p) => p.includes("p#faint") && p.includes("contrast"))).toBe(true);
    expect(problems.some((p) => p.includes("a#jump") && p.includes("positive tabindex"))).toBe(true);
    const focus = await auditFocus(page);
    expect(focus.problems.some((p) => p.includes("the first Tab stop is <a#jump>"))).toBe(true);
    expect(focus.problems.some((p) => p.includes("input#email") && p.includes("no focus ring"))).toBe(true);
    await page.context().close();
  }, 60_000);
});
