/**
 * The JSON auth API, mounted at /api/auth (edge/auth/session.ts AUTH_API):
 *
 *   POST /register  {email,password,name} -> 201 {user, accessToken, refreshToken} + cookies
 *   POST /login     {email,password}      -> 200 the same; 401 wrong; 403 disabled; 429 + Retry-After
 *   POST /refresh   {refreshToken}? or the cookie -> 200 a new pair; 401 spent or revoked
 *   POST /logout    {refreshToken}? or the cookie -> 204, session revoked, cookies cleared
 *   GET  /me        -> 200 {user}; 401 when not signed in
 *
 * Account links (the notifier mails them; each token works once):
 *   POST /verify-email        {token}            -> 200 {user}; 400 invalid, used or expired; 409 address taken meanwhile
 *   POST /verify-email/resend (signed in; no body or {}) -> 202; 409 already verified; 429 + Retry-After
 *   POST /forgot-password     {email}            -> 202, the same answer whether or not the account exists; 429 per client
 *   POST /reset-password      {token, password}  -> 200, every session ended; 400 invalid link or weak password
 *   POST /change-password     {currentPassword, newPassword} (signed in) -> 200 a new pair, other sessions ended; 403 wrong
 *   POST /change-email        {password, email}  (signed in) -> 202, a link to the new address; 403 wrong; 409 taken
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Account } from "../../actors/accounts/accounts.ts";
import type { LoginLimiter } from "../../actors/accounts/login-limiter.ts";
import type { LinkLimiter } from "../../actors/accounts/link-limiter.ts";
import { LINK_TOKEN_MAX } from "../../actors/accounts/link-tokens.ts";
import { ACCESS_TTL_SECONDS, issueToken, type AuthEnv } from "../auth/auth.ts";
import { clientIp } from "../http/client-ip.ts";
import { DISABLED_MESSAGE, signInAttempt } from "../http/sign-in-attempt.ts";
import type { Customers } from "../../actors/accounts/customers.ts";
import { clearSessionCookies, refreshCookie, setSessionCookies, signIn, signOut, userOf, type SessionDeps } from "../auth/session.ts";
import { jsonBody, readJson } from "../http/validate.ts";
import { mediaType } from "../http/readable.ts";
import { InputError } from "../../actors/contracts/errors.ts";

export type AuthApiDeps = SessionDeps & {
  limiter: LoginLimiter;
  links: LinkLimiter;
  /** where sign-in attempts are written, and disabled accounts told apart */
  customers?: Customers;
};

// Lengths are bounded loosely here; the account rules (actors/accounts/account-rules.ts) name the real limits.
const Credentials = z.object({ email: z.string().max(1000), password: z.string().max(1000) });
/** By first and last name (and a phone), or by one display name as before. */
const Registration = Credentials.extend({
  firstName: z.string().max(1000).optional(), lastName: z.string().max(1000).optional(), phone: z.string().max(1000).nullish(),
  name: z.string().max(1000).optional(),
});
const LinkToken = z.string().min(1).max(LINK_TOKEN_MAX);
const ForgotBody = z.object({ email: z.string().max(1000) });
const ResetBody = z.object({ token: LinkToken, password: z.string().max(1000) });
const ChangePasswordBody = z.object({ currentPassword: z.string().max(1000), newPassword: z.string().max(1000) });
const ChangeEmailBody = z.object({ password: z.string().max(1000), email: z.string().max(1000) });
/** What /forgot-password answers, for any address. */
export const RESET_SENT = "If an account uses this address, a link to reset its password is on its way. It works for 30 minutes.";
const LINK_INVALID = "this link is invalid, already used or expired; ask for a new one";
const TokenBody = z.object({ refreshToken: z.string().min(1).max(200).optional() });

/** An account as the API shows it. */
const accountJson = (a: Account) => ({
  id: a.id, email: a.email, name: a.name, firstName: a.firstName, lastName: a.lastName, phone: a.phone, role: a.role,
  createdAt: a.createdAt.toISOString(), emailVerified: a.emailVerifiedAt !== null,
});

