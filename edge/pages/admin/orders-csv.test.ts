import { expect, test } from "bun:test";
import { csvCell, csvLine } from "./orders-csv.ts";

test.each([
  ["plain", "plain"],
  [42, "42"],
  ["=1+1", "'=1+1"],
  ["+44 20 7946 0000", "'+44 20 7946 0000"],
  ["-2", "'-2"],
  ["@SUM(A1)", "'@SUM(A1)"],
  ["\tx", "'\tx"],
  ["a,b", '"a,b"'],
  ['say "hi"', '"say ""hi"""'],
  ["two\nlines", '"two\nlines"'],
  ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
  ["a=b", "a=b"], // only a leading sign starts a formula
])("%p is written %p", (value, cell) => {
  expect(csvCell(value)).toBe(cell);
});

test("a line ends with CRLF", () => {
  expect(csvLine(["a", 1, "=x"])).toBe("a,1,'=x\r\n");
});
