import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { authenticate, issueToken, type AuthEnv } from "./auth.ts";

const SECRET = "a-test-secret-of-enough-length-for-hs256";

function app(secret = SECRET) {
  const a = new Hono<AuthEnv>();
  a.use(authenticate(secret));
  a.get("/me", (c) => c.json({ user: c.get("user") }));
  return a;
}
const me = async (a: Hono<AuthEnv>, token: string) =>
  (await (await a.request("/me", { headers: { authorization: `Bearer ${token}` } })).json()).user;

describe("authenticate", () => {
  test("the same token is accepted on every request", async () => {
    const token = await issueToken(SECRET, { sub: "c-1", role: "customer" });
    const a = app();
    expect(await me(a, token)).toEqual({ sub: "c-1", role: "customer" });
    expect(await me(a, token)).toEqual({ sub: "c-1", role: "customer" });
  });

  test("a token accepted under one secret is not accepted under another", async () => {
    const token = await issueToken(SECRET, { sub: "c-2", role: "customer" });
    expect(await me(app(), token)).toEqual({ sub: "c-2", role: "customer" });
    expect(await me(app("another-secret-of-enough-length-for-hs256"), token)).toBeNull();
  });

  test("a token with a changed signature is refused though the original was accepted", async () => {
    const token = await issueToken(SECRET, { sub: "c-3", role: "admin" });
    const a = app();
    expect(await me(a, token)).toEqual({ sub: "c-3", role: "admin" });
    const forged = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
    expect(await me(a, forged)).toBeNull();
  });

  test("a token accepted before its expiry is refused after it", async () => {
    const token = await issueToken(SECRET, { sub: "c-4", role: "customer" }, 1);
    const a = app();
    expect(await me(a, token)).toEqual({ sub: "c-4", role: "customer" });
    await Bun.sleep(2_100);
    expect(await me(a, token)).toBeNull();
  });
});