/** The auth API routes; expects `authenticate` to have run. */
export function authApi(deps: AuthApiDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.post("/register", async (c) => {
    const { email, password, firstName, lastName, phone, name } = await jsonBody(c, Registration);
    const byParts = firstName !== undefined || lastName !== undefined;
    if (!byParts && name === undefined) throw new InputError("firstName", "firstName and lastName are required (or one name)");
    const account = await deps.accounts.register(email, password, byParts ? { firstName: firstName ?? "", lastName: lastName ?? "", phone } : name!);
    const tokens = await signIn(c, deps, account);
    return c.json({ user: accountJson(account), ...tokens, expiresIn: ACCESS_TTL_SECONDS }, 201);
  });

  app.post("/login", async (c) => {
    const { email, password } = await jsonBody(c, Credentials);
    const attempt = await signInAttempt(c, deps, email, password);
    if (attempt.kind === "disabled") return c.json({ error: DISABLED_MESSAGE }, 403);
    if (attempt.kind === "limited") {
      c.header("Retry-After", String(attempt.retryAfterSeconds));
      return c.json({ error: `too many failed sign-in attempts; try again in ${attempt.retryAfterSeconds} seconds` }, 429);
    }
    // one answer for an unknown email and a wrong password: the API must not reveal who has an account
    if (attempt.kind === "failed") return c.json({ error: "wrong email or password" }, 401);
    const tokens = await signIn(c, deps, attempt.value);
    return c.json({ user: accountJson(attempt.value), ...tokens, expiresIn: ACCESS_TTL_SECONDS });
  });

  app.post("/refresh", async (c) => {
    const token = await presentedToken(c);
    if (!token) return c.json({ error: "refreshToken required (in the body or the refresh cookie)" }, 401);
    const renewal = await deps.accounts.refresh(token);
    if (!renewal) {
      clearSessionCookies(c, deps.trustProxy);
      return c.json({ error: "refresh token is expired, revoked or already used; sign in again" }, 401);
    }
    const accessToken = await issueToken(deps.secret, userOf(renewal.account));
    setSessionCookies(c, { accessToken, refreshToken: renewal.refreshToken }, deps.trustProxy);
    // refreshToken is null when a parallel request has just rotated this one: keep its successor
    return c.json({ accessToken, refreshToken: renewal.refreshToken, expiresIn: ACCESS_TTL_SECONDS });
  });

  app.post("/logout", async (c) => {
    await signOut(c, deps, await presentedToken(c));
    return c.body(null, 204);
  });

  app.post("/verify-email", async (c) => {
    const { token } = await jsonBody(c, z.object({ token: LinkToken }));
    const outcome = await deps.accounts.verifyEmail(token);
    if (outcome.kind === "taken") return c.json({ error: "another account uses this address now" }, 409);
    if (outcome.kind === "invalid") return c.json({ error: LINK_INVALID, field: "token" }, 400);
    return c.json({ user: accountJson(outcome.account) });
  });

  app.post("/verify-email/resend", async (c) => {
    const user = c.get("user");
    if (!user) return c.json({ error: "authentication required" }, 401);
    await noBody(c);
    const spend = await deps.links.resend(user.sub);
    if (!spend.allowed) return tooMany(c, spend.retryAfterSeconds, "verification links");
    if (!(await deps.accounts.requestVerification(user.sub))) return c.json({ error: "this address is already verified" }, 409);
    return c.json({ message: "A new verification link is on its way." }, 202);
  });

  app.post("/forgot-password", async (c) => {
    const { email } = await jsonBody(c, ForgotBody);
    const fromIp = await deps.links.resetFromIp(clientIp(c, deps.trustProxy));
    if (!fromIp.allowed) return tooMany(c, fromIp.retryAfterSeconds, "password reset requests");
    await requestReset(deps, email);
    return c.json({ message: RESET_SENT }, 202);
  });

  app.post("/reset-password", async (c) => {
    const { token, password } = await jsonBody(c, ResetBody);
    const outcome = await deps.accounts.resetPassword(token, password);
    if (outcome.kind === "weak") return c.json({ error: outcome.message, field: "password" }, 400);
    if (outcome.kind === "invalid") return c.json({ error: LINK_INVALID, field: "token" }, 400);
    clearSessionCookies(c, deps.trustProxy);
    return c.json({ message: "Your password is changed; every session has ended. Sign in with the new password." });
  });

  app.post("/change-password", async (c) => {
    const user = c.get("user");
    if (!user) return c.json({ error: "authentication required" }, 401);
    const { currentPassword, newPassword } = await jsonBody(c, ChangePasswordBody);
    const account = await deps.accounts.changePassword(user.sub, currentPassword, newPassword);
    if (!account) return c.json({ error: "the current password is wrong", field: "currentPassword" }, 403);
    const tokens = await signIn(c, deps, account); // this client goes on; every other session has ended
    return c.json({ user: accountJson(account), ...tokens, expiresIn: ACCESS_TTL_SECONDS });
  });

  app.post("/change-email", async (c) => {
    const user = c.get("user");
    if (!user) return c.json({ error: "authentication required" }, 401);
    const { password, email } = await jsonBody(c, ChangeEmailBody);
    const spend = await deps.links.resend(user.sub);
    if (!spend.allowed) return tooMany(c, spend.retryAfterSeconds, "verification links");
    const sent = await deps.accounts.requestEmailChange(user.sub, password, email);
    if (sent === null) return c.json({ error: "the password is wrong", field: "password" }, 403);
    return c.json({ message: "A link to confirm the new address is on its way to it; the change applies when it is followed." }, 202);
  });

  app.get("/me", async (c) => {
    const user = c.get("user");
    const account = user ? await deps.accounts.find(user.sub) : null;
    if (!account) return c.json({ error: "authentication required" }, 401);
    return c.json({ user: accountJson(account) });
  });

  return app;
}

/**
 * A reset link for `email` unless its mailbox's budget is spent: then nothing is sent, and
 * the answer is the same all the same (it says nothing about the account).
 */
export async function requestReset(deps: AuthApiDeps, email: string): Promise<void> {
  await deps.accounts.requestPasswordReset(email, (await deps.links.resetToEmail(email)).allowed);
}

/** A request that carries nothing: no body, or an empty JSON one ({} or none with application/json). */
async function noBody(c: Context): Promise<void> {
  const type = c.req.header("content-type");
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (type === undefined && bytes.length === 0) return;
  const { type: media, utf8 } = mediaType(type);
  if (media !== "application/json" || !utf8) throw new InputError("content-type", "send no body, or an empty application/json one");
  if (bytes.length > 0 && !z.object({}).strict().safeParse(readJson(bytes)).success) throw new InputError("body", "the body must be empty or {}");
}

function tooMany(c: Context, seconds: number, what: string) {
  c.header("Retry-After", String(seconds));
  return c.json({ error: `too many ${what}; try again in ${seconds} seconds` }, 429);
}

/** The refresh token from a JSON body (API clients), else from the cookie (browsers). */
async function presentedToken(c: Context): Promise<string | undefined> {
  const json = c.req.header("content-type")?.toLowerCase().startsWith("application/json");
  const fromBody = json ? (await jsonBody(c, TokenBody)).refreshToken : undefined;
  return fromBody ?? refreshCookie(c);
}
