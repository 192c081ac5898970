/**
 * Sign-in and registration pages, for browsers with or without JavaScript:
 *
 *   GET  /register, /login   the form (?next=/path comes back after signing in)
 *   POST /register           303 to next with a welcome notice | 422 rules broken | 409 email taken
 *   POST /login              303 to next | 422 fields missing | 401 wrong | 429 + Retry-After
 *   POST /logout             303 to /, session revoked, cookies cleared
 *
 * `next` goes through localPath: only a path on this site, never an open redirect.
 */
import { Hono, type Context } from "hono";
import type { VNode } from "preact";
import { z } from "zod";
import { registrationErrors } from "../../actors/accounts/account-rules.ts";
import { AccountConflict, InputError } from "../../actors/contracts/errors.ts";
import { LoginPage, RegisterPage, retryText, type FormError } from "../../views/account/account-forms.tsx";
import { renderDocument } from "../../views/layout.tsx";
import type { AuthApiDeps } from "../api/auth.ts";
import type { AuthEnv } from "../auth/auth.ts";
import { DISABLED_MESSAGE, signInAttempt } from "../http/sign-in-attempt.ts";
import { formBody } from "../http/form.ts";
import { localPath } from "../http/local-path.ts";
import { setNotice } from "../http/shell.ts";
import { refreshCookie, signIn, signOut } from "../auth/session.ts";

// Form fields arrive as text (formBody refuses files and unreadable text) or not at all: absent counts as empty.
const text = z.string().catch("");
const RegisterForm = z.object({ firstName: text, lastName: text, phone: text, email: text, password: text, next: text });
const LoginForm = z.object({ email: text, password: text, next: text });

type Status = 200 | 401 | 403 | 409 | 422 | 429;

/** The account pages; expects `authenticate` and `pageShell` to have run. */
export function accountPages(deps: AuthApiDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get("/register", async (c) => {
    const next = localPath(c.req.query("next"));
    return page(c, 200, <RegisterPage shell={await c.get("shell")()} errors={[]} next={next} values={{ firstName: "", lastName: "", phone: "", email: "" }} />);
  });

  app.post("/register", async (c) => {
    const form = RegisterForm.parse(await formBody(c));
    const next = localPath(form.next);
    const show = async (status: Status, errors: FormError[]) =>
      page(c, status, <RegisterPage shell={await c.get("shell")()} errors={errors} next={next} values={form} />);
    const broken = registrationErrors(form);
    if (broken.length > 0) return show(422, broken);
    try {
      const account = await deps.accounts.register(form.email, form.password, { firstName: form.firstName, lastName: form.lastName, phone: form.phone });
      await signIn(c, deps, account);
      setNotice(c, "registered");
    } catch (err) {
      if (err instanceof AccountConflict) return show(409, [{ field: "email", message: err.message }]);
      if (err instanceof InputError) return show(422, [{ message: err.message }]);
      throw err;
    }
    return c.redirect(next, 303);
  });

  app.get("/login", async (c) => {
    const next = localPath(c.req.query("next"));
    return page(c, 200, <LoginPage shell={await c.get("shell")()} errors={[]} next={next} values={{ email: "" }} />);
  });

  app.post("/login", async (c) => {
    const form = LoginForm.parse(await formBody(c));
    const next = localPath(form.next);
    const show = async (status: Status, errors: FormError[]) =>
      page(c, status, <LoginPage shell={await c.get("shell")()} errors={errors} next={next} values={{ email: form.email }} />);
    const missing: FormError[] = [];
    if (!form.email.trim()) missing.push({ field: "email", message: "Enter your email address" });
    if (!form.password) missing.push({ field: "password", message: "Enter your password" });
    if (missing.length > 0) return show(422, missing);
    const attempt = await signInAttempt(c, deps, form.email, form.password);
    if (attempt.kind === "disabled") return show(403, [{ message: DISABLED_MESSAGE }]);
    if (attempt.kind === "limited") {
      c.header("Retry-After", String(attempt.retryAfterSeconds));
      return show(429, [{ message: `Too many failed sign-in attempts. ${retryText(attempt.retryAfterSeconds)}` }]);
    }
    if (attempt.kind === "failed") return show(401, [{ message: "Wrong email or password" }]);
    await signIn(c, deps, attempt.value);
    return c.redirect(next, 303);
  });

  app.post("/logout", async (c) => {
    await signOut(c, deps, refreshCookie(c));
    return c.redirect("/", 303);
  });

  return app;
}

/** A full page that no cache may keep: it may hold what was typed. */
function page(c: Context, status: Status, body: VNode) {
  c.header("Cache-Control", "no-store");
  return c.html(renderDocument(body), status);
}
