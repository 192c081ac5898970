/** POST /currency: remember the visitor's currency for a year and go back where they were. */
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { isCurrencyCode, CURRENCY_CODES } from "../../actors/money/currency.ts";
import { InputError } from "../../actors/contracts/errors.ts";
import type { AuthEnv } from "../auth/auth.ts";
import { localPath } from "../http/local-path.ts";
import { formBody } from "../http/form.ts";
import { secureCookies } from "../auth/session.ts";
import { CURRENCY_COOKIE } from "../http/shell.ts";

export const currencyRoutes = new Hono<AuthEnv>().post("/currency", async (c) => {
  const form = await formBody(c);
  const code = form.code;
  if (!isCurrencyCode(code)) throw new InputError("code", `code: choose one of ${CURRENCY_CODES.join(", ")}`);
  setCookie(c, CURRENCY_COOKIE, code, { path: "/", sameSite: "Lax", httpOnly: true, secure: secureCookies(c), maxAge: 365 * 24 * 3600 });
  return c.redirect(localPath(form.back), 303);
});
