/**
 * Browser sessions: the access token (15 minutes) in the `session` cookie and the refresh
 * token (30 days) in the `refresh` cookie, both HttpOnly and SameSite=Lax, and Secure
 * everywhere but plain http to localhost. Sign-in, renewal and sign-out set them here.
 */
import type { Context } from "hono";
import { generateCookie, getCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import type { Account, Accounts } from "../../actors/accounts/accounts.ts";
import { log } from "../../actors/runtime/log.ts";
import { ACCESS_TTL_SECONDS, issueToken, REFRESH_COOKIE, SESSION_COOKIE, type AuthEnv, type Renew, type User } from "./auth.ts";

/** Where the JSON auth API is mounted. */
export const AUTH_API = "/api/auth";
const REFRESH_MAX_AGE = 30 * 24 * 3600;
/** Routes that handle the refresh token themselves: renewing it first would use it up. */
const HANDLES_REFRESH = new Set([`${AUTH_API}/refresh`, `${AUTH_API}/logout`, "/logout"]);

export type SessionDeps = {
  accounts: Accounts;
  secret: string;
  /** behind our own proxy: its X-Forwarded-For names the client, its X-Forwarded-Proto the scheme */
  trustProxy?: boolean;
  /** after each sign-in or registration (the cart merges the guest's cart into the user's) */
  onSignIn(c: Context<AuthEnv>, userId: string): Promise<void>;
};
export type Tokens = { accessToken: string; refreshToken: string };

/** https as the browser sees it: the request URL, or the trusted proxy's X-Forwarded-Proto. */
export function isHttps(c: Context, trustProxy = false): boolean {
  const forwarded = trustProxy ? c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() : undefined;
  return (forwarded ?? new URL(c.req.url).protocol.replace(/:$/, "")) === "https";
}

/** This machine by name or loopback address: the only place a shop runs over plain http. */
const LOCALHOST = /^(localhost|[^/]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Whether our cookies are marked Secure: always, except over plain http to localhost
 * (a developer's machine). A shop on any other host over plain http then cannot keep a
 * session at all, which is the point: its cookies would travel in the clear.
 */
export function secureCookies(c: Context, trustProxy = false): boolean {
  return isHttps(c, trustProxy) || !LOCALHOST.test(new URL(c.req.url).hostname);
}

/** The access token's claims for `account`, with the session version a sign-out will move past. */
export const userOf = (account: Account): User => ({ sub: account.id, role: account.role, name: account.name, sv: account.sessionVersion });

/** Signs `account` in: a new session, both cookies set, then the `onSignIn` hook. */
export async function signIn(c: Context<AuthEnv>, deps: SessionDeps, account: Account): Promise<Tokens> {
  const refreshToken = await deps.accounts.startSession(account);
  const accessToken = await issueToken(deps.secret, userOf(account));
  setSessionCookies(c, { accessToken, refreshToken }, deps.trustProxy);
  c.set("user", userOf(account));
  try {
    await deps.onSignIn(c, account.id);
  } catch (error) {
    // the sign-in stands: a cart that failed to merge must not lock the customer out
    log.error("onSignIn failed", { userId: account.id, error });
  }
  return { accessToken, refreshToken };
}

type Pair = { accessToken: string; refreshToken: string | null };

/** Set-Cookie lines for the session cookie, and the refresh cookie when there is a new refresh token. */
export function sessionCookies(c: Context, tokens: Pair, trustProxy = false): string[] {
  const base = cookieBase(c, trustProxy);
  const session = generateCookie(SESSION_COOKIE, tokens.accessToken, { ...base, maxAge: ACCESS_TTL_SECONDS });
  return tokens.refreshToken ? [session, generateCookie(REFRESH_COOKIE, tokens.refreshToken, { ...base, maxAge: REFRESH_MAX_AGE })] : [session];
}

/** Set-Cookie lines that make the browser forget both cookies. */
export function clearedCookies(c: Context, trustProxy = false): string[] {
  const gone = { ...cookieBase(c, trustProxy), maxAge: 0, expires: new Date(0) };
  return [generateCookie(SESSION_COOKIE, "", gone), generateCookie(REFRESH_COOKIE, "", gone)];
}

/** Sets the session cookies on the response being built. */
export const setSessionCookies = (c: Context, tokens: Pair, trustProxy = false) => append(c, sessionCookies(c, tokens, trustProxy));
/** Clears both cookies on the response being built. */
export const clearSessionCookies = (c: Context, trustProxy = false) => append(c, clearedCookies(c, trustProxy));

const append = (c: Context, cookies: string[]) => cookies.forEach((cookie) => c.header("Set-Cookie", cookie, { append: true }));
const cookieBase = (c: Context, trustProxy: boolean): CookieOptions =>
  ({ path: "/", httpOnly: true, sameSite: "Lax", secure: secureCookies(c, trustProxy) });

/** The refresh token in this request's cookie. */
export const refreshCookie = (c: Context): string | undefined => getCookie(c, REFRESH_COOKIE);

/** Ends the session of `token`, if any, and clears the cookies. */
export async function signOut(c: Context, deps: SessionDeps, token: string | undefined) {
  if (token) await deps.accounts.logout(token);
  clearSessionCookies(c, deps.trustProxy);
}

/** For `authenticate`: renews a browser session from its refresh cookie, with the new cookies. */
export function cookieRenewal(deps: Pick<SessionDeps, "accounts" | "secret" | "trustProxy">): Renew {
  return async (c, token) => {
    if (HANDLES_REFRESH.has(c.req.path)) return { user: null, cookies: [] };
    const renewal = await deps.accounts.refresh(token).catch((error: unknown) => {
      // the request goes on as a guest's and the cookie stays for the next one
      log.warn("session renewal failed", { error });
      return undefined;
    });
    if (renewal === undefined) return { user: null, cookies: [] };
    // spent or revoked: stop presenting it
    if (!renewal) return { user: null, cookies: clearedCookies(c, deps.trustProxy) };
    const user = userOf(renewal.account);
    const accessToken = await issueToken(deps.secret, user);
    return { user, cookies: sessionCookies(c, { accessToken, refreshToken: renewal.refreshToken }, deps.trustProxy) };
  };
}
