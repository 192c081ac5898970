/**
 * The page shell (views/layout.tsx `Shell`): who is signed in, how many items are in the
 * cart, which currency prices show in. Computed on demand, so API calls never pay for it.
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { BASE_CURRENCY, CURRENCY_CODES, isCurrencyCode, type CurrencyCode } from "../../actors/money/currency.ts";
import type { Shell } from "../../views/layout.tsx";
import type { AuthEnv } from "../auth/auth.ts";

export const CURRENCY_COOKIE = "currency";

export type ShellDeps = {
  /** items in the cart of this request's guest or user */
  cartCount(c: Context<AuthEnv>): Promise<number>;
  /** whether the signed-in account has yet to verify its address (the banner asks it to) */
  unverified?(userId: string): Promise<boolean>;
};

export const NOTICE_COOKIE = "notice";
/** What a page can tell the visitor once on the next page they see; the cookie holds only the key. */
export const NOTICES = {
  registered: "Welcome! Your account is ready. We sent you a link to verify your email address.",
  verified: "Your email address is verified. Thank you!",
  "verify-sent": "A new verification link is on its way. It works for 24 hours.",
  "password-reset": "Your password is changed and every session has ended. Sign in with the new password.",
  "password-changed": "Your password is changed. You stay signed in here; every other session has ended.",
  "email-change-sent": "We sent a link to the new address. The change applies when you follow it.",
  "preferences-saved": "Your message preferences are saved.",
} as const;
export type NoticeKey = keyof typeof NOTICES;

/** Shows `key`'s notice on the next page this browser renders. */
export function setNotice(c: Context, key: NoticeKey): void {
  setCookie(c, NOTICE_COOKIE, key, { path: "/", httpOnly: true, sameSite: "Lax", maxAge: 300 });
}

/** The currency chosen by this visitor (a cookie), USD when unset or unknown. */
export function currencyOf(c: Context): CurrencyCode {
  const code = getCookie(c, CURRENCY_COOKIE);
  return isCurrencyCode(code) ? code : BASE_CURRENCY;
}

/** Sets `shell`: a function that computes the shell when a page needs it. */
export function pageShell(deps: ShellDeps): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    c.set("shell", async (extra = {}) => {
      const user = c.get("user");
      const url = new URL(c.req.url);
      const key = getCookie(c, NOTICE_COOKIE);
      if (key !== undefined) deleteCookie(c, NOTICE_COOKIE, { path: "/" });
      const notice = key !== undefined && Object.hasOwn(NOTICES, key) ? NOTICES[key as NoticeKey] : undefined;
      const [cartCount, unverified] = await Promise.all([
        deps.cartCount(c), user && deps.unverified ? deps.unverified(user.sub) : false,
      ]);
      return {
        user: user ? { name: user.name ?? "you", role: user.role } : null,
        cartCount,
        currency: currencyOf(c),
        currencies: CURRENCY_CODES,
        here: url.pathname + url.search,
        notice,
        unverified,
        ...extra,
      } satisfies Shell;
    });
    await next();
  };
}
