/**
 * For the accounts tests: the accounts service on a real database, an edge with just the
 * middleware and routes that accounts need (the same pieces edge/app.ts wires), and a
 * cookie jar that keeps what a browser would.
 */
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { Accounts, type AccountsOptions } from "../actors/accounts/accounts.ts";
import { LoginLimiter } from "../actors/accounts/login-limiter.ts";
import { LinkLimiter } from "../actors/accounts/link-limiter.ts";
import { memoryCache, type Cache } from "../actors/runtime/cache.ts";
import { argon2Passwords } from "../actors/accounts/passwords.ts";
import { openPglite, openPostgres, type Db } from "../db/client.ts";
import { authApi } from "../edge/api/auth.ts";
import { authenticate, type AuthEnv } from "../edge/auth/auth.ts";
import { sameOrigin } from "../edge/auth/csrf.ts";
import type { Shop } from "./kit.ts";
import { onError } from "../edge/http/http-errors.ts";
import { accountPages } from "../edge/pages/account-pages.tsx";
import { accountLinkPages } from "../edge/pages/account-links.tsx";
import { accountSettingsPages } from "../edge/pages/account-settings.tsx";
import { accountNotificationPages } from "../edge/pages/account-notifications.tsx";
import { accountApi } from "../edge/api/account.ts";
import { NotificationPreferences } from "../actors/accounts/preferences.ts";
import { MessageHistory } from "../actors/notify/history.ts";
import type { Sql } from "../db/sql.ts";
import { AUTH_API, cookieRenewal } from "../edge/auth/session.ts";
import { pageShell } from "../edge/http/shell.ts";
import { freshPostgres, type Engine } from "./engines.ts";

/** Real argon2id at a test-sized cost (1 MiB, one pass): hashes verify like production ones. */
export const quickPasswords = argon2Passwords({ memoryCost: 1024, timeCost: 1 });

/** A migrated database on `engine`; `close` also drops a Postgres database. */
export async function openEngine(engine: Engine): Promise<{ db: Db; sql: Sql; close(): Promise<void> }> {
  if (engine === "embedded") return openPglite();
  const pg = await freshPostgres({ migrated: true });
  const database = await openPostgres(pg.url);
  return { db: database.db, sql: database.sql, close: async () => (await database.close(), await pg.drop()) };
}

export type KitOptions = AccountsOptions & {
  trustProxy?: boolean;
  /** the limiter's and the session checks' cache; one of its own in memory by default */
  cache?: Cache;
  /** another edge's database and secret, for a second edge of the same shop */
  shared?: { db: Db; sql: Sql; secret: string };
};

/**
 * The accounts routes on PGlite in memory (or on `shared`'s database). GET /whoami echoes
 * the user; GET /stream too, in a Response it builds itself, as the SSE routes do.
 */
export async function accountsEdge(opts: KitOptions = {}) {
  const database = opts.shared ? { ...opts.shared, close: async () => {} } : await openPglite();
  const cache = opts.cache ?? memoryCache();
  const accounts = new Accounts(database.db, { passwords: quickPasswords, ...opts, cache });
  const secret = opts.shared?.secret ?? crypto.randomUUID() + crypto.randomUUID();
  const signIns: string[] = [];
  const deps = {
    accounts, secret, trustProxy: opts.trustProxy ?? false, limiter: new LoginLimiter(cache), links: new LinkLimiter(cache),
    onSignIn: async (_c: unknown, userId: string) => void signIns.push(userId),
    preferences: new NotificationPreferences(database.db), messageHistory: new MessageHistory(database.sql, "http://localhost"),
  };
  const app = new Hono<AuthEnv>()
    .use(sameOrigin())
    .use(authenticate(secret, { renew: cookieRenewal(deps), sessions: (id, version) => accounts.sessionIsCurrent(id, version) }))
    .use(pageShell({ cartCount: async () => 0, unverified: (id) => accounts.emailUnverified(id) }));
  app.onError(onError);
  app.route(AUTH_API, authApi(deps));
  app.route("/", accountPages(deps));
  app.route("/", accountLinkPages(deps));
  app.route("/", accountSettingsPages(deps));
  app.route("/", accountNotificationPages(deps));
  app.route("/api/account", accountApi(deps));
  app.get("/whoami", (c) => c.json({ user: c.get("user") }));
  app.get("/stream", (c) => new Response(JSON.stringify({ user: c.get("user") }), { headers: { "content-type": "text/event-stream" } }));
  return { app, accounts, secret, signIns, db: database.db, sql: database.sql, close: () => database.close() };
}

