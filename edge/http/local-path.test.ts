import { expect, test } from "bun:test";
import { localPath } from "./local-path.ts";

test.each([
  ["/orders", "/orders"],
  ["/search?q=lapto&page=2", "/search?q=lapto&page=2"],
  ["https://evil.example/", "/"],
  ["//evil.example/x", "/"],
  ["/\\evil.example", "/"],
  ["/ok\\..\\x", "/"],
  ["javascript:alert(1)", "/"],
  ["/a\nLocation: x", "/"],
  ["", "/"],
  [undefined, "/"],
  [42, "/"],
])("localPath(%p) = %p", (input, expected) => {
  expect(localPath(input)).toBe(expected);
});
