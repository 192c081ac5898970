/**
 * A browser's-eye client for page tests against a real shop: it keeps cookies like a
 * browser (the guest cart, the session), posts forms as same-origin, and can ask as htmx.
 */
import { cookieJar } from "./accounts-kit.ts";
import type { Shop } from "./kit.ts";

export type Visitor = ReturnType<typeof visitor>;

/** A fresh visitor (a guest until `signIn`). */
export function visitor(shop: Shop) {
  const jar = cookieJar();
  const send = async (path: string, init: RequestInit & { headers?: Record<string, string> }) =>
    jar.take(await shop.app.request(path, { ...init, headers: { ...jar.header(), ...init.headers } }));
  return {
    jar,
    /** Sign in as customer (or admin) `sub` (a session cookie, as after /login). */
    async signIn(sub: string, role: "customer" | "admin" = "customer", name?: string) {
      jar.set("session", await shop.token(role, sub, name));
      return this;
    },
    get: (path: string, headers: Record<string, string> = {}) => send(path, { headers }),
    /** A form post from our own page; `htmx` adds the header htmx sends. */
    post: (path: string, form: Record<string, string> = {}, opts: { htmx?: boolean; headers?: Record<string, string> } = {}) =>
      send(path, {
        method: "POST",
        body: new URLSearchParams(form).toString(),
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "sec-fetch-site": "same-origin",
          ...(opts.htmx ? { "hx-request": "true" } : {}),
          ...opts.headers,
        },
      }),
  };
}

/** The header badge's number in a page or fragment. */
export const badgeOf = (html: string): number | undefined => {
  const m = /<span id="cart-count"[^>]*>.*?<\/span>(\d+)<\/span>/.exec(html);
  return m ? Number(m[1]) : undefined;
};
