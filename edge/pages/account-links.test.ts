/** The account-link pages and the account page as a browser without JavaScript uses them, on a real edge and PGlite. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accountsEdge, cookieJar, outboxOf, peer } from "../../test/accounts-kit.ts";
import { RESET_SENT } from "../api/auth.ts";

let kit: Awaited<ReturnType<typeof accountsEdge>>;
beforeAll(async () => void (kit = await accountsEdge()), 60_000);
afterAll(() => kit.close());

type Jar = ReturnType<typeof cookieJar>;
async function post(path: string, fields: Record<string, string>, jar?: Jar, ip = "192.0.2.20") {
  const res = await kit.app.request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin", ...jar?.header() },
    body: new URLSearchParams(fields).toString(),
  }, peer(ip));
  jar?.take(res);
  return { status: res.status, html: await res.text(), res, location: res.headers.get("location") };
}
async function get(path: string, jar?: Jar) {
  const res = await kit.app.request(`http://localhost${path}`, { headers: jar?.header() ?? {} });
  jar?.take(res);
  return { status: res.status, html: await res.text(), res, location: res.headers.get("location") };
}
const lastToken = async (userId: string, type: string) =>
  (await outboxOf(kit.db, userId)).filter((e) => e.type === type).at(-1)!.payload.token!;

let n = 0;
/** A customer registered through the page, signed in in `jar`. */
async function register() {
  const jar = cookieJar();
  const email = `linkpage${++n}-${crypto.randomUUID().slice(0, 6)}@example.com`;
  const r = await post("/register", { firstName: "Grace", lastName: "Hopper", phone: "+1 555 010 0000", email, password: "analytical1", next: "/" }, jar);
  expect(r.status).toBe(303);
  const me = (await kit.app.request("http://localhost/api/auth/me", { headers: jar.header() }));
  const { user } = await me.json() as { user: { id: string; phone: string } };
  return { jar, email, id: user.id, user };
}
const BANNER = 'action="/verify-email/resend"';

