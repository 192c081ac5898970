/** Session cookies and their renewal in `authenticate`, through a real edge on PGlite. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accountsEdge, setCookieOf, signUp } from "../../test/accounts-kit.ts";
import { issueToken } from "./auth.ts";

let kit: Awaited<ReturnType<typeof accountsEdge>>;
beforeAll(async () => {
  kit = await accountsEdge({ graceMs: 60_000 });
}, 30_000); // a fresh PGlite migrates in seconds on a busy machine
afterAll(() => kit.close());

/** A new customer signed in through the API; its cookies in a jar. */
const signedIn = (base?: string) => signUp(kit.app, base);
const whoami = async (headers: Record<string, string>) => kit.app.request("/whoami", { headers });

describe("cookies", () => {
  test("session (15 min) and refresh (30 days) are HttpOnly, SameSite=Lax, not Secure over http on localhost", async () => {
    const { res } = await signedIn();
    expect(setCookieOf(res, "session")).toMatchObject({ httponly: "true", samesite: "Lax", path: "/", "max-age": "900" });
    expect(setCookieOf(res, "refresh")).toMatchObject({ httponly: "true", samesite: "Lax", path: "/", "max-age": "2592000" });
    expect(setCookieOf(res, "session")!.secure).toBeUndefined();
  });

  test("Secure whenever the browser used https", async () => {
    const { res } = await signedIn("https://shop.test");
    expect(setCookieOf(res, "session")!.secure).toBe("true");
    expect(setCookieOf(res, "refresh")!.secure).toBe("true");
  });

  test("X-Forwarded-Proto counts only behind our proxy", async () => {
    const login = (edge: typeof kit, email: string) => edge.app.request("/api/auth/login", {
      method: "POST", headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
      body: JSON.stringify({ email, password: "analytical1" }),
    });
    const { email } = await signedIn();
    expect(setCookieOf(await login(kit, email), "session")!.secure).toBeUndefined();
    const proxied = await accountsEdge({ trustProxy: true });
    try {
      await proxied.accounts.register(email, "analytical1", "Proxied");
      expect(setCookieOf(await login(proxied, email), "session")!.secure).toBe("true");
    } finally {
      await proxied.close();
    }
  }, 30_000);
});

describe("renewal in authenticate", () => {
  test("a page load after the access cookie expired just works: rotated in passing, both cookies set", async () => {
    const { jar, id } = await signedIn();
    const oldRefresh = jar.get("refresh");
    jar.delete("session"); // the browser dropped it at Max-Age
    const res = jar.take(await whoami(jar.header()));
    expect((await res.json()).user).toMatchObject({ sub: id, role: "customer", name: expect.stringMatching(/^Session/) });
    expect(jar.get("session")).toBeDefined();
    expect(jar.get("refresh")).not.toBe(oldRefresh);
    expect(await kit.accounts.refresh(oldRefresh!)).toMatchObject({ refreshToken: null }); // used, still in its grace
  });

  test("a route that builds its own Response (an SSE stream) still carries the new cookies", async () => {
    const { jar, id } = await signedIn();
    const before = jar.get("refresh");
    jar.delete("session");
    const res = jar.take(await kit.app.request("/stream", { headers: jar.header() }));
    expect((await res.json()).user.sub).toBe(id);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(jar.get("session")).toBeDefined();
    expect(jar.get("refresh")).not.toBe(before);
    expect(await kit.accounts.refresh(jar.get("refresh")!)).not.toBeNull(); // the browser holds the live successor
  });

  test("signing in again with an old refresh cookie: the new session's cookies win", async () => {
    const { jar, email } = await signedIn();
    jar.delete("session");
    const res = jar.take(await kit.app.request("/login", {
      method: "POST", headers: { ...jar.header(), "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password: "analytical1" }).toString(),
    }));
    expect(res.status).toBe(303);
    const lines = res.headers.getSetCookie().filter((l) => l.startsWith("refresh="));
    expect(lines).toHaveLength(2); // the renewal's, then the sign-in's
    expect(jar.get("refresh")).toBe(lines[1]!.slice("refresh=".length, lines[1]!.indexOf(";")));
  });

  test("an expired access token is renewed the same way", async () => {
    const { jar, id } = await signedIn();
    jar.set("session", await issueToken(kit.secret, { sub: id, role: "customer" }, -60));
    const res = jar.take(await whoami(jar.header()));
    expect((await res.json()).user.sub).toBe(id);
    expect(setCookieOf(res, "session")?.value).toBe(jar.get("session")!);
  });

  test("a revoked refresh cookie leaves a guest, and both cookies are cleared", async () => {
    const { jar } = await signedIn();
    await kit.accounts.logout(jar.get("refresh")!);
    jar.delete("session");
    const res = jar.take(await whoami(jar.header()));
    expect((await res.json()).user).toBeNull();
    expect(setCookieOf(res, "refresh")?.["max-age"]).toBe("0");
    expect(jar.header()).toEqual({});
  });

  test("a valid access cookie costs no renewal", async () => {
    const { jar } = await signedIn();
    const res = await whoami(jar.header());
    expect((await res.json()).user).not.toBeNull();
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  test("bearer clients are never renewed: an invalid bearer token is a guest, whatever the cookies", async () => {
    const { jar, id } = await signedIn();
    jar.delete("session");
    const bad = await whoami({ ...jar.header(), authorization: "Bearer not-a-token" });
    expect((await bad.json()).user).toBeNull();
    expect(bad.headers.getSetCookie()).toEqual([]);
    const good = await whoami({ authorization: `Bearer ${await issueToken(kit.secret, { sub: id, role: "customer" })}` });
    expect((await good.json()).user).toMatchObject({ sub: id });
  });

  test("POST /api/auth/refresh with the cookie rotates once: no renewal in passing before it", async () => {
    const { jar } = await signedIn();
    jar.delete("session");
    const res = jar.take(await kit.app.request("/api/auth/refresh", { method: "POST", headers: { ...jar.header(), "sec-fetch-site": "same-origin" } }));
    expect(res.status).toBe(200);
    const body: { refreshToken: string | null } = await res.json();
    expect(body.refreshToken).toEqual(expect.any(String));
    expect(jar.get("refresh")).toBe(body.refreshToken!);
  });
});