let signUps = 0;
/** A new customer registered through `app`'s API: its cookies in a jar, its tokens as the API answered them. */
export async function signUp(app: Hono<AuthEnv>, base = "http://localhost") {
  const jar = cookieJar();
  const n = ++signUps;
  const email = `s${n}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const res = jar.take(await app.request(`${base}/api/auth/register`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "analytical1", name: `Session ${n}` }),
  }));
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  const body: { user: { id: string }; accessToken: string; refreshToken: string } = await res.json();
  return { jar, res, email, id: body.user.id, accessToken: body.accessToken, refreshToken: body.refreshToken };
}

/** What Bun.serve hands Hono as `env`: only the part getConnInfo asks for. */
export const peer = (address: string) => ({ requestIP: () => ({ address, family: "IPv4", port: 40_000 }) });

/** Cookies as a browser keeps them: set, replaced, and deleted by Max-Age=0. */
export function cookieJar() {
  const cookies = new Map<string, string>();
  return {
    get: (name: string) => cookies.get(name),
    set: (name: string, value: string) => void cookies.set(name, value),
    delete: (name: string) => void cookies.delete(name),
    /** The Cookie header to send, or {} when empty. */
    header(): Record<string, string> {
      return cookies.size === 0 ? {} : { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
    },
    /** Takes the Set-Cookie headers of `res`. */
    take(res: Response) {
      for (const line of res.headers.getSetCookie()) {
        const [pair = ""] = line.split(";");
        const name = pair.slice(0, pair.indexOf("="));
        if (/;\s*max-age=0\b/i.test(line)) cookies.delete(name);
        else cookies.set(name, pair.slice(pair.indexOf("=") + 1));
      }
      return res;
    },
  };
}

/** The attributes of the Set-Cookie line for `name` in `res`, lowercased, keyed by attribute. */
export function setCookieOf(res: Response, name: string): Record<string, string> | undefined {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair = "", ...attrs] = line.split(";").map((s) => s.trim());
  return Object.fromEntries([["value", pair.slice(name.length + 1)], ...attrs.map((a) => {
    const [k = "", v = "true"] = a.split("=");
    return [k.toLowerCase(), v];
  })]);
}

/** Registers `name` on a whole shop as `<name>-<tag>@example.com`, password "analytical1". */
export async function registerCustomer(shop: Shop, name: string, tag: string): Promise<{ email: string; id: string }> {
  const email = `${name.toLowerCase()}-${tag}@example.com`;
  const res = await shop.call("POST", "/api/auth/register", { body: { email, password: "analytical1", name: `${name} ${tag}` } });
  if (res.status !== 201) throw new Error(`registering ${email}: ${res.status} ${JSON.stringify(res.json)}`);
  return { email, id: res.json.user.id as string };
}

export type SentEvent = { type: string; key: string; payload: Record<string, string> };
/** The account events in `db`'s outbox for `userId`, oldest first. */
export async function outboxOf(db: Db, userId: string): Promise<SentEvent[]> {
  const rows = await db.execute(sql`SELECT message FROM runtime.outbox WHERE key = ${userId} ORDER BY id`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { message: string }[];
  return list.map((r) => JSON.parse(r.message));
}
