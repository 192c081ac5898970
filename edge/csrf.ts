/**
 * CSRF protection for everything authenticated by the session cookie: an unsafe request
 * must come from our own origin (Sec-Fetch-Site or Origin). A bearer token is not an
 * ambient credential, so API clients that send one are not affected.
 */
import type { MiddlewareHandler } from "hono";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function sameOrigin(): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE.has(c.req.method) || c.req.header("authorization")?.startsWith("Bearer ")) return next();
    // No cookie, no ambient credential: authentication answers 401 on its own.
    if (!c.req.header("cookie")) return next();
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const ours = new URL(c.req.url).origin;
    if (site === "same-origin" || (site === undefined && origin === ours)) return next();
    return c.json({ error: "cross-site request refused" }, 403);
  };
}
