/**
 * The account page and its security forms (the same services and budgets as the JSON API):
 *
 *   GET  /account            the page (with the notification preferences and history,
 *                            edge/pages/account-notifications.tsx); 303 to /login?next=/account for a guest
 *   POST /account/password   {currentPassword, newPassword} 303 back with a notice, this browser
 *                            signed in again, every other session ended | 422 | 403 wrong current password
 *   POST /account/email      {email, password} 303 back with a notice, a link to the new address
 *                            | 422 | 403 wrong password | 409 taken | 429 + Retry-After
 */
import { Hono, type Context } from "hono";
import type { VNode } from "preact";
import { z } from "zod";
import { emailProblem, passwordProblem } from "../../actors/accounts/account-rules.ts";
import type { Account } from "../../actors/accounts/accounts.ts";
import { AccountConflict } from "../../actors/contracts/errors.ts";
import { retryText } from "../../views/account/account-forms.tsx";
import { AccountPage, accountViewOf, type AccountPageProps } from "../../views/account/account-settings.tsx";
import { renderDocument } from "../../views/layout.tsx";
import type { AuthApiDeps } from "../api/auth.ts";
import type { AuthEnv } from "../auth/auth.ts";
import { signIn } from "../auth/session.ts";
import { formBody } from "../http/form.ts";
import { setNotice } from "../http/shell.ts";
import { notificationParts, type AccountNotificationDeps } from "./account-notifications.tsx";

const text = z.string().catch("");
const PasswordForm = z.object({ currentPassword: text, newPassword: text });
const EmailForm = z.object({ email: text, password: text });

type Status = 200 | 403 | 409 | 422 | 429;
const SIGN_IN = `/login?next=${encodeURIComponent("/account")}`;

/** The account page; expects `authenticate` and `pageShell` to have run. */
export function accountSettingsPages(deps: AuthApiDeps & AccountNotificationDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  /** The signed-in account, or null (a guest, or an account disabled meanwhile). */
  const accountOf = async (c: Context<AuthEnv>) => {
    const user = c.get("user");
    return user ? deps.accounts.find(user.sub) : null;
  };
  const show = async (c: Context<AuthEnv>, status: Status, account: Account, props: Partial<AccountPageProps> = {}) => {
    // the notification parts follow the security forms (a guest's account was found above)
    const preferences = (await deps.preferences.get(account.id)) ?? { muted: [], phone: account.phone };
    const parts = await notificationParts(deps, account.id, preferences);
    return page(c, status, <AccountPage shell={await c.get("shell")()} account={accountViewOf(account)} {...props}>{parts}</AccountPage>);
  };

  app.get("/account", async (c) => {
    const account = await accountOf(c);
    return account ? show(c, 200, account) : c.redirect(SIGN_IN, 303);
  });

  app.post("/account/password", async (c) => {
    const form = PasswordForm.parse(await formBody(c));
    const account = await accountOf(c);
    if (!account) return c.redirect(SIGN_IN, 303);
    const missing = [
      ...(form.currentPassword ? [] : [{ field: "current-password" as const, message: "Enter your current password" }]),
      ...((p) => (p ? [{ field: "new-password" as const, message: p.replace("Password", "New password") }] : []))(passwordProblem(form.newPassword)),
    ];
    if (missing.length > 0) return show(c, 422, account, { passwordErrors: missing });
    const changed = await deps.accounts.changePassword(account.id, form.currentPassword, form.newPassword);
    if (!changed) return show(c, 403, account, { passwordErrors: [{ field: "current-password", message: "The current password is wrong" }] });
    await signIn(c, deps, changed); // this browser goes on; every other session has ended
    setNotice(c, "password-changed");
    return c.redirect("/account", 303);
  });

  app.post("/account/email", async (c) => {
    const form = EmailForm.parse(await formBody(c));
    const account = await accountOf(c);
    if (!account) return c.redirect(SIGN_IN, 303);
    const refuse = (status: Status, field: "new-email" | "email-password", message: string) =>
      show(c, status, account, { emailErrors: [{ field, message }], newEmail: form.email });
    const broken = emailProblem(form.email);
    if (broken) return refuse(422, "new-email", broken);
    if (!form.password) return refuse(422, "email-password", "Enter your password");
    const spend = await deps.links.resend(account.id);
    if (!spend.allowed) {
      c.header("Retry-After", String(spend.retryAfterSeconds));
      return refuse(429, "new-email", `Too many links asked for. ${retryText(spend.retryAfterSeconds)}`);
    }
    try {
      const sent = await deps.accounts.requestEmailChange(account.id, form.password, form.email);
      if (sent === null) return refuse(403, "email-password", "The password is wrong");
    } catch (err) {
      if (err instanceof AccountConflict) return refuse(409, "new-email", err.message);
      throw err;
    }
    setNotice(c, "email-change-sent");
    return c.redirect("/account", 303);
  });

  return app;
}

/** A full page that no cache may keep: it shows the account. */
function page(c: Context, status: Status, body: VNode) {
  c.header("Cache-Control", "no-store");
  return c.html(renderDocument(body), status);
}
