/**
 *   GET /account/sign-ins   the signed-in account's recent sign-in attempts (a guest: to /login and back)
 */
import { Hono } from "hono";
import type { Customers } from "../../actors/accounts/customers.ts";
import { RecentSignInsPage } from "../../views/account/recent-sign-ins.tsx";
import { renderDocument } from "../../views/layout.tsx";
import type { AuthEnv } from "../auth/auth.ts";

const SHOWN = 10;

export function signInHistoryPages(customers: Customers): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.get("/account/sign-ins", async (c) => {
    const user = c.get("user");
    if (!user) return c.redirect("/login?next=/account/sign-ins", 303);
    c.header("Cache-Control", "no-store");
    return c.html(renderDocument(<RecentSignInsPage shell={await c.get("shell")()} signIns={await customers.signIns(user.sub, SHOWN)} />));
  });
  return app;
}
