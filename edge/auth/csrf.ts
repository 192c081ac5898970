/**
 * CSRF protection: an unsafe request that a browser sends from another site is refused,
 * whether or not it carries our cookies (a cross-site login or register form would
 * otherwise sign the victim into the attacker's account). Browsers say where a request
 * comes from in Sec-Fetch-Site, or at least Origin; a request with neither is not from a
 * browser form, and is refused only when it carries cookies, which would be ambient
 * credentials. A bearer token is not ambient, so API clients that send one pass.
 */
import type { MiddlewareHandler } from "hono";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function sameOrigin(): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE.has(c.req.method) || c.req.header("authorization")?.startsWith("Bearer ")) return next();
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const ours = new URL(c.req.url).origin;
    const allowed = site !== undefined ? site === "same-origin"
      : origin !== undefined ? origin === ours
      : !c.req.header("cookie");
    if (allowed) return next();
    return c.json({ error: "cross-site request refused" }, 403);
  };
}
