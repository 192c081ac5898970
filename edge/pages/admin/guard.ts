/**
 * Everything under /admin is for admins: a guest is sent to sign in and comes back; a
 * fragment or stream request from a guest gets 401 (htmx and EventSource cannot follow a
 * sign-in page); a customer gets a 403 page in the shop's layout (403 text for fragments).
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AuthEnv } from "../../auth/auth.ts";
import { sendErrorPage } from "../error-pages.tsx";

/** A request for part of a page or a stream, not for a whole page. */
export const wantsFragment = (c: Context) =>
  c.req.header("hx-request") === "true" || (c.req.header("accept") ?? "").includes("text/event-stream");

export function adminOnly(): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const user = c.get("user");
    if (!user) {
      if (wantsFragment(c) || c.req.method !== "GET") return c.text("sign in as an admin", 401);
      const url = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    if (user.role !== "admin") {
      if (wantsFragment(c)) return c.text("admins only", 403);
      return sendErrorPage(c, 403, "Admins only", "This part of the shop is for its administrators. Your account is a customer's.");
    }
    c.header("Cache-Control", "no-store");
    await next();
  };
}
