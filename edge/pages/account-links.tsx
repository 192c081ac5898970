/**
 * The pages behind the account links the shop mails, for browsers with or without JavaScript
 * (the same services and budgets as the JSON API in edge/api/auth.ts):
 *
 *   GET  /verify-email?token=    verifies once: 200 | 400 wrong, used or expired | 409 the address was taken meanwhile
 *   POST /verify-email/resend    {back} (signed in) 303 back with a notice | 303 to sign in | 400 back not on this site | 429 + Retry-After
 *   GET  /forgot-password        the form
 *   POST /forgot-password        200 the same answer whether or not the account exists | 422 no address | 429 per client
 *   GET  /reset-password?token=  the form for a new password | 400 wrong, used or expired
 *   POST /reset-password         303 to /login with a notice, every session ended | 422 weak password | 400 link
 */
import { Hono, type Context } from "hono";
import type { VNode } from "preact";
import { z } from "zod";
import { emailProblem } from "../../actors/accounts/account-rules.ts";
import { LINK_TOKEN_MAX } from "../../actors/accounts/link-tokens.ts";
import { InputError } from "../../actors/contracts/errors.ts";
import { retryText, type FormError } from "../../views/account/account-forms.tsx";
import { ForgotPasswordPage, MessagePage, ResetLinkInvalidPage, ResetPasswordPage, VerifyEmailPage } from "../../views/account/account-links.tsx";
import { renderDocument } from "../../views/layout.tsx";
import { requestReset, RESET_SENT, type AuthApiDeps } from "../api/auth.ts";
import type { AuthEnv } from "../auth/auth.ts";
import { clearSessionCookies } from "../auth/session.ts";
import { clientIp } from "../http/client-ip.ts";
import { formBody } from "../http/form.ts";
import { localPath } from "../http/local-path.ts";
import { setNotice } from "../http/shell.ts";

const text = z.string().catch("");
const ResendForm = z.object({ back: text });
const ForgotForm = z.object({ email: text });
const ResetForm = z.object({ token: text, password: text });

type Status = 200 | 400 | 401 | 409 | 422 | 429;

/** A link token as the mail carries it: letters, digits, - and _ (anything else cannot be one). */
const tokenLike = (token: string | undefined): token is string =>
  token !== undefined && token.length > 0 && token.length <= LINK_TOKEN_MAX && /^[A-Za-z0-9_-]+$/.test(token);

/** The account-link pages; expects `authenticate` and `pageShell` to have run. */
export function accountLinkPages(deps: AuthApiDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get("/verify-email", async (c) => {
    const token = c.req.query("token");
    const outcome = tokenLike(token) ? await deps.accounts.verifyEmail(token) : { kind: "invalid" as const };
    const status = outcome.kind === "verified" ? 200 : outcome.kind === "taken" ? 409 : 400;
    // the shell is computed after the link is spent: the banner is gone on the page that says so
    return page(c, status, <VerifyEmailPage shell={await c.get("shell")()} result={outcome.kind} />);
  });

  app.post("/verify-email/resend", async (c) => {
    const given = ResendForm.parse(await formBody(c)).back;
    const back = localPath(given, "");
    if (given !== "" && back === "") throw new InputError("back", "back must be a path on this site, like /account");
    const user = c.get("user");
    if (!user) return c.redirect(`/login?next=${encodeURIComponent(back || "/")}`, 303);
    const spend = await deps.links.resend(user.sub);
    if (!spend.allowed) {
      c.header("Retry-After", String(spend.retryAfterSeconds));
      return page(c, 429, (
        <MessagePage shell={await c.get("shell")()} title="Too many links asked for">
          <p>We have sent several links already; the last one works. {retryText(spend.retryAfterSeconds)}</p>
          <p class="account-alt"><a href={back || "/"}>Back</a></p>
        </MessagePage>
      ));
    }
    setNotice(c, (await deps.accounts.requestVerification(user.sub)) ? "verify-sent" : "verified");
    return c.redirect(back || "/", 303);
  });

  app.get("/forgot-password", async (c) =>
    page(c, 200, <ForgotPasswordPage shell={await c.get("shell")()} errors={[]} email="" />));

  app.post("/forgot-password", async (c) => {
    const { email } = ForgotForm.parse(await formBody(c));
    const show = async (status: Status, errors: FormError[], sent?: string) =>
      page(c, status, <ForgotPasswordPage shell={await c.get("shell")()} errors={errors} email={email} sent={sent} />);
    const broken = emailProblem(email);
    if (broken) return show(422, [{ field: "email", message: broken }]);
    const fromIp = await deps.links.resetFromIp(clientIp(c, deps.trustProxy));
    if (!fromIp.allowed) {
      c.header("Retry-After", String(fromIp.retryAfterSeconds));
      return show(429, [{ message: `Too many password reset requests from here. ${retryText(fromIp.retryAfterSeconds)}` }]);
    }
    await requestReset(deps, email);
    return show(200, [], RESET_SENT);
  });

  app.get("/reset-password", async (c) => {
    const token = c.req.query("token");
    if (!tokenLike(token) || !(await deps.accounts.resetLinkIsLive(token))) return page(c, 400, <ResetLinkInvalidPage shell={await c.get("shell")()} />);
    return page(c, 200, <ResetPasswordPage shell={await c.get("shell")()} errors={[]} token={token} />);
  });

  app.post("/reset-password", async (c) => {
    const { token, password } = ResetForm.parse(await formBody(c));
    if (!tokenLike(token)) return page(c, 400, <ResetLinkInvalidPage shell={await c.get("shell")()} />);
    const outcome = await deps.accounts.resetPassword(token, password);
    if (outcome.kind === "weak") {
      return page(c, 422, <ResetPasswordPage shell={await c.get("shell")()} errors={[{ field: "password", message: outcome.message }]} token={token} />);
    }
    if (outcome.kind === "invalid") return page(c, 400, <ResetLinkInvalidPage shell={await c.get("shell")()} />);
    clearSessionCookies(c, deps.trustProxy);
    setNotice(c, "password-reset");
    return c.redirect("/login", 303);
  });

  return app;
}

/** A full page that no cache may keep: it may hold a link's token. */
function page(c: Context, status: Status, body: VNode) {
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer"); // the token in this page's URL goes nowhere else
  return c.html(renderDocument(body), status);
}
