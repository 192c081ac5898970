/**
 * The JSON auth API, mounted at /api/auth (edge/auth/session.ts AUTH_API):
 *
 *   POST /register  {email,password,name} -> 201 {user, accessToken, refreshToken} + cookies
 *   POST /login     {email,password}      -> 200 the same; 401 wrong; 403 disabled; 429 + Retry-After
 *   POST /refresh   {refreshToken}? or the cookie -> 200 a new pair; 401 spent or revoked
 *   POST /logout    {refreshToken}? or the cookie -> 204, session revoked, cookies cleared
 *   GET  /me        -> 200 {user}; 401 when not signed in
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Account } from "../../actors/accounts/accounts.ts";
import type { LoginLimiter } from "../../actors/accounts/login-limiter.ts";
import { ACCESS_TTL_SECONDS, issueToken, type AuthEnv } from "../auth/auth.ts";
import { DISABLED_MESSAGE, signInAttempt } from "../http/sign-in-attempt.ts";
import type { Customers } from "../../actors/accounts/customers.ts";
import { clearSessionCookies, refreshCookie, setSessionCookies, signIn, signOut, userOf, type SessionDeps } from "../auth/session.ts";
import { jsonBody } from "../http/validate.ts";

export type AuthApiDeps = SessionDeps & {
  limiter: LoginLimiter;
  /** where sign-in attempts are written, and disabled accounts told apart */
  customers?: Customers;
};

// Lengths are bounded loosely here; the account rules (actors/accounts/account-rules.ts) name the real limits.
const Credentials = z.object({ email: z.string().max(1000), password: z.string().max(1000) });
const Registration = Credentials.extend({ name: z.string().max(1000) });
const TokenBody = z.object({ refreshToken: z.string().min(1).max(200).optional() });

/** An account as the API shows it. */
const accountJson = (a: Account) => ({ id: a.id, email: a.email, name: a.name, role: a.role, createdAt: a.createdAt.toISOString() });

/** The auth API routes; expects `authenticate` to have run. */
export function authApi(deps: AuthApiDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.post("/register", async (c) => {
    const body = await jsonBody(c, Registration);
    const account = await deps.accounts.register(body.email, body.password, body.name);
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

  app.get("/me", async (c) => {
    const user = c.get("user");
    const account = user ? await deps.accounts.find(user.sub) : null;
    if (!account) return c.json({ error: "authentication required" }, 401);
    return c.json({ user: accountJson(account) });
  });

  return app;
}

/** The refresh token from a JSON body (API clients), else from the cookie (browsers). */
async function presentedToken(c: Context): Promise<string | undefined> {
  const json = c.req.header("content-type")?.toLowerCase().startsWith("application/json");
  const fromBody = json ? (await jsonBody(c, TokenBody)).refreshToken : undefined;
  return fromBody ?? refreshCookie(c);
}
