/** The sign-in and registration pages as a browser without JavaScript uses them, on a real edge and PGlite. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { accountsEdge, cookieJar, peer, setCookieOf } from "../../test/accounts-kit.ts";

let kit: Awaited<ReturnType<typeof accountsEdge>>;
beforeAll(async () => {
  kit = await accountsEdge();
}, 30_000); // a fresh PGlite migrates in seconds on a busy machine
afterAll(() => kit.close());

/** A same-origin form post, as the browser sends it. */
async function post(path: string, fields: Record<string, string>, opts: { headers?: Record<string, string>; ip?: string } = {}) {
  const res = await kit.app.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin", ...opts.headers },
    body: new URLSearchParams(fields).toString(),
  }, peer(opts.ip ?? "192.0.2.10"));
  return { status: res.status, html: await res.text(), res };
}
const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await kit.app.request(path, { headers });
  return { status: res.status, html: await res.text(), res };
};
let n = 0;
const fresh = () => {
  const i = ++n;
  return { firstName: "Page", lastName: `${i}`, name: `Page ${i}`, email: `page${i}@example.com`, password: "analytical1" };
};
/** The <input> tag with this id (attribute values may hold ">": preact escapes only quotes and ampersands there). */
const input = (html: string, id: string) =>
  [...html.matchAll(/<input(?:\s+[\w:-]+(?:="[^"]*")?)*\s*\/?>/g)].map((m) => m[0]).find((tag) => tag.includes(` id="${id}"`)) ?? "";

describe("the forms", () => {
  test("registration: a label for every input, autocomplete hints, no caching", async () => {
    const { status, html, res } = await get("/register");
    expect(status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const fields: [string, string][] = [["firstName", "given-name"], ["lastName", "family-name"], ["phone", "tel"], ["email", "email"], ["password", "new-password"]];
    for (const [id, autocomplete] of fields) {
      expect(html).toContain(`<label for="${id}">`);
      expect(input(html, id)).toContain(`autocomplete="${autocomplete}"`);
    }
    expect(input(html, "password")).toContain('aria-describedby="password-hint"');
    expect(html).not.toContain('role="alert"');
  });

  test("sign-in: current-password, and ?next kept only when it is a path on this site", async () => {
    const { html } = await get("/login?next=/orders/42");
    expect(input(html, "password")).toContain('autocomplete="current-password"');
    expect(html).toContain('name="next" value="/orders/42"');
    expect(html).toContain('href="/register?next=%2Forders%2F42"');
    for (const evil of ["https://evil.example/", "//evil.example", "/\\evil.example"]) {
      expect((await get(`/login?next=${encodeURIComponent(evil)}`)).html).toContain('name="next" value="/"');
    }
  });
});

describe("register", () => {
  test("success: 303 to next, both cookies, the sign-in hook, and the header greets the new customer", async () => {
    const jar = cookieJar();
    const who = fresh();
    const { status, res } = await post("/register", { ...who, firstName: "<b>Ada</b>", lastName: "Lovelace", next: "/cart" });
    jar.take(res);
    expect([status, res.headers.get("location")]).toEqual([303, "/cart"]);
    expect(jar.get("session") && jar.get("refresh")).toBeTruthy();
    expect(kit.signIns).toHaveLength(1);
    const page = await get("/register", jar.header());
    expect(page.html).toContain("Sign out &lt;b>Ada&lt;/b> Lovelace");
    // told once that it worked, and asked to verify the address
    expect(page.html).toContain('<p class="notice flash" role="status">Welcome! Your account is ready.');
    expect(page.html).toContain('<form method="post" action="/verify-email/resend"');
    jar.take(page.res);
    expect((await get("/register", jar.header())).html).not.toContain("notice flash");
  });

  test("broken rules: 422, every error in an alert summary and beside its field, values kept and escaped, never the password", async () => {
    const { status, html } = await post("/register", { firstName: '"><script>alert(1)</script>', lastName: "X", email: "not-an-email", password: "tooshort" });
    expect(status).toBe(422);
    expect(html).toContain("<title>Error: Create an account · saga shop</title>");
    expect(html).toMatch(/<div class="error-summary" role="alert"[^>]*>/);
    expect(html).toContain('<a href="#email">Email must be an address like name@example.com</a>');
    expect(html).toContain('<a href="#password">Password must be at least 10 characters</a>');
    expect(input(html, "email")).toContain('aria-invalid="true"');
    expect(input(html, "email")).toContain('aria-describedby="email-error"');
    expect(input(html, "email")).toContain('value="not-an-email"');
    expect(input(html, "password")).toContain('aria-describedby="password-hint password-error"');
    expect(input(html, "password")).not.toContain("value=");
    expect(html).not.toContain("tooshort");
    expect(html).not.toContain("<script>alert");
    expect(input(html, "firstName")).toContain('value="&quot;>&lt;script>alert(1)&lt;/script>"');
    expect(input(html, "firstName")).not.toContain("aria-invalid");
  });

  test("an email already registered: 409 with the message on the email field", async () => {
    const who = fresh();
    await post("/register", who);
    const { status, html } = await post("/register", { ...who, email: who.email.toUpperCase(), password: "other-pass-2" });
    expect(status).toBe(409);
    expect(html).toContain('<p id="email-error" class="field-error"><span class="visually-hidden">Error: </span>An account with this email already exists</p>');
    expect(html).not.toContain("other-pass-2");
  });

  test("an open redirect in next is refused: home instead", async () => {
    const { res } = await post("/register", { ...fresh(), next: "https://evil.example/phish" });
    expect(res.headers.get("location")).toBe("/");
  });
});

describe("login", () => {
  test("success: 303 to a local next, never to another site", async () => {
    const who = fresh();
    await kit.accounts.register(who.email, who.password, who.name);
    const ok = await post("/login", { email: who.email, password: who.password, next: "/orders/7?x=1" });
    expect([ok.status, ok.res.headers.get("location")]).toEqual([303, "/orders/7?x=1"]);
    expect(setCookieOf(ok.res, "session")).toBeDefined();
    for (const next of ["//evil.example", "https://evil.example", "javascript:alert(1)"]) {
      expect((await post("/login", { email: who.email, password: who.password, next })).res.headers.get("location")).toBe("/");
    }
  });

  test("wrong password: 401, one message for the form, the email kept, the password not", async () => {
    const who = fresh();
    await kit.accounts.register(who.email, who.password, who.name);
    const { status, html } = await post("/login", { email: who.email, password: "not-it-123" }, { ip: "192.0.2.20" });
    expect(status).toBe(401);
    expect(html).toMatch(/role="alert"[\s\S]*<li>Wrong email or password<\/li>/);
    expect(input(html, "email")).toContain(`value="${who.email}"`);
    expect(html).not.toContain("not-it-123");
  });

  test("missing fields: 422 naming each", async () => {
    const { status, html } = await post("/login", { email: " ", password: "" });
    expect(status).toBe(422);
    expect(html).toContain('<a href="#email">Enter your email address</a>');
    expect(html).toContain('<a href="#password">Enter your password</a>');
  });

  test("after five failures: 429 with Retry-After and when to try again, even with the right password", async () => {
    const who = fresh();
    await kit.accounts.register(who.email, who.password, who.name);
    for (let i = 0; i < 5; i++) expect((await post("/login", { email: who.email, password: `guess-${i}-x1` }, { ip: `198.51.100.${i}` })).status).toBe(401);
    const { status, html, res } = await post("/login", { email: who.email, password: who.password }, { ip: "198.51.100.200" });
    expect(status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(890);
    expect(html).toContain("Too many failed sign-in attempts. Try again in 15 minutes.");
    expect(input(html, "email")).toContain(`value="${who.email}"`);
  });

  test("a form posted from another site is refused (CSRF), signed in or not", async () => {
    const who = fresh();
    await kit.accounts.register(who.email, who.password, who.name);
    const cross = await post("/login", { email: who.email, password: who.password }, { headers: { "sec-fetch-site": "cross-site" } });
    expect(cross.status).toBe(403);
    expect(setCookieOf(cross.res, "session")).toBeUndefined();
    const oldBrowser = await post("/login", { email: who.email, password: who.password }, { headers: { "sec-fetch-site": "", origin: "https://evil.example" } });
    expect(oldBrowser.status).toBe(403);
  });
});

test("logout: 303 home, cookies cleared, and the refresh token no longer works", async () => {
  const jar = cookieJar();
  const who = fresh();
  jar.take((await post("/register", who)).res);
  const token = jar.get("refresh")!;
  const out = await post("/logout", {}, { headers: jar.header() });
  jar.take(out.res);
  expect([out.status, out.res.headers.get("location")]).toEqual([303, "/"]);
  expect([jar.get("session"), jar.get("refresh")]).toEqual([undefined, undefined]);
  expect(await kit.accounts.refresh(token)).toBeNull();
});
