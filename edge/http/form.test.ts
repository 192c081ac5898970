/** Form bodies: every field text, named when it is not; a body that does not parse is a 400. */
import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { formBody } from "./form.ts";
import { onError } from "./http-errors.ts";

const app = new Hono().post("/", async (c) => c.json(await formBody(c))).onError(onError);
const post = async (body: BodyInit, type?: string) => {
  const res = await app.request("/", { method: "POST", body, headers: type ? { "content-type": type } : {} });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};
const URLENCODED = "application/x-www-form-urlencoded";

describe("urlencoded", () => {
  test("fields decoded, + as a space, the first of a repeated name", async () => {
    expect(await post("sku=LAP-001&qty=2&name=Ada+L%C3%B6w&qty=9", URLENCODED)).toEqual({ status: 200, json: { sku: "LAP-001", qty: "2", name: "Ada Löw" } });
  });
  test.each([
    ["sku=a%00b", "sku"], ["sku=%0D%0A", "sku"], ["sku=%FF", "sku"], ["sku=%G1", "sku"], ["sku=%E2%8", "sku"], ["%ZZ=1", "body"],
  ])("%s is a 400 naming %s", async (body, field) => {
    expect(await post(body, URLENCODED)).toMatchObject({ status: 400, json: { field } });
  });
  test("bytes outside ASCII are a 400 (browsers %-encode them)", async () => {
    expect(await post(new Uint8Array([0x61, 0x3d, 0xff]), URLENCODED)).toMatchObject({ status: 400, json: { field: "body" } });
  });
  test("a charset other than UTF-8 is refused, not misread", async () => {
    expect(await post("a=1", `${URLENCODED}; charset=shift_jis`)).toMatchObject({ status: 400, json: { field: "content-type" } });
  });
});

describe("multipart", () => {
  test("text fields are read", async () => {
    const form = new FormData();
    form.set("sku", "LAP-001");
    expect(await post(form)).toEqual({ status: 200, json: { sku: "LAP-001" } });
  });
  test("a file where text belongs is a 400 naming the field", async () => {
    const form = new FormData();
    form.set("next", new File(["x"], "x.bin"));
    expect(await post(form)).toMatchObject({ status: 400, json: { field: "next", error: "next: expected text, not a file" } });
  });
  test("a control character is a 400 naming the field", async () => {
    const form = new FormData();
    form.set("name", "Ada\u0000");
    expect(await post(form)).toMatchObject({ status: 400, json: { field: "name" } });
  });
  test.each([
    ["truncated", "multipart/form-data; boundary=b", '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx'],
    ["without its boundary", "multipart/form-data", '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--\r\n'],
  ])("%s: 400 unreadable request", async (_, type, body) => {
    const res = await post(body, type);
    expect(res).toMatchObject({ status: 400, json: { field: "body" } });
    expect(String(res.json.error)).toStartWith("unreadable request");
  });
});

test("another content type is a 400 naming it", async () => {
  expect(await post('{"a":1}', "application/json")).toMatchObject({ status: 400, json: { field: "content-type" } });
  expect(await post("a=1")).toMatchObject({ status: 400, json: { field: "content-type" } });
});
