import { expect, test } from "bun:test";
import { ASSETS, Layout, renderDocument } from "./layout.tsx";

const html = renderDocument(<Layout title="Order <1>">hello</Layout>);

test("is a phone-friendly document with a language and an escaped title", () => {
  expect(html.startsWith("<!doctype html><html lang=\"en\">")).toBe(true);
  expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
  expect(html).toContain("<title>Order &lt;1></title>");
  expect(html).toContain('<main id="main">hello</main>');
});

test("loads only our own files: no inline script or style for the CSP to allow", () => {
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  expect(scripts.map((m) => m[1])).toEqual([` src="${ASSETS.htmx}"`, ` src="${ASSETS.sse}"`]);
  expect(scripts.every((m) => m[2] === "")).toBe(true);
  expect(html).toContain(`<link rel="stylesheet" href="${ASSETS.css}"/>`);
  expect(html).not.toMatch(/<style|style=|\son[a-z]+=/);
});
