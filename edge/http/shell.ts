/**
 * The page shell (views/layout.tsx `Shell`): who is signed in, how many items are in the
 * cart, which currency prices show in. Computed on demand, so API calls never pay for it.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { BASE_CURRENCY, CURRENCY_CODES, isCurrencyCode, type CurrencyCode } from "../../actors/money/currency.ts";
import type { Shell } from "../../views/layout.tsx";
import type { AuthEnv } from "../auth/auth.ts";

export const CURRENCY_COOKIE = "currency";

export type ShellDeps = {
  /** items in the cart of this request's guest or user */
  cartCount(c: Context<AuthEnv>): Promise<number>;
};

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
      return {
        user: user ? { name: user.name ?? "you", role: user.role } : null,
        cartCount: await deps.cartCount(c),
        currency: currencyOf(c),
        currencies: CURRENCY_CODES,
        here: url.pathname + url.search,
        ...extra,
      } satisfies Shell;
    });
    await next();
  };
}
