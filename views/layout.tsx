/** The HTML shell of every page: no inline script, so a strict CSP can allow only /assets. */
import type { ComponentChildren, VNode } from "preact";
import { render } from "preact-render-to-string";
import type { AlertSummary } from "./admin/alert-watch.tsx";
import { SearchBox } from "./search-box.tsx";

/** Script and stylesheet URLs served by edge/http/assets.ts. */
export const ASSETS = { htmx: "/assets/htmx.js", sse: "/assets/hx-sse.js", css: "/assets/app.css", localTime: "/assets/local-time.js" } as const;

/** What the header shows on every page: who is signed in, the cart, the currency. */
export type Shell = {
  user: { name: string; role: "customer" | "admin" } | null;
  cartCount: number;
  currency: string;
  currencies: readonly string[];
  /** the current search text, kept in the search box */
  q?: string;
  /** path and query of this page, to come back to after changing the currency */
  here: string;
  /** on admin pages: the open alerts the console's navigation shows */
  alerts?: AlertSummary;
  /** said once, after an action on the page before (edge/http/shell.ts NOTICES) */
  notice?: string;
  /** the signed-in account has yet to verify its email address */
  unverified?: boolean;
};

type Props = { title: string; shell?: Shell; children: ComponentChildren };

export const CART_COUNT_ID = "cart-count";

/**
 * A full document. The scripts sit at the end of <body> without `defer`: htmx starts on
 * DOMContentLoaded only if the document is still loading when it runs; with `defer` it
 * would start on a timer that can fire before hx-sse.js has registered its extension.
 */
export function Layout({ title, shell, children }: Props) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · saga shop`}</title>
        {/* no favicon yet: an empty data: icon saves every page a request that would 404 */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={ASSETS.css} />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
          <a href="/" class="brand">saga shop</a>
          {shell && <SiteNav shell={shell} />}
        </header>
        {shell?.unverified && <VerifyBanner back={shell.here.length <= 2000 ? shell.here : "/"} />}
        <main id="main">
          {shell?.notice && <p class="notice flash" role="status">{shell.notice}</p>}
          {children}
        </main>
        <script src={ASSETS.htmx}></script>
        <script src={ASSETS.sse}></script>
        <script src={ASSETS.localTime}></script>
      </body>
    </html>
  );
}

/** `path` with the page to come back to once signed in (none for the home page). */
export const withNext = (path: string, next: string) => (next === "/" ? path : `${path}?next=${encodeURIComponent(next)}`);

/** The account pages themselves are nowhere to come back to: they pass on where they were to return. */
const ACCOUNT_PAGES = /^\/(login|register|forgot-password|reset-password|verify-email)(\/|\?|$)/;

/** Where signing in or registering from the header returns: the page the visitor was reading (never a URL too long to carry). */
function comeBackTo(here: string): string {
  if (here.length > 2000) return "/";
  if (!ACCOUNT_PAGES.test(here)) return here;
  const next = new URLSearchParams(here.split("?")[1] ?? "").get("next");
  return next && next.startsWith("/") && !next.startsWith("//") && !ACCOUNT_PAGES.test(next) ? next : "/";
}

/** Search, cart, account and currency; plain links and forms, so it works without JavaScript. */
function SiteNav({ shell }: { shell: Shell }) {
  const { user } = shell;
  return (
    <>
      <SearchBox q={shell.q ?? ""} />
      <nav aria-label="Account" class="site-nav">
        <a href="/cart">
          Cart <CartCount count={shell.cartCount} />
        </a>
        {user ? (
          <>
            {user.role === "admin" && <a href="/admin" class="admin-link">Admin</a>}
            <a href="/orders">My orders</a>
            <a href="/account">Account</a>
            <form method="post" action="/logout" class="inline">
              <button type="submit" class="link">Sign out {user.name}</button>
            </form>
          </>
        ) : (
          <>
            <a href={withNext("/login", comeBackTo(shell.here))}>Sign in</a>
            <a href={withNext("/register", comeBackTo(shell.here))}>Register</a>
          </>
        )}
        <CurrencyPicker shell={shell} />
      </nav>
    </>
  );
}

/** Asks an unverified account to follow its link, and offers to send it again (a plain form post). */
function VerifyBanner({ back }: { back: string }) {
  return (
    <div class="verify-banner" role="region" aria-label="Email verification">
      <p>Please verify your email address: follow the link we sent you.</p>
      <form method="post" action="/verify-email/resend" class="inline">
        <input type="hidden" name="back" value={back} />
        <button type="submit" class="link">Send the link again</button>
      </form>
    </div>
  );
}

/** The cart badge; cart fragments re-render it out of band so it stays right. */
export function CartCount({ count, oob }: { count: number; oob?: boolean }) {
  return (
    <span id={CART_COUNT_ID} class="count" {...(oob ? { "hx-swap-oob": "true" } : {})}>
      <span class="visually-hidden">items: </span>
      {count}
    </span>
  );
}

function CurrencyPicker({ shell }: { shell: Shell }) {
  return (
    <form method="post" action="/currency" class="inline currency">
      <input type="hidden" name="back" value={shell.here} />
      <label for="currency-select" class="visually-hidden">Currency</label>
      <select id="currency-select" name="code">
        {shell.currencies.map((code) => <option value={code} selected={code === shell.currency}>{code}</option>)}
      </select>
      <button type="submit" class="small">Set</button>
    </form>
  );
}

/** Renders a full page with its doctype. */
export const renderDocument = (page: VNode): string => `<!doctype html>${render(page)}`;
