/**
 * Browser tests: a whole shop behind a real Bun.serve, driven by Debian's headless
 * Chromium through playwright-core (its own browser download is unavailable here).
 * One browser per test file: start it in beforeAll, `stop()` it in afterAll.
 *
 * Without /usr/bin/chromium the suites are skipped locally and fail in CI (CI=true):
 * `.ci/run` installs it, `apt-get install -y chromium` does so by hand.
 */
import { describe, expect } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { Config, Providers } from "../../actors/system/system.ts";
import { SESSION_COOKIE, type Role } from "../../edge/auth/auth.ts";
import type { Engine } from "../engines.ts";
import { startShop } from "../kit.ts";
import { ARTIFACTS } from "../processes.ts";
import { auditPage, auditWidth } from "./a11y.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
export const SCREENSHOTS = join(ARTIFACTS, "screenshots");

/** Is there a browser to drive? In CI a missing one is an error, never a silent skip. */
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.CI === "true") throw new Error(`browser tests need Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

/** `describe` for browser suites: skipped locally when Chromium is missing (see above). */
export const describeBrowser = describe.skipIf(!hasChromium);

/** What went wrong on a page while a test drove it; a clean page leaves every list empty. */
export type PageProblems = { console: string[]; pageErrors: string[]; csp: string[]; requests: string[] };

/**
 * A page plus what it reported: problems, and the documents it loaded (a reload adds one;
 * htmx's history.replaceState on start is a same-document navigation and adds none).
 */
export type WatchedPage = { page: Page; problems: PageProblems; documents: string[] };

/** Launch headless Chromium with the flags that work in containers and CI. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** Network conditions for a browser shop: `beforeAnswer` runs after the shop has handled a request and before the browser gets the answer. */
export type ServeOptions = { beforeAnswer?: (req: Request) => Promise<void> };

/** Start a test shop (see test/kit.ts) on `engine`, on a real port, and a browser to drive it. */
export async function startBrowserShop(overrides: Partial<Config> = {}, providers?: Providers, engine: Engine = "embedded", serve: ServeOptions = {}) {
  const shop = await startShop(overrides, providers, engine);
  const { beforeAnswer } = serve;
  const fetch: typeof shop.app.fetch = beforeAnswer
    ? async (req, ...rest) => {
      const res = await shop.app.fetch(req, ...rest);
      await beforeAnswer(req);
      return res;
    }
    : shop.app.fetch;
  // port 0: the kernel picks a free port, so nothing can take it between probe and bind
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch, idleTimeout: 60 });
  const base = `http://127.0.0.1:${server.port}`;
  const browser = await launchBrowser().catch(async (err: unknown) => {
    await server.stop(true);
    await shop.stop();
    throw err;
  });

  /** A fresh browser profile (cookies, storage) on this shop. */
  const newContext = () => browser.newContext({ baseURL: base });

  /** Sign `context` in as `sub` with a session cookie, for tests that skip the sign-in pages. */
  async function signInAs(context: BrowserContext, sub: string, role: Role = "customer") {
    const value = await shop.token(role, sub);
    await context.addCookies([{ name: SESSION_COOKIE, value, url: base, httpOnly: true, sameSite: "Lax" }]);
  }

  /** A page (in `context`, or a fresh one) that records its problems; see `watch`. */
  async function newPage(context?: BrowserContext): Promise<WatchedPage> {
    const page = await (context ?? (await newContext())).newPage();
    return watch(page);
  }

  async function stop() {
    await browser.close();
    await server.stop(true);
    await shop.stop();
  }

  return { shop, base, browser, newContext, signInAs, newPage, stop };
}

export type BrowserShop = Awaited<ReturnType<typeof startBrowserShop>>;

/**
 * Record console errors, uncaught exceptions, CSP violations and failed requests of `page`.
 * CSP violations are reported from the page through a binding: the console message Chrome
 * also prints for them is easy to miss among others, the DOM event names the directive.
 */
export async function watch(page: Page): Promise<WatchedPage> {
  const problems: PageProblems = { console: [], pageErrors: [], csp: [], requests: [] };
  const documents: string[] = [];
  page.setDefaultTimeout(30_000);
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.console.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => problems.pageErrors.push(err.message));
  page.on("requestfailed", (req) => {
    const error = req.failure()?.errorText ?? "failed";
    // the browser aborts open requests itself (the SSE stream) when a page navigates or closes
    if (error !== "net::ERR_ABORTED") problems.requests.push(`${req.method()} ${req.url()}: ${error}`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) problems.requests.push(`${res.request().method()} ${res.url()}: ${res.status()}`);
  });
  page.on("domcontentloaded", () => void documents.push(page.url()));
  await page.exposeBinding("__reportCsp", (_source, text: string) => void problems.csp.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __reportCsp(text: string): void }).__reportCsp;
      report(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return { page, problems, documents };
}

/** Save a full-page PNG to test-artifacts/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, "-")}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * The page as it is at desktop width and at 390 px: a screenshot of each (`name`, `name-390`),
 * no problem for a screen reader at the first, and nothing wider than a phone at the second.
 */
export async function auditedShots(page: Page, name: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshot(page, name);
  expect(await auditPage(page)).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-390`);
  expect(await auditWidth(page)).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** A browser profile on `b` signed in as `sub` with `role`. */
export async function signedIn(b: BrowserShop, sub: string, role: "admin" | "customer", options: Parameters<Browser["newContext"]>[0] = {}) {
  const context = await b.browser.newContext({ baseURL: b.base, ...options });
  await b.signInAs(context, sub, role);
  return context;
}

/** Open `path` in `context` and wait until its live stream (`stream`) is requested; marks the document to tell a reload. */
export async function openLive(b: BrowserShop, context: BrowserContext, path: string, stream: string, timeout = 30_000): Promise<WatchedPage> {
  const w = await b.newPage(context);
  const streaming = w.page.waitForRequest((req) => new URL(req.url()).pathname === stream, { timeout });
  await w.page.goto(path);
  await streaming;
  // survives only if the document is never replaced
  await w.page.evaluate(() => ((window as unknown as { marker: string }).marker = "same document"));
  return w;
}