describe("verify email", () => {
  test("the link verifies once: the banner goes; used again it says so and offers nothing to send", async () => {
    const a = await register();
    expect(a.user.phone).toBe("+1 555 010 0000");
    expect((await get("/account", a.jar)).html).toContain(BANNER);
    const token = await lastToken(a.id, "user.EmailVerificationRequested.v1");
    const ok = await get(`/verify-email?token=${token}`, a.jar);
    expect(ok.status).toBe(200);
    expect(ok.res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(ok.html).toContain("Email address verified");
    expect(ok.html).not.toContain(BANNER);
    const again = await get(`/verify-email?token=${token}`, a.jar);
    expect(again.status).toBe(400);
    expect(again.html).toContain("already used or expired");
    expect(again.html).toContain("Your address is verified already");
  });

  test("a wrong link: 400; a signed-in unverified account gets a button for a new one, a guest a way to sign in", async () => {
    const a = await register();
    for (const bad of ["", "?token=", "?token=not-a-token", `?token=${"x".repeat(500)}`, "?token=%00%01", "?token=a&token=b"]) {
      const page = await get(`/verify-email${bad}`, a.jar);
      expect(page.status).toBe(400);
      expect(page.html).toContain("The verification link is wrong, already used or expired");
      expect(page.html).toContain('<button type="submit">Send a new link</button>');
    }
    const guest = await get("/verify-email?token=nope");
    expect(guest.status).toBe(400);
    expect(guest.html).toContain('href="/login?next=%2Faccount"');
  });

  test("send the link again: 303 back with a notice and a new link; three a quarter hour, then 429 with Retry-After", async () => {
    const a = await register();
    const first = await lastToken(a.id, "user.EmailVerificationRequested.v1");
    const r = await post("/verify-email/resend", { back: "/account" }, a.jar);
    expect([r.status, r.location]).toEqual([303, "/account"]);
    expect((await get("/account", a.jar)).html).toContain("A new verification link is on its way.");
    expect(await lastToken(a.id, "user.EmailVerificationRequested.v1")).not.toBe(first);
    await post("/verify-email/resend", { back: "/" }, a.jar);
    await post("/verify-email/resend", { back: "/" }, a.jar);
    const elsewhere = await post("/verify-email/resend", { back: "https://evil.example/" }, a.jar);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.html).toContain("back must be a path on this site");
    const limited = await post("/verify-email/resend", { back: "" }, a.jar);
    expect(limited.status).toBe(429);
    expect(Number(limited.res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.html).toContain("Try again in");
    expect(limited.html).toContain('<a href="/">Back</a>');
  });

  test("a guest asking for a link is sent to sign in, and nothing is sent", async () => {
    const r = await post("/verify-email/resend", { back: "/cart" });
    expect([r.status, r.location]).toEqual([303, "/login?next=%2Fcart"]);
  });
});

describe("forgotten password", () => {
  test("the same answer for an account and for no account; a reset link only for the account", async () => {
    const a = await register();
    const known = await post("/forgot-password", { email: a.email }, undefined, "192.0.2.31");
    const unknown = await post("/forgot-password", { email: `nobody-${n}@example.com` }, undefined, "192.0.2.31");
    expect([known.status, unknown.status]).toEqual([200, 200]);
    const answer = (html: string) => html.replaceAll(a.email, "").replaceAll(`nobody-${n}@example.com`, "");
    expect(answer(known.html)).toBe(answer(unknown.html));
    expect(known.html).toContain(RESET_SENT);
    expect(await lastToken(a.id, "user.PasswordResetRequested.v1")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test("no address or a broken one: 422 beside the field; the sign-in page links here", async () => {
    for (const email of ["", "not-an-email"]) {
      const r = await post("/forgot-password", { email }, undefined, "192.0.2.32");
      expect(r.status).toBe(422);
      expect(r.html).toContain('<p id="email-error" class="field-error">');
    }
    expect((await get("/login")).html).toContain('<a href="/forgot-password">Forgot your password?</a>');
  });

  test("twenty requests a quarter hour from one client, then 429 with Retry-After", async () => {
    for (let i = 0; i < 20; i++) expect((await post("/forgot-password", { email: `spray${i}@example.com` }, undefined, "192.0.2.33")).status).toBe(200);
    const limited = await post("/forgot-password", { email: "spray@example.com" }, undefined, "192.0.2.33");
    expect(limited.status).toBe(429);
    expect(limited.res.headers.get("retry-after")).toBeTruthy();
    expect(limited.html).toContain("Too many password reset requests from here.");
  });

  test("the reset link: a form; a weak password is 422 and the link still works; then sign-in with a notice, every session ended", async () => {
    const a = await register();
    const other = cookieJar();
    expect((await post("/login", { email: a.email, password: "analytical1", next: "/" }, other)).status).toBe(303);
    await post("/forgot-password", { email: a.email }, undefined, "192.0.2.34");
    const token = await lastToken(a.id, "user.PasswordResetRequested.v1");
    const form = await get(`/reset-password?token=${token}`);
    expect(form.status).toBe(200);
    expect(form.html).toContain(`<input type="hidden" name="token" value="${token}"/>`);
    const weak = await post("/reset-password", { token, password: "short" });
    expect(weak.status).toBe(422);
    expect(weak.html).toContain('<p id="password-error" class="field-error">');
    const done = await post("/reset-password", { token, password: "new-password-2" }, a.jar);
    expect([done.status, done.location]).toEqual([303, "/login"]);
    expect(a.jar.get("session")).toBeUndefined();
    expect((await get("/login", a.jar)).html).toContain("Your password is changed and every session has ended.");
    // the other browser is signed out, the old password is refused, the new one works
    expect((await get("/account", other)).location).toBe("/login?next=%2Faccount");
    expect((await post("/login", { email: a.email, password: "analytical1", next: "/" })).status).toBe(401);
    expect((await post("/login", { email: a.email, password: "new-password-2", next: "/" })).status).toBe(303);
    // spent: the form is not offered again
    const used = await get(`/reset-password?token=${token}`);
    expect(used.status).toBe(400);
    expect(used.html).toContain('<a href="/forgot-password">Ask for a new link</a>');
    expect((await post("/reset-password", { token, password: "new-password-3" })).status).toBe(400);
  });

  test("a wrong reset link: 400 with a way to ask again, for the page and the form", async () => {
    for (const bad of ["", "?token=nope", `?token=${"y".repeat(300)}`, "?token=%7F"]) expect((await get(`/reset-password${bad}`)).status).toBe(400);
    expect((await post("/reset-password", { token: "", password: "analytical9" })).status).toBe(400);
    expect((await post("/reset-password", {})).status).toBe(400);
  });
});

describe("the account page", () => {
  test("a guest is sent to sign in, for the page and both forms", async () => {
    expect((await get("/account")).location).toBe("/login?next=%2Faccount");
    expect((await post("/account/password", { currentPassword: "analytical1", newPassword: "analytical2" })).location).toBe("/login?next=%2Faccount");
    expect((await post("/account/email", { email: "x@example.com", password: "analytical1" })).location).toBe("/login?next=%2Faccount");
  });

  test("shows the profile, escaped, with the address not yet verified", async () => {
    const a = await register();
    const page = await get("/account", a.jar);
    expect(page.status).toBe(200);
    expect(page.res.headers.get("cache-control")).toBe("no-store");
    expect(page.html).toContain("<dd>Grace Hopper</dd>");
    expect(page.html).toContain("not verified");
    expect(page.html).toContain("+1 555 010 0000");
  });

  test("change password: missing or weak 422, wrong current 403; then this browser stays signed in and the others are out", async () => {
    const a = await register();
    const other = cookieJar();
    await post("/login", { email: a.email, password: "analytical1", next: "/" }, other);
    const missing = await post("/account/password", { currentPassword: "", newPassword: "short" }, a.jar);
    expect(missing.status).toBe(422);
    expect(missing.html).toContain('<a href="#current-password">Enter your current password</a>');
    expect(missing.html).toContain('<a href="#new-password">New password must be at least 10 characters</a>');
    const wrong = await post("/account/password", { currentPassword: "wrong-pass-1", newPassword: "analytical2" }, a.jar);
    expect(wrong.status).toBe(403);
    expect(wrong.html).toContain("The current password is wrong");
    const ok = await post("/account/password", { currentPassword: "analytical1", newPassword: "analytical2" }, a.jar);
    expect([ok.status, ok.location]).toEqual([303, "/account"]);
    const after = await get("/account", a.jar);
    expect(after.status).toBe(200);
    expect(after.html).toContain("Your password is changed.");
    expect((await get("/account", other)).location).toBe("/login?next=%2Faccount");
  });

  test("change email: 422, wrong password 403, taken 409; then a link to the new address that makes it the account's", async () => {
    const a = await register();
    const b = await register();
    expect((await post("/account/email", { email: "nope", password: "analytical1" }, a.jar)).status).toBe(422);
    const wrong = await post("/account/email", { email: "moved@example.com", password: "wrong-pass-1" }, a.jar);
    expect(wrong.status).toBe(403);
    expect(wrong.html).toContain('value="moved@example.com"');
    expect((await post("/account/email", { email: b.email, password: "analytical1" }, a.jar)).status).toBe(409);
    const moved = `moved-${a.id.slice(0, 8)}@example.com`;
    const ok = await post("/account/email", { email: moved, password: "analytical1" }, a.jar);
    expect([ok.status, ok.location]).toEqual([303, "/account"]);
    const page = await get("/account", a.jar);
    expect(page.html).toContain("We sent a link to the new address.");
    expect(page.html).toContain(`<dd>${a.email} `);
    await get(`/verify-email?token=${await lastToken(a.id, "user.EmailVerificationRequested.v1")}`, a.jar);
    const after = await get("/account", a.jar);
    expect(after.html).toContain(`<dd>${moved} <span class="badge badge-success">verified</span>`);
  });
});
