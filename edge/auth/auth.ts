/**
 * JWT authentication: HS256 tokens read from `Authorization: Bearer` (API) or the
 * `session` cookie (pages and SSE). Roles: customer, admin. A browser whose access token
 * has expired but that holds a `refresh` cookie is renewed in passing (edge/auth/session.ts),
 * so a page opened after 15 minutes just works; bearer clients refresh explicitly.
 *
 * A token issued to a session carries the account's session version (`sv`); one whose
 * version is no longer the account's (a sign-out, a revoked refresh family, a disabled
 * account) counts as no token, within seconds (actors/accounts/session-versions.ts). A
 * browser whose other session signed out is renewed in passing like an expired one.
 * Tokens minted with the secret itself (`bun run token`, tests, benchmarks) carry no
 * version: no session ends them, only their expiry.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { sign, verify } from "hono/jwt";
import { z } from "zod";
import type { Shell } from "../../views/layout.tsx";

export type Role = "customer" | "admin";
export type User = {
  sub: string;
  role: Role;
  name?: string;
  /** the account's session version the token was issued under; absent from tokens minted with the secret */
  sv?: number;
};
export type AuthEnv = {
  Variables: {
    user: User | null;
    /** the page shell for this request (edge/http/shell.ts) */
    shell: (extra?: Partial<Shell>) => Promise<Shell>;
  };
};

export const SESSION_COOKIE = "session";
export const REFRESH_COOKIE = "refresh";
/** Access tokens live 15 minutes; the refresh token renews them. */
export const ACCESS_TTL_SECONDS = 15 * 60;
/** Trades a refresh token for a user, or null, and the Set-Cookie lines that go with it. */
export type Renew = (c: Context<AuthEnv>, refreshToken: string) => Promise<{ user: User | null; cookies: string[] }>;
/** Whether a token of `userId` issued under session version `version` still stands. */
export type SessionCheck = (userId: string, version: number) => Promise<boolean>;
const Claims = z.object({
  sub: z.string().min(1), role: z.enum(["customer", "admin"]), name: z.string().max(100).optional(), sv: z.number().int().min(0).optional(),
});

/** Sign a token for `user`, valid for `ttlSeconds`. */
export function issueToken(secret: string, user: User, ttlSeconds = ACCESS_TTL_SECONDS): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { sub, role, name, sv } = user;
  return sign({ sub, role, ...(name ? { name } : {}), ...(sv !== undefined ? { sv } : {}), iat: now, exp: now + ttlSeconds }, secret, "HS256");
}

export type AuthOptions = {
  /** renews a cookie session from its refresh cookie when its access token is missing, expired or ended */
  renew?: Renew;
  /** asked about every token that carries a session version */
  sessions?: SessionCheck;
};

/**
 * Reads the token if there is one, else renews a cookie session with `renew` when given;
 * never rejects (see `requireUser`). A bearer token is never renewed: API clients refresh.
 */
export function authenticate(secret: string, opts: AuthOptions = {}): MiddlewareHandler<AuthEnv> {
  const { renew, sessions } = opts;
  return async (c, next) => {
    const header = c.req.header("authorization");
    const bearer = header?.startsWith("Bearer ") ? header.slice(7) : undefined;
    let user = await verified(bearer ?? getCookie(c, SESSION_COOKIE), secret);
    // an ended session's token counts as none: a browser renews it below, an API client refreshes
    if (user?.sv !== undefined && sessions && !(await sessions(user.sub, user.sv))) user = null;
    let cookies: string[] = [];
    const refresh = bearer === undefined ? getCookie(c, REFRESH_COOKIE) : undefined;
    if (!user && refresh && renew) ({ user, cookies } = await renew(c, refresh));
    c.set("user", user);
    await next();
    if (cookies.length > 0) putFirst(c, cookies);
  };
}

/**
 * Adds `cookies` to the response ahead of the handler's own. After the handler, because
 * Hono drops headers set earlier when a handler returns a Response it built itself (an SSE
 * stream); ahead, so that a handler's cookies (a new sign-in, a sign-out) win.
 */
function putFirst(c: Context, cookies: string[]) {
  const own = c.res.headers.getSetCookie();
  c.header("Set-Cookie", undefined);
  for (const cookie of [...cookies, ...own]) c.header("Set-Cookie", cookie, { append: true });
}

/** The signing secret as a key, imported once per secret rather than on every request. */
const keys = new Map<string, Promise<CryptoKey>>();
function verifyingKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    keys.set(secret, key);
  }
  return key;
}

/**
 * Tokens already verified, until their expiry: a client sends the same token with every
 * request, and checking its signature again each time (an HMAC, a JSON parse, the claims)
 * is most of what an API request costs the edge. Bounded: the oldest go first.
 */
const VERIFIED_MAX = 10_000;
const verifiedTokens = new Map<string, { user: User; exp: number; secret: string }>();

async function verified(token: string | undefined, secret: string): Promise<User | null> {
  if (!token) return null;
  const known = verifiedTokens.get(token);
  if (known && known.secret === secret && known.exp > Date.now() / 1000) return known.user;
  try {
    const payload = await verify(token, await verifyingKey(secret), "HS256");
    const claims = Claims.safeParse(payload);
    if (!claims.success) return null;
    if (typeof payload.exp === "number") {
      if (verifiedTokens.size >= VERIFIED_MAX) verifiedTokens.delete(verifiedTokens.keys().next().value!);
      verifiedTokens.set(token, { user: claims.data, exp: payload.exp, secret });
    }
    return claims.data;
  } catch {
    return null;
  }
}

/** 401 without a valid token; 403 when `role` is given and the user lacks it. */
export function requireUser(role?: Role): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const user = c.get("user");
    if (!user) return c.json({ error: "authentication required" }, 401);
    if (role && user.role !== role) return c.json({ error: `${role} role required` }, 403);
    await next();
  };
}
