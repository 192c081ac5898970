import { describe, expect, test } from "bun:test";
import { decodeCursor, encodeCursor, type OrderKey } from "./order-cursor.ts";

const row: OrderKey = { placed: "2026-12-05T10:00:00.123Z", total: 1999, status: "SHIPPED", id: "0a1b2c3d-0000-5000-8000-000000000001" };

describe("order list cursors", () => {
  test.each([
    ["placed", ["2026-12-05T10:00:00.123Z", row.id]],
    ["total", [1999, row.id]],
    ["status", ["SHIPPED", "2026-12-05T10:00:00.123Z", row.id]],
  ] as const)("a %s cursor comes back as the last row's key", (sort, after) => {
    for (const dir of ["asc", "desc"] as const) {
      expect(decodeCursor(encodeCursor(sort, dir, row), sort, dir)).toEqual({ sort, dir, after: [...after] });
    }
  });

  test("it is opaque: URL-safe text with nothing to edit by hand", () => {
    expect(encodeCursor("placed", "desc", row)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test("a cursor of another sort or direction is refused, saying so", () => {
    expect(decodeCursor(encodeCursor("total", "desc", row), "placed", "desc")).toContain("sorted by total desc");
    expect(decodeCursor(encodeCursor("placed", "asc", row), "placed", "desc")).toContain("sorted by placed asc");
  });

  const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  test.each([
    ["empty", ""],
    ["not base64url", "abc+/="],
    ["not JSON", Buffer.from("{nope").toString("base64url")],
    ["wrong shape", forged({ s: "placed", d: "desc" })],
    ["a date that is none", forged({ s: "placed", d: "desc", k: ["yesterday", "x"] })],
    ["a total that is text", forged({ s: "total", d: "desc", k: ["12", "x"] })],
    ["an unknown status", forged({ s: "status", d: "desc", k: ["LOST", row.placed, "x"] })],
    ["too long", "a".repeat(601)],
  ])("%s is not a cursor", (_name, text) => {
    expect(decodeCursor(text, _name === "a total that is text" ? "total" : _name === "an unknown status" ? "status" : "placed", "desc"))
      .toBe("not a cursor this list gave out");
  });
});
