import { expect, test } from "bun:test";
import { Hono } from "hono";
import { sameOrigin } from "./csrf.ts";

const app = new Hono().use(sameOrigin()).all("/x", (c) => c.text("done"));
const post = (headers: Record<string, string>) => app.request("http://shop.test/x", { method: "POST", headers });

test.each([
  ["a same-origin form post", { "sec-fetch-site": "same-origin", cookie: "session=a" }, 200],
  ["a cross-site form post with our cookie", { "sec-fetch-site": "cross-site", cookie: "session=a" }, 403],
  ["a cross-site login form (no cookie yet)", { "sec-fetch-site": "cross-site" }, 403],
  ["a same-site (other subdomain) post", { "sec-fetch-site": "same-site", cookie: "session=a" }, 403],
  ["an older browser: our Origin", { origin: "http://shop.test", cookie: "session=a" }, 200],
  ["an older browser: another Origin", { origin: "https://evil.test" }, 403],
  ["an origin-less post carrying cookies", { cookie: "session=a" }, 403],
  ["a script without cookies (curl)", {}, 200],
  ["an API client with a bearer token from anywhere", { authorization: "Bearer t", "sec-fetch-site": "cross-site" }, 200],
])("%s", async (_, headers, status) => {
  expect((await post(headers)).status).toBe(status);
});

test("reads are never refused", async () => {
  const res = await app.request("http://shop.test/x", { headers: { "sec-fetch-site": "cross-site", cookie: "session=a" } });
  expect(res.status).toBe(200);
});
