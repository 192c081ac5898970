import { describe, expect, test } from "bun:test";
import { convert, toBaseCents } from "./currency.ts";

describe("convert", () => {
  test.each([
    // usd cents, code, minor units, rate, expected minor units
    [1999, "USD", 2, "1", 1999],
    [1999, "EUR", 2, "0.92", 1839], // 18.3908 -> 18.39
    [1995, "EUR", 2, "0.92", 1835], // 18.354 -> 18.35
    [1250, "EUR", 2, "0.5", 625],
    [1, "EUR", 2, "0.5", 1], // 0.5 cent rounds half-up
    [99900, "JPY", 0, "151.2", 151049], // 999 * 151.2 = 151048.8 -> 151049 yen
    [50, "JPY", 0, "151.2", 76], // 75.6 yen
    [0, "INR", 2, "83.4", 0],
    [123456789, "INR", 2, "83.4", 10296296203], // exact beyond float's comfort
  ])("%i USD cents in %s", (cents, code, minorUnits, rate, expected) => {
    expect(convert(cents, { code, minorUnits, rate })).toBe(expected);
  });

  test("rejects fractional cents and malformed rates", () => {
    expect(() => convert(1.5, { code: "EUR", minorUnits: 2, rate: "0.92" })).toThrow("whole cents");
    expect(() => convert(100, { code: "EUR", minorUnits: 2, rate: "abc" })).toThrow("not a decimal rate");
  });
});

describe("toBaseCents", () => {
  test("an order's total back in USD cents at its recorded rate, exact and half-up", () => {
    expect(toBaseCents(10_856, { code: "EUR", minorUnits: 2, rate: "0.92000000" })).toBe(11_800);
    expect(toBaseCents(17_700, { code: "JPY", minorUnits: 0, rate: "150.00000000" })).toBe(11_800);
    expect(toBaseCents(1, { code: "EUR", minorUnits: 2, rate: "0.92" })).toBe(1);
    expect(toBaseCents(5_900, { code: "USD", minorUnits: 2, rate: "1" })).toBe(5_900);
  });
});
