/** The request reader's rules, through a tiny app with the shop's middleware: each bad part is a 400 naming it. */
import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { decodeComponent, hostProblem, limitedBody, mediaType, readableRequest, urlProblem } from "./readable.ts";

const app = new Hono().use(readableRequest()).use(limitedBody())
  .all("/*", async (c) => c.json({ ok: true, bytes: (await c.req.arrayBuffer()).byteLength }));

const answer = async (path: string, init: RequestInit = {}) => {
  const res = await app.request(path, init);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

describe("Host", () => {
  test.each(["localhost", "localhost:3000", "shop.example.com", "127.0.0.1:8080", "[::1]:3000", "example.com."])("%s is a host", (host) => {
    expect(hostProblem(host)).toBeNull();
  });
  test.each(["", "exa mple.com", "localhost:99999", "localhost:abc", "[::1", "a/b", "user@host", "..", "h\u00ff", "x".repeat(300), "a, b"])(
    "%j is a 400 before any router builds a URL from it", async (host) => {
      expect(hostProblem(host)).not.toBeNull();
      const res = await answer("/", { headers: { host } });
      expect(res).toMatchObject({ status: 400, json: { field: "host" } });
      expect(String(res.json.error)).toStartWith("unreadable request: Host header");
    });
});

describe("path and query", () => {
  test.each([
    ["/p/%00", "path"], ["/p/a%0Ab", "path"], ["/p/%G1", "path"], ["/p/%", "path"], ["/p/%FF", "path"], ["/p/%ED%A0%80", "path"],
    ["/p/%EF%BF%BD", "path"], // U+FFFD: what the parser leaves for raw bytes that were not UTF-8
    ["/s?q=%00", "q"], ["/s?q=a%1Bb", "q"], ["/s?page=%", "page"], ["/s?q=%C0%AF", "q"], ["/s?a%00b=1", "query"], ["/s?%ZZ=1", "query"],
  ])("%s is a 400 naming %s", async (path, field) => {
    expect(await answer(path)).toMatchObject({ status: 400, json: { field } });
  });
  test.each(["/p/LAP-001", "/s?q=caf%C3%A9&brand=A+B&empty=&flag", "/c/laptops?page=2", "/p/%E2%82%AC"])("%s is read", async (path) => {
    expect(urlProblem(`http://localhost${path}`)).toBeNull();
    expect((await answer(path)).status).toBe(200);
  });
  test("decodeComponent reads + as a space only in a query", () => {
    expect(decodeComponent("a+b", true)).toEqual({ text: "a b" });
    expect(decodeComponent("a+b")).toEqual({ text: "a+b" });
  });
});

describe("headers", () => {
  test.each([
    ["x-correlation-id", "a b"], ["x-correlation-id", "x".repeat(129)], ["x-correlation-id", ""],
    ["idempotency-key", "key with spaces"], ["idempotency-key", "k".repeat(201)], ["idempotency-key", "\u00d0\u00ba\u00d0\u00bb"], // UTF-8 bytes of "кл", as a header carries them
    ["x-anything", "caf\u00e9"],
  ])("%s %j is a 400 naming it", async (name, value) => {
    expect(await answer("/", { headers: { [name]: value } })).toMatchObject({ status: 400, json: { field: name } });
  });
  test("printable ids pass", async () => {
    expect((await answer("/", { headers: { "x-correlation-id": crypto.randomUUID(), "idempotency-key": "order-2026-01" } })).status).toBe(200);
  });
});

describe("body size", () => {
  test("over 1 MiB by Content-Length is a 413 naming the body", async () => {
    const res = await answer("/", { method: "POST", body: "x".repeat(1024 * 1024 + 1) });
    expect(res).toMatchObject({ status: 413, json: { field: "body" } });
  });
  test("over 1 MiB in a stream without a length is a 413 too", async () => {
    const chunk = new Uint8Array(256 * 1024);
    const body = new ReadableStream({ start(c) { for (let i = 0; i < 5; i++) c.enqueue(chunk); c.close(); } });
    const res = await answer("/", { method: "POST", body, headers: { "transfer-encoding": "chunked" } });
    expect(res.status).toBe(413);
  });
  test("1 MiB exactly is read", async () => {
    expect(await answer("/", { method: "POST", body: "x".repeat(1024 * 1024) })).toMatchObject({ status: 200, json: { bytes: 1024 * 1024 } });
  });
});

test("mediaType: the type in lower case, and whether the charset (if named) is UTF-8", () => {
  expect(mediaType("Application/JSON; charset=UTF-8")).toEqual({ type: "application/json", utf8: true });
  expect(mediaType("application/json; charset=utf-16")).toEqual({ type: "application/json", utf8: false });
  expect(mediaType(undefined)).toEqual({ type: "", utf8: true });
});
