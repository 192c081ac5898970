/**
 * Catalog administration in Chromium: admin A creates a product and uploads its picture;
 * admin B's product list, a shopper's open category page and a shopper's open search page
 * show it without a reload. Then every catalog screen as a screen reader, a keyboard and a
 * 390 px phone meet it.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import type { BrowserContext } from "playwright-core";
import sharp from "sharp";
import { auditFocus, auditPage, auditWidth } from "./a11y.ts";
import { describeBrowser, openLive as openLiveIn, screenshot, signedIn as signedInAs, startBrowserShop, type BrowserShop, type WatchedPage } from "./kit.ts";

const LIVE_MS = 30_000;
let b: BrowserShop;

const signedIn = (sub: string, role: "admin" | "customer", options: Parameters<BrowserShop["browser"]["newContext"]>[0] = {}) => signedInAs(b, sub, role, options);
const openLive = (context: BrowserContext, path: string, stream: string) => openLiveIn(b, context, path, stream, LIVE_MS);
const sameDocument = (w: WatchedPage) => w.page.evaluate(() => (window as unknown as { marker?: string }).marker);
const shot = async (w: WatchedPage, name: string) => {
  const path = await screenshot(w.page, name);
  copyFileSync(path, `/tmp/catalog-${name}.png`);
};

describeBrowser("catalog administration in Chromium", () => {
  beforeAll(async () => {
    b = await startBrowserShop();
  }, 60_000);
  afterAll(() => b?.stop(), 60_000);

  test("admin A creates a product with a picture: admin B's list, an open category page and search show it live", async () => {
    const listB = await openLive(await signedIn("cat-bea", "admin"), "/admin/products", "/admin/products/stream");
    const category = await openLive(await b.newContext(), "/c/audio", "/c/audio/live");
    const search = await openLive(await b.newContext(), "/search?q=zebrawood", "/search/live");
    expect(await search.page.getByText("No products found").count()).toBe(1);

    const a = await b.newPage(await signedIn("cat-ada", "admin"));
    await a.page.goto("/admin/products/new");
    // an empty form: every problem named, beside its field and in the summary
    await a.page.getByRole("button", { name: "Create product" }).click();
    await a.page.getByRole("alert").waitFor();
    for (const text of ["SKU: 2 to 32", "Name: must not be empty", "Brand: must not be empty", "Category: choose a category", "Price: enter an amount"]) {
      expect(await a.page.locator(".error-summary").getByText(text).count()).toBeGreaterThan(0);
    }
    await shot(a, "admin-product-errors");
    await a.page.getByLabel("SKU").fill("AUD-ZEBRA");
    await a.page.getByLabel("Name").fill("Zebrawood Bookshelf Speakers");
    await a.page.getByLabel("Brand").fill("Sonora");
    await a.page.getByLabel("Category").selectOption("audio");
    await a.page.getByLabel("Price (USD)").fill("249.90");
    await a.page.getByLabel("Low-stock threshold").fill("4");
    await a.page.getByLabel("Description").fill("A pair of passive speakers in real zebrawood veneer.");
    await a.page.getByRole("button", { name: "Create product" }).click();
    await a.page.waitForURL("**/admin/products/AUD-ZEBRA?done=created");

    const png = await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 180, g: 120, b: 40 } } })
      .composite([{ input: Buffer.from('<svg width="1200" height="900"><rect x="200" y="150" width="800" height="600" fill="#222"/></svg>') }]).png().toBuffer();
    await a.page.getByLabel("Upload a picture").setInputFiles({ name: "zebra.png", mimeType: "image/png", buffer: png });
    await a.page.getByRole("button", { name: "Upload", exact: true }).click();
    await a.page.waitForURL("**/admin/products/AUD-ZEBRA?done=image");
    await a.page.getByText("Picture uploaded.").waitFor();
    await shot(a, "admin-product-edit");

    // admin B's list, the category page and search: the new row, without a reload
    const row = listB.page.locator("#product-AUD-ZEBRA");
    await row.waitFor({ timeout: LIVE_MS });
    expect(await row.locator("img").getAttribute("src")).toMatch(/^\/images\/u\/\d+-[0-9a-f]{20}\.webp$/);
    await category.page.getByText("Zebrawood Bookshelf Speakers").waitFor({ timeout: LIVE_MS });
    await search.page.getByText("Zebrawood Bookshelf Speakers").waitFor({ timeout: LIVE_MS });
    for (const w of [listB, category, search]) expect(await sameDocument(w)).toBe("same document");
    // the picture loads on the storefront
    const img = category.page.locator('img[src^="/images/u/"]').first();
    await img.waitFor();
    expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(400);
    await shot(listB, "admin-products-live");
    await shot(category, "storefront-category-live");
    for (const w of [listB, category, search]) expect(w.problems).toEqual({ console: [], pageErrors: [], csp: [], requests: [] });
    // admin A's only failed request is the empty form, refused on purpose
    expect(a.problems.requests).toEqual([`POST ${b.base}/admin/products: 400`]);
    expect([a.problems.pageErrors, a.problems.csp]).toEqual([[], []]);

    // archived: it leaves the open category page, live again
    await a.page.getByLabel("Reason (for the audit log)").fill("test");
    await a.page.getByRole("button", { name: "Archive product" }).click();
    await a.page.waitForURL("**/admin/products/AUD-ZEBRA?done=archived");
    await category.page.getByText("Zebrawood Bookshelf Speakers").waitFor({ state: "detached", timeout: LIVE_MS });
    for (const w of [a, listB, category, search]) await w.page.context().close();
  }, 120_000);

  test("the catalog screens: names, one h1, contrast, Tab order, no sideways scrolling on a 390 px phone", async () => {
    const pages = ["/admin/products", "/admin/products/new", "/admin/products/AUD-001", "/admin/categories", "/admin/categories/audio"];
    const found: Record<string, string[]> = {};
    const desk = await b.newPage(await signedIn("cat-ada", "admin"));
    const phone = await b.newPage(await signedIn("cat-ada", "admin", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }));
    for (const path of pages) {
      await desk.page.goto(path);
      const problems = [...(await auditPage(desk.page)), ...(await auditFocus(desk.page)).problems];
      await shot(desk, `desk${path.replaceAll("/", "-")}`);
      await phone.page.goto(path);
      problems.push(...(await auditWidth(phone.page)));
      await shot(phone, `phone${path.replaceAll("/", "-")}`);
      if (problems.length > 0) found[path] = problems;
    }
    expect(found).toEqual({});
    await desk.page.context().close();
    await phone.page.context().close();
  }, 120_000);

  test("a guest is sent to sign in; a customer gets the 403 page", async () => {
    for (const path of ["/admin/products", "/admin/categories", "/admin/products/AUD-001"]) {
      const guest = await (await b.newContext()).newPage();
      await guest.goto(path);
      expect(new URL(guest.url()).pathname).toBe("/login");
      await guest.context().close();
      const customer = await (await signedIn("cat-eve", "customer")).newPage();
      const res = await customer.goto(path);
      expect(res?.status()).toBe(403);
      await customer.context().close();
    }
  }, 60_000);
});
