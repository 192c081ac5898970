import { expect, test } from "bun:test";
import { ASSETS, Layout, renderDocument } from "./layout.tsx";

const html = renderDocument(<Layout title="Order <1>">hello</Layout>);

test("is a phone-friendly document with a language and an escaped title", () => {
  expect(html.startsWith("<!doctype html><html lang=\"en\">")).toBe(true);
  expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
  expect(html).toContain("<title>Order &lt;1> · saga shop</title>");
  expect(html).toContain('<main id="main">hello</main>');
});

test("loads only our own files: no inline script or style for the CSP to allow", () => {
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  expect(scripts.map((m) => m[1])).toEqual([` src="${ASSETS.htmx}"`, ` src="${ASSETS.sse}"`, ` src="${ASSETS.localTime}"`]);
  expect(scripts.every((m) => m[2] === "")).toBe(true);
  expect(html).toContain(`<link rel="stylesheet" href="${ASSETS.css}"/>`);
  expect(html).not.toMatch(/<style|style=|\son[a-z]+=/);
});

test("the header shows the signed-in customer, the cart count and the chosen currency", () => {
  const shell = { user: { name: "Ada <b>", role: "customer" as const }, cartCount: 3, currency: "EUR", currencies: ["USD", "EUR"], here: "/search?q=x", q: "x\"y" };
  const page = renderDocument(<Layout title="t" shell={shell}>x</Layout>);
  expect(page).toContain("Sign out Ada &lt;b>");
  expect(page).toMatch(/id="cart-count"[^>]*>.*3<\/span>/);
  expect(page).toContain('<option value="EUR" selected>EUR</option>');
  expect(page).toContain('value="/search?q=x"');
  expect(page).toContain('value="x&quot;y"');
  expect(page).not.toContain('href="/login"');
  const guest = renderDocument(<Layout title="t" shell={{ ...shell, user: null }}>x</Layout>);
  expect(guest).toContain('href="/login?next=%2Fsearch%3Fq%3Dx"');
});

test("a guest's Sign in and Register come back to the page they were on, but never to an account page", () => {
  const guest = (here: string) => renderDocument(<Layout title="t" shell={{ user: null, cartCount: 0, currency: "USD", currencies: ["USD"], here }}>x</Layout>);
  expect(guest("/p/LAP-002")).toContain('<a href="/register?next=%2Fp%2FLAP-002">Register</a>');
  expect(guest("/")).toContain('<a href="/login">Sign in</a><a href="/register">Register</a>');
  // an account page passes on where it was to return: the sign-in page checkout sent the guest to
  expect(guest("/login?next=%2Fcheckout")).toContain('<a href="/register?next=%2Fcheckout">Register</a>');
  for (const page of ["/login?next=%2F%2Fevil.example", "/login?next=%2Fregister", "/register", "/forgot-password", "/reset-password?token=x", "/verify-email?token=y"]) {
    expect(guest(page)).toContain('<a href="/login">Sign in</a><a href="/register">Register</a>');
  }
  expect(guest("/registered-trademarks")).toContain("next=%2Fregistered-trademarks");
});

test("the header's Admin entry is there for admins only", () => {
  const shell = { user: { name: "Ada", role: "admin" as const }, cartCount: 0, currency: "USD", currencies: ["USD"], here: "/" };
  expect(renderDocument(<Layout title="t" shell={shell}>x</Layout>)).toContain('<a href="/admin" class="admin-link">Admin</a>');
  const customer = { ...shell, user: { name: "Cy", role: "customer" as const } };
  expect(renderDocument(<Layout title="t" shell={customer}>x</Layout>)).not.toContain('href="/admin"');
  expect(renderDocument(<Layout title="t" shell={{ ...shell, user: null }}>x</Layout>)).not.toContain('href="/admin"');
});
