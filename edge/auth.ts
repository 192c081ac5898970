/**
 * JWT authentication: HS256 tokens read from `Authorization: Bearer` (API) or the
 * `session` cookie (pages and SSE). Roles: customer, admin.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { sign, verify } from "hono/jwt";
import { z } from "zod";
import type { Shell } from "../views/layout.tsx";

export type Role = "customer" | "admin";
export type User = { sub: string; role: Role; name?: string };
export type AuthEnv = {
  Variables: {
    user: User | null;
    /** the page shell for this request (edge/shell.ts) */
    shell: (extra?: Partial<Shell>) => Promise<Shell>;
  };
};

export const SESSION_COOKIE = "session";
const Claims = z.object({ sub: z.string().min(1), role: z.enum(["customer", "admin"]), name: z.string().max(100).optional() });

/** Sign a token for `user`, valid for `ttlSeconds`. */
export function issueToken(secret: string, user: User, ttlSeconds = 15 * 60): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: user.sub, role: user.role, ...(user.name ? { name: user.name } : {}), iat: now, exp: now + ttlSeconds }, secret, "HS256");
}

/** Reads the token if there is one; never rejects (see `requireUser`). */
export function authenticate(secret: string): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    c.set("user", await userOf(c, secret));
    await next();
  };
}

async function userOf(c: Context, secret: string): Promise<User | null> {
  const header = c.req.header("authorization");
  const token = header?.startsWith("Bearer ") ? header.slice(7) : getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  try {
    const claims = Claims.safeParse(await verify(token, secret, "HS256"));
    return claims.success ? claims.data : null;
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

/** A customer may see only their own orders; admins see all. */
export const canSee = (user: User, customerId: string) => user.role === "admin" || user.sub === customerId;
