/** JSON bodies: UTF-8, at most 32 deep, no control characters or lone surrogates in any string. */
import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { z } from "zod";
import { onError } from "./http-errors.ts";
import { jsonBody, jsonDepth, MAX_JSON_DEPTH } from "./validate.ts";

const Body = z.object({ sku: z.string(), items: z.array(z.unknown()).optional(), meta: z.unknown().optional() });
const app = new Hono().post("/", async (c) => c.json(await jsonBody(c, Body))).onError(onError);
const post = async (body: BodyInit, type = "application/json") => {
  const res = await app.request("/", { method: "POST", body, headers: { "content-type": type } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};
const nest = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

test("a good body is read", async () => {
  expect(await post('{"sku":"LAP-001","items":[{"a":"[{"}]}')).toEqual({ status: 200, json: { sku: "LAP-001", items: [{ a: "[{" }] } });
});

describe("400 naming what is wrong", () => {
  test.each([
    ["not UTF-8", new Uint8Array([0x7b, 0x22, 0x73, 0x6b, 0x75, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), "body"],
    ["a control character in a field", '{"sku":"a\\u0000b"}', "sku"],
    ["a control character deep inside", '{"sku":"x","items":[{"line1":"a\\nb"}]}', "items[0].line1"],
    ["a lone surrogate", '{"sku":"\\ud800"}', "sku"],
    ["a control character in a key", '{"sku":"x","meta":{"a\\u0001":1}}', "meta.a\u0001"],
    ["truncated", '{"sku":"LA', "body"],
    [`nested ${MAX_JSON_DEPTH + 1} deep`, `{"sku":"x","meta":${nest(MAX_JSON_DEPTH)}}`, "body"],
    ["nested 100,000 deep", nest(100_000), "body"],
  ] as const)("%s", async (_, body, field) => {
    expect(await post(body)).toMatchObject({ status: 400, json: { field } });
  });
  test.each(["application/json; charset=utf-16", "application/jsonx", "text/plain"])("content-type %s", async (type) => {
    expect(await post('{"sku":"x"}', type)).toMatchObject({ status: 400, json: { field: "content-type" } });
  });
});

test("a byte-order mark before the JSON is allowed (RFC 8259 lets a parser ignore it)", async () => {
  expect((await post('\ufeff{"sku":"x"}')).status).toBe(200);
});

test(`nesting up to ${MAX_JSON_DEPTH} is fine; brackets inside strings do not count`, async () => {
  expect((await post(`{"sku":"x","meta":${nest(MAX_JSON_DEPTH - 1)}}`)).status).toBe(200);
  expect(jsonDepth('{"a":"[[[[[[\\"[[["}')).toBe(1);
});
