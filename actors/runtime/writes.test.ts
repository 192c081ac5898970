import { describe, expect, test } from "bun:test";
import { onlyWhen } from "./writes.ts";

describe("onlyWhen", () => {
  test("puts the condition before ON CONFLICT, or at the end without one", () => {
    expect(onlyWhen({ text: "INSERT INTO t (a) SELECT * FROM unnest($1::int[]) ON CONFLICT (a) DO UPDATE SET a = excluded.a", params: [[1]] }, "c").text)
      .toBe("INSERT INTO t (a) SELECT * FROM unnest($1::int[]) WHERE c ON CONFLICT (a) DO UPDATE SET a = excluded.a");
    expect(onlyWhen({ text: "INSERT INTO t (a) SELECT x FROM u LEFT JOIN v ON v.id = u.id", params: [] }, "c").text)
      .toBe("INSERT INTO t (a) SELECT x FROM u LEFT JOIN v ON v.id = u.id WHERE c");
  });

  test("refuses what it cannot make conditional: not an INSERT ... SELECT, or one with a WHERE already", () => {
    expect(() => onlyWhen({ text: "UPDATE t SET a = 1", params: [] }, "c")).toThrow("INSERT ... SELECT");
    expect(() => onlyWhen({ text: "INSERT INTO t (a) VALUES (1)", params: [] }, "c")).toThrow("INSERT ... SELECT");
    expect(() => onlyWhen({ text: "INSERT INTO t (a) SELECT 1 WHERE false ON CONFLICT DO NOTHING", params: [] }, "c")).toThrow("no WHERE");
  });
});
