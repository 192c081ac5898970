/** The restock file's reader: lines as SKU, warehouse and quantity, an optional header, the first bad line named. */
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
  test("reads SKU, warehouse and quantity, with or without a header", () => {
    expect(parseRestockCsv("sku,warehouse,quantity\nAUD-001,BER,5\nAUD-001,LYS,2\n\"LAP-002\", NJ ,12")).toEqual([
      { sku: "AUD-001", warehouse: "BER", quantity: 5, line: 2 }, { sku: "AUD-001", warehouse: "LYS", quantity: 2, line: 3 },
      { sku: "LAP-002", warehouse: "NJ", quantity: 12, line: 4 },
    ]);
    expect(refusal("AUD-001,BER,5\nAUD-001,BER,1")).toBe("line 2: AUD-001 in BER is listed twice");
    expect(refusal("AUD-001,BER,5\nAUD-002,berlin,1")).toBe('line 2: "berlin" is not a warehouse code');
    expect(refusal("AUD-001,BER,5,1")).toBe("line 1: expected 3 columns (sku,warehouse,quantity), found 4");
  });
  test("reads the older two columns (sku,quantity): the warehouse is then the product's default", () => {
    expect(parseRestockCsv("sku,quantity\r\nAUD-001,5\n\n\"LAP-002\", 12\n")).toEqual([{ sku: "AUD-001", quantity: 5, line: 2 }, { sku: "LAP-002", quantity: 12, line: 4 }]);
    expect(parseRestockCsv("\uFEFFAUD-001,1")).toEqual([{ sku: "AUD-001", quantity: 1, line: 1 }]);
  });
  test("a bad line is named by its number in the file", () => {
    expect(refusal("sku,quantity\nAUD-001,5\nAUD-002,-3")).toBe("line 3: quantity must be a whole number from 1 to 100000");
    expect(refusal("AUD-001,5\n\nAUD-002")).toBe("line 3: expected 3 columns (sku,warehouse,quantity), found 1");
    expect(refusal("AUD-001,5,7")).toBe('line 1: "5" is not a warehouse code');
    expect(refusal("AUD-001,5\nbad sku,1")).toBe('line 2: "bad sku" is not a SKU');
    expect(refusal("AUD-001,0")).toBe("line 1: quantity must be a whole number from 1 to 100000");
    expect(refusal("AUD-001,2.5")).toBe("line 1: quantity must be a whole number from 1 to 100000");
    expect(refusal("AUD-001,1\nAUD-001,2")).toBe("line 2: AUD-001 is listed twice");
    expect(refusal("AUD-001,1\nAUD-\u0007002,2")).toBe("line 2: contains a control character");
    expect(refusal("sku,quantity\nsku,quantity")).toBe('line 2: "sku" is not a SKU');
  });
  test("an empty file, or one with only a header, is refused", () => {
    expect(refusal("")).toBe("the file lists no products (sku,warehouse,quantity)");
    expect(refusal("sku,quantity\n")).toBe("the file lists no products (sku,warehouse,quantity)");
    expect(refusal("sku,warehouse,quantity\n")).toBe("the file lists no products (sku,warehouse,quantity)");
  });
});

describe("reasonOf", () => {
  test("a category stays; other text is a manual adjustment noted with it", () => {
    expect(reasonOf("damage", " dropped ")).toEqual({ reason: "damage", note: "dropped" });
    expect(reasonOf("count", "")).toEqual({ reason: "count", note: "" });
    expect(reasonOf("found two more in the back", "")).toEqual({ reason: "manual", note: "found two more in the back" });
  });
});
