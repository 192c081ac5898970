/** The restock file's reader: lines as SKU and quantity, an optional header, the first bad line named. */
import { describe, expect, test } from "bun:test";
import { InputError } from "../contracts/errors.ts";
import { parseRestockCsv, reasonOf } from "./stock-admin.ts";

const refusal = (text: string) => {
  try {
    parseRestockCsv(text);
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
  throw new Error("accepted");
};

describe("parseRestockCsv", () => {
  test("reads lines with or without a header, skipping blank lines and quotes", () => {
    expect(parseRestockCsv("sku,quantity\r\nAUD-001,5\n\n\"LAP-002\", 12\n")).toEqual([{ sku: "AUD-001", quantity: 5, line: 2 }, { sku: "LAP-002", quantity: 12, line: 4 }]);
    expect(parseRestockCsv("\uFEFFAUD-001,1")).toEqual([{ sku: "AUD-001", quantity: 1, line: 1 }]);
  });
  test("a bad line is named by its number in the file", () => {
    expect(refusal("sku,quantity\nAUD-001,5\nAUD-002,-3")).toBe("line 3: quantity must be a whole number from 1 to 100000");
    expect(refusal("AUD-001,5\n\nAUD-002")).toBe("line 3: expected 2 columns (sku,quantity), found 1");
    expect(refusal("AUD-001,5,7")).toBe("line 1: expected 2 columns (sku,quantity), found 3");
    expect(refusal("AUD-001,5\nbad sku,1")).toBe('line 2: "bad sku" is not a SKU');
    expect(refusal("AUD-001,0")).toBe("line 1: quantity must be a whole number from 1 to 100000");
    expect(refusal("AUD-001,2.5")).toBe("line 1: quantity must be a whole number from 1 to 100000");
    expect(refusal("AUD-001,1\nAUD-001,2")).toBe("line 2: AUD-001 is listed twice");
    expect(refusal("AUD-001,1\nAUD-\u0007002,2")).toBe("line 2: contains a control character");
    expect(refusal("sku,quantity\nsku,quantity")).toBe('line 2: "sku" is not a SKU');
  });
  test("an empty file, or one with only a header, is refused", () => {
    expect(refusal("")).toBe("the file lists no products (sku,quantity)");
    expect(refusal("sku,quantity\n")).toBe("the file lists no products (sku,quantity)");
  });
});

describe("reasonOf", () => {
  test("a category stays; other text is a manual adjustment noted with it", () => {
    expect(reasonOf("damage", " dropped ")).toEqual({ reason: "damage", note: "dropped" });
    expect(reasonOf("count", "")).toEqual({ reason: "count", note: "" });
    expect(reasonOf("found two more in the back", "")).toEqual({ reason: "manual", note: "found two more in the back" });
  });
});
