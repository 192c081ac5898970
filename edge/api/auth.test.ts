/** The JSON auth API through a real edge on PGlite, and once through the whole shop's app. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accountsEdge, cookieJar, peer, setCookieOf } from "../../test/accounts-kit.ts";
import { startShop } from "../../test/kit.ts";

const GRACE_MS = 2_000;
let clock = Date.now();
let kit: Awaited<ReturnType<typeof accountsEdge>>;
beforeAll(async () => {
  kit = await accountsEdge({ graceMs: GRACE_MS, now: () => clock });
}, 30_000); // a fresh PGlite migrates in seconds on a busy machine
afterAll(() => kit.close());

type Json = Record<string, any>;
/** A JSON request from `ip`, as an API client sends it (no cookies unless given). */
async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, ip = "192.0.2.1") {
  const init: RequestInit = { method, headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await kit.app.request(`/api/auth${path}`, init, peer(ip));
  const json: Json = await res.json().catch(() => ({}));
  return { status: res.status, json, res };
}
let n = 0;
const fresh = () => ({ email: `api${++n}@example.com`, password: "analytical1", name: `Api ${n}` });

describe("register", () => {
  test("201 with the account (no hash), tokens and cookies; the sign-in hook runs", async () => {
    const input = fresh();
    const { status, json, res } = await api("POST", "/register", input);
    expect(status).toBe(201);
    expect(json.user).toEqual({ id: expect.any(String), email: input.email, name: input.name, role: "customer", createdAt: expect.any(String),
      firstName: input.name, lastName: "", phone: null, emailVerified: false });
    expect(JSON.stringify(json)).not.toMatch(/argon2|passwordHash|analytical1/);
    expect([typeof json.accessToken, typeof json.refreshToken, json.expiresIn]).toEqual(["string", "string", 900]);
    expect(setCookieOf(res, "session")?.value).toBe(json.accessToken);
    expect(setCookieOf(res, "refresh")?.value).toBe(json.refreshToken);
    expect(kit.signIns).toContain(json.user.id);
  });

  test("409 for an email already registered, in any case", async () => {
    const input = fresh();
    await api("POST", "/register", input);
    const again = await api("POST", "/register", { ...input, email: input.email.toUpperCase() });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ error: "An account with this email already exists", code: "EMAIL_TAKEN" });
  });

  test.each([
    [{ email: "nope", password: "analytical1", name: "A" }, "email", "Email must be an address like name@example.com"],
    [{ email: "x@example.com", password: "short", name: "A" }, "password", "Password must be at least 10 characters"],
    [{ email: "x@example.com", password: "analytical1" }, "firstName", "firstName and lastName are required (or one name)"],
  ])("400 naming the field: %j", async (body, field, error) => {
    expect(await api("POST", "/register", body)).toMatchObject({ status: 400, json: { field, error } });
  });
});

