import { describe, expect, test } from "bun:test";
import { formatMoney, formatTime } from "./format.ts";

describe("formatMoney", () => {
  test.each([
    [1999, "USD", "$19.99"],
    [5, "USD", "$0.05"],
    [1500, "JPY", "¥1,500"],
    [12345, "KWD", "KWD 12.345"],
    [100000, "EUR", "€1,000.00"],
  ])("%d %s -> %s", (minor, currency, expected) => {
    expect(formatMoney(minor, currency).replace(/\u00a0/g, " ")).toBe(expected);
  });

  test("a malformed currency code shows the raw amount instead of throwing", () => {
    expect(formatMoney(1999, "U$")).toBe("1999 U$");
  });
});

describe("formatTime", () => {
  test("names UTC, since the server does not know the reader's zone", () => {
    expect(formatTime("2026-03-12T14:03:00.000Z")).toBe("12 Mar 2026, 14:03 UTC");
  });
  test("an unparseable time is shown as given", () => {
    expect(formatTime("soon")).toBe("soon");
  });
});
