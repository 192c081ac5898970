/** What the catalog pages share: the visitor's rate, page responses and their error pages. */
import type { Context } from "hono";
import type { VNode } from "preact";
import type { Product } from "../../actors/catalog/catalog.ts";
import type { Rate } from "../../actors/money/currency.ts";
import type { Currencies } from "../../actors/money/rates.ts";
import type { Search } from "../../actors/catalog/search.ts";
import { stockLevel } from "../../actors/catalog/stock-live.ts";
import type { Listed } from "../../views/catalog/product-card.tsx";
import { ErrorPage } from "../../views/error-page.tsx";
import { renderDocument, type Shell } from "../../views/layout.tsx";
import type { AuthEnv } from "../auth/auth.ts";
import { onError, refusal } from "../http/http-errors.ts";
import { renderedPages, sendHtml } from "../http/rendered.ts";
import { currencyOf } from "../http/shell.ts";
import { shellOf } from "./error-pages.tsx";

/**
 * Pages carry the visitor's shell (name, cart count, currency) and live stock: a browser may
 * keep them but must ask again before reuse, and no shared cache may keep them at all.
 */
const PAGE_CACHE = "private, no-cache";

/** The exchange rate of the visitor's currency. */
export const visitorRate = (c: Context, currencies: Currencies): Promise<Rate> => currencies.rate(currencyOf(c));

/** A catalog product with how its stock reads to a shopper. */
export const listed = (product: Product): Listed => ({ product, level: stockLevel(product.available) });

/** A full HTML page with the catalog's caching headers. */
export function sendPage(c: Context, page: VNode, status: 200 | 400 | 404 = 200): Response {
  c.header("Cache-Control", PAGE_CACHE);
  c.header("Vary", "Cookie");
  return c.html(renderDocument(page), status);
}

/**
 * The catalog's pages as rendered lately (a page is a few tens of KiB: the size bound keeps
 * them to a few MiB). Shoppers on the same address in the same currency and with the same
 * shell share one read and render of it until the catalog's version moves on.
 */
const kept = renderedPages({ maxEntries: 512, maxBytes: 16 * 1024 * 1024, maxAgeMs: 60_000 });

/**
 * A catalog page as `sendPage` sends it, kept under its name, the catalog's version, the
 * visitor's rate and shell (which carries the address): all it is made of besides the
 * catalog's data, so `page` reads and renders only on a key not seen lately.
 */
export async function sendCatalogPage(
  c: Context<AuthEnv>, deps: { search: Search; currencies: Currencies }, name: string,
  page: (seen: { rate: Rate; shell: Shell }) => Promise<VNode>, shellExtra?: Partial<Shell>,
): Promise<Response> {
  const [version, rate, shell] = await Promise.all([deps.search.version(), visitorRate(c, deps.currencies), c.get("shell")(shellExtra)]);
  c.header("Cache-Control", PAGE_CACHE);
  c.header("Vary", "Cookie");
  return sendHtml(c, await kept.get([name, version, rate, shell], async () => renderDocument(await page({ rate, shell }))));
}

/**
 * onError for the catalog pages: a bad parameter is a 400 page naming it, an unknown product
 * or category a 404 page; anything else gets the shop's usual answer (503, 500).
 */
export async function pageErrors(err: Error, c: Context<AuthEnv>): Promise<Response> {
  const refused = refusal(err);
  if (refused?.status === 400) {
    const message = `Please check the address: ${refused.message}`;
    return sendPage(c, <ErrorPage title="That request did not make sense" message={message} shell={await shellOf(c)} />, 400);
  }
  if (refused?.status === 404) {
    return sendPage(c, <ErrorPage title="Not found" message="We could not find that page in the shop." shell={await shellOf(c)} />, 404);
  }
  return onError(err, c);
}