describe("login", () => {
  test("200 with the account, the tokens in the body for API clients, and the cookies", async () => {
    const input = fresh();
    await api("POST", "/register", input);
    const { status, json, res } = await api("POST", "/login", { email: input.email, password: input.password });
    expect(status).toBe(200);
    expect([json.user.email, json.user.role, typeof json.accessToken]).toEqual([input.email, "customer", "string"]);
    expect(setCookieOf(res, "refresh")?.value).toBe(json.refreshToken);
    const me = await api("GET", "/me", undefined, { authorization: `Bearer ${json.accessToken}` });
    expect(me).toMatchObject({ status: 200, json: { user: { email: input.email } } });
  });

  test("401 with one message for a wrong password and for an unknown email", async () => {
    const input = fresh();
    await api("POST", "/register", input);
    const wrong = await api("POST", "/login", { email: input.email, password: "wrong-pass-1" }, {}, "192.0.2.50");
    const unknown = await api("POST", "/login", { email: `x${input.email}`, password: input.password }, {}, "192.0.2.51");
    expect([wrong.status, wrong.json]).toEqual([401, { error: "wrong email or password" }]);
    expect([unknown.status, unknown.json]).toEqual([401, { error: "wrong email or password" }]);
  });

  test("the sixth attempt on an account within 15 minutes is 429 with Retry-After, even with the right password", async () => {
    const input = fresh();
    await api("POST", "/register", input);
    for (let i = 0; i < 5; i++) expect((await api("POST", "/login", { email: input.email, password: "guess-no-1" }, {}, `198.51.100.${i}`)).status).toBe(401);
    const sixth = await api("POST", "/login", { email: input.email, password: input.password }, {}, "198.51.100.99");
    expect(sixth.status).toBe(429);
    const retry = Number(sixth.res.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(890);
    expect(retry).toBeLessThanOrEqual(900);
  });

  test("the 51st attempt from one IP within 15 minutes is 429, whichever account; other IPs go on", async () => {
    const victim = fresh();
    await api("POST", "/register", victim);
    for (let i = 0; i < 50; i++) await api("POST", "/login", { email: `target${i}@example.com`, password: "guess-no-1" }, {}, "203.0.113.66");
    const sixth = await api("POST", "/login", { email: victim.email, password: victim.password }, {}, "203.0.113.66");
    expect(sixth.status).toBe(429);
    expect(Number(sixth.res.headers.get("retry-after"))).toBeGreaterThan(890);
    expect((await api("POST", "/login", { email: victim.email, password: victim.password }, {}, "203.0.113.67")).status).toBe(200);
  });

  test("a cross-site login with the shop's cookies is refused (CSRF)", async () => {
    const res = await api("POST", "/login", fresh(), { origin: "https://evil.example", cookie: "refresh=x" });
    expect(res.status).toBe(403);
  });
});

describe("refresh and logout", () => {
  const session = async () => {
    const input = fresh();
    return (await api("POST", "/register", input)).json;
  };

  test("refresh trades a token for a new pair; a reuse past the grace window is 401 and revokes the family", async () => {
    const { refreshToken: t1 } = await session();
    const first = await api("POST", "/refresh", { refreshToken: t1 });
    expect(first.status).toBe(200);
    const t2 = first.json.refreshToken;
    expect([typeof first.json.accessToken, typeof t2]).toEqual(["string", "string"]);
    clock += GRACE_MS + 1;
    const reuse = await api("POST", "/refresh", { refreshToken: t1 });
    expect(reuse.status).toBe(401);
    expect(setCookieOf(reuse.res, "refresh")?.["max-age"]).toBe("0");
    expect((await api("POST", "/refresh", { refreshToken: t2 })).status).toBe(401); // the newest dies with it
  });

  test("within the grace window the old token gets an access token and no new refresh token", async () => {
    const { refreshToken: t1 } = await session();
    const t2 = (await api("POST", "/refresh", { refreshToken: t1 })).json.refreshToken;
    const twin = await api("POST", "/refresh", { refreshToken: t1 });
    expect(twin.status).toBe(200);
    expect([typeof twin.json.accessToken, twin.json.refreshToken]).toEqual(["string", null]);
    expect(setCookieOf(twin.res, "refresh")).toBeUndefined();
    expect((await api("POST", "/refresh", { refreshToken: t2 })).status).toBe(200);
  });

  test("401 without a token", async () => {
    expect((await api("POST", "/refresh", {})).status).toBe(401);
    expect((await api("POST", "/refresh")).status).toBe(401);
  });

  test("logout revokes the session and clears the cookies; /me is then 401", async () => {
    const jar = cookieJar();
    const input = fresh();
    jar.take((await api("POST", "/register", input)).res);
    const token = jar.get("refresh");
    expect((await api("GET", "/me", undefined, jar.header())).json.user.email).toBe(input.email);
    const out = await api("POST", "/logout", undefined, { ...jar.header(), "sec-fetch-site": "same-origin" });
    expect(out.status).toBe(204);
    jar.take(out.res);
    expect(jar.header()).toEqual({});
    expect((await api("POST", "/refresh", { refreshToken: token })).status).toBe(401);
    expect((await api("GET", "/me")).status).toBe(401);
  });
});

describe("wired into the shop", () => {
  test("register, /me by cookie, and the kit's bearer tokens still work", async () => {
    const shop = await startShop();
    try {
      const jar = cookieJar();
      const res = jar.take(await shop.app.request("/api/auth/register", {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "shop@example.com", password: "analytical1", name: "Shopper" }),
      }));
      expect(res.status).toBe(201);
      const me = await shop.app.request("/api/auth/me", { headers: jar.header() });
      expect(await me.json()).toMatchObject({ user: { email: "shop@example.com", role: "customer" } });
      expect((await shop.call("GET", "/api/orders", { token: await shop.token("admin") })).status).toBe(200);
      expect((await shop.app.request("/login")).status).toBe(200);
    } finally {
      await shop.stop();
    }
  }, 60_000);
});
