/**
 * The end of a session reaches its access tokens within seconds, not at their 15-minute
 * expiry: on one edge on PGlite, then on two edges of one shop, sharing Redis or not.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Hono } from "hono";
import { upstashCache } from "../../actors/runtime/adapters/upstash-cache.ts";
import { startUpstashBridge } from "../../deploy/upstash-bridge.ts";
import { accountsEdge, openEngine, setCookieOf, signUp } from "../../test/accounts-kit.ts";
import { REDIS_URL } from "../../test/engines.ts";
import { waitUntil } from "../../test/kit.ts";
import { issueToken, type AuthEnv } from "./auth.ts";

type Edge = Awaited<ReturnType<typeof accountsEdge>>;
let kit: Edge;
beforeAll(async () => {
  kit = await accountsEdge({ graceMs: 0 }); // a used refresh token is a replay at once
}, 30_000); // a fresh PGlite migrates in seconds on a busy machine
afterAll(() => kit.close());

const JSON_TYPE = { "content-type": "application/json" };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** GET /api/auth/me's status with `headers`: 200 signed in, 401 not. */
const me = async (app: Hono<AuthEnv>, headers: Record<string, string>) => (await app.request("/api/auth/me", { headers })).status;
const apiSignOut = (app: Hono<AuthEnv>, refreshToken: string) =>
  app.request("/api/auth/logout", { method: "POST", headers: JSON_TYPE, body: JSON.stringify({ refreshToken }) });
const refreshWith = (refreshToken: string) =>
  kit.app.request("/api/auth/refresh", { method: "POST", headers: JSON_TYPE, body: JSON.stringify({ refreshToken }) });

describe("on one edge", () => {
  test("after a sign-out through the API, its access token is refused at once", async () => {
    const s = await signUp(kit.app);
    expect(await me(kit.app, bearer(s.accessToken))).toBe(200);
    expect((await apiSignOut(kit.app, s.refreshToken)).status).toBe(204);
    expect(await me(kit.app, bearer(s.accessToken))).toBe(401);
  });

  test("after a sign-out from a page, the old session cookie is a guest's", async () => {
    const s = await signUp(kit.app);
    const copied = s.jar.get("session")!;
    const res = s.jar.take(await kit.app.request("/logout", { method: "POST", headers: { ...s.jar.header(), "sec-fetch-site": "same-origin" } }));
    expect(res.status).toBe(303);
    expect(s.jar.header()).toEqual({});
    const replay = await kit.app.request("/whoami", { headers: { cookie: `session=${copied}` } });
    expect((await replay.json()).user).toBeNull();
    expect(await me(kit.app, { cookie: `session=${copied}` })).toBe(401);
  });

  test("the account's other sessions lose their access token and renew it: a browser in passing, an API client by refreshing", async () => {
    const laptop = await signUp(kit.app);
    const login = async () => {
      const res = await kit.app.request("/api/auth/login", { method: "POST", headers: JSON_TYPE, body: JSON.stringify({ email: laptop.email, password: "analytical1" }) });
      const body: { accessToken: string; refreshToken: string } = await res.json();
      return { ...body, cookie: { cookie: `session=${body.accessToken}; refresh=${body.refreshToken}` } };
    };
    const [browser, client] = [await login(), await login()];
    expect((await apiSignOut(kit.app, laptop.refreshToken)).status).toBe(204);

    const renewed = await kit.app.request("/whoami", { headers: browser.cookie });
    expect((await renewed.json()).user).toMatchObject({ sub: laptop.id, sv: 1 });
    expect(setCookieOf(renewed, "session")?.value).toEqual(expect.any(String));

    expect(await me(kit.app, bearer(client.accessToken))).toBe(401);
    const refreshed = await refreshWith(client.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(await me(kit.app, bearer((await refreshed.json()).accessToken))).toBe(200);
  });

  test("a refresh token replayed after it was used revokes its family, and the access tokens issued from it", async () => {
    const victim = await signUp(kit.app);
    const stolen = await refreshWith(victim.refreshToken); // the thief rotates a copy first
    const thief: { accessToken: string; refreshToken: string } = await stolen.json();
    expect(await me(kit.app, bearer(thief.accessToken))).toBe(200);
    await Bun.sleep(5); // past the grace window
    expect((await refreshWith(victim.refreshToken)).status).toBe(401); // the victim's browser comes back with it
    expect(await me(kit.app, bearer(thief.accessToken))).toBe(401);
    expect(await me(kit.app, bearer(victim.accessToken))).toBe(401);
    expect((await refreshWith(thief.refreshToken)).status).toBe(401);
  });

  test("a disabled account: its tokens are refused and its browser is signed out", async () => {
    const s = await signUp(kit.app);
    expect(await kit.accounts.disable(s.id)).toBe(true);
    expect(await me(kit.app, bearer(s.accessToken))).toBe(401);
    const res = s.jar.take(await kit.app.request("/whoami", { headers: s.jar.header() }));
    expect((await res.json()).user).toBeNull();
    expect(s.jar.header()).toEqual({}); // the refresh cookie was refused, so both were cleared
  });

  test("a token minted with the secret carries no session version: only its expiry ends it", async () => {
    const s = await signUp(kit.app);
    const minted = await issueToken(kit.secret, { sub: s.id, role: "customer" });
    expect((await apiSignOut(kit.app, s.refreshToken)).status).toBe(204);
    expect(await me(kit.app, bearer(minted))).toBe(200);
  });
});

describe("two edges of one shop", () => {
  test("sharing Redis: a sign-out on one edge is refused by the other at once", async () => {
    const { db, sql, close } = await openEngine("postgres");
    const token = crypto.randomUUID();
    const bridge = startUpstashBridge({ port: 0, redisUrl: REDIS_URL, token });
    const redis = () => upstashCache(bridge.url, token, { prefix: `test:${token}:` }); // a client per edge
    const secret = crypto.randomUUID() + crypto.randomUUID();
    try {
      const [one, two] = [await accountsEdge({ shared: { db, sql, secret }, cache: redis() }), await accountsEdge({ shared: { db, sql, secret }, cache: redis() })];
      const s = await signUp(one.app);
      expect(await me(two.app, bearer(s.accessToken))).toBe(200); // edge two now holds the version in Redis
      expect((await apiSignOut(one.app, s.refreshToken)).status).toBe(204);
      expect(await me(two.app, bearer(s.accessToken))).toBe(401);
      expect(await me(two.app, { cookie: `session=${s.accessToken}` })).toBe(401);
    } finally {
      await bridge.stop();
      await close();
    }
  }, 30_000);

  test("each with a cache of its own: the other edge refuses within the check's TTL", async () => {
    const other = await accountsEdge({ shared: { db: kit.db, sql: kit.sql, secret: kit.secret }, sessionCheckSeconds: 1 });
    const s = await signUp(kit.app);
    expect(await me(other.app, bearer(s.accessToken))).toBe(200);
    const signedOutAt = Date.now();
    expect((await apiSignOut(kit.app, s.refreshToken)).status).toBe(204);
    await waitUntil(async () => (await me(other.app, bearer(s.accessToken))) === 401, 5_000, "the other edge to refuse the token");
    expect(Date.now() - signedOutAt).toBeLessThan(2_500);
  });
});
