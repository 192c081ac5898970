import { describe, expect, test } from "bun:test";
import { liveStep, liveTable } from "./orders-live.ts";

const T1 = "2026-12-05T10:00:00.000Z";
const T2 = "2026-12-05T11:00:00.000Z";
const T0 = "2026-12-05T09:00:00.000Z";
const page = (newestFirst: boolean) => liveTable([{ id: "a", placedAt: T1 }, { id: "b", placedAt: T0 }], newestFirst);

describe("the live orders table", () => {
  test.each([
    // newestFirst, id, placedAt, matches, expected
    [true, "a", T1, true, "changed"],
    [true, "a", T1, false, "leaving"],
    [true, "n", T2, true, "arrived"],
    [true, "n", T2, false, "none"],
    [true, "old", T0, true, "counted"], // an older order entering the filter would land mid-page: counted, rows stay put
    [false, "n", T2, true, "counted"], // page two, or another sort: never shift rows
    [false, "a", T1, true, "changed"],
    [false, "a", T1, false, "leaving"],
  ] as const)("newestFirst=%p: %s placed %s, matching %p -> %s", (newestFirst, id, at, matches, kind) => {
    expect(liveStep(page(newestFirst), id, at, matches).kind).toBe(kind);
  });

  test("an arrival joins the page: its next change is in place, and later arrivals go above it", () => {
    const t = page(true);
    expect(liveStep(t, "n", T2, true).kind).toBe("arrived");
    expect(liveStep(t, "n", T2, true).kind).toBe("changed");
    expect(liveStep(t, "m", T1, true).kind).toBe("counted"); // older than the new top row
  });

  test("a faded row fades once, and comes back in place when it matches again", () => {
    const t = page(true);
    expect(liveStep(t, "a", T1, false).kind).toBe("leaving");
    expect(liveStep(t, "a", T1, false).kind).toBe("none");
    expect(liveStep(t, "a", T1, true).kind).toBe("changed");
  });

  test("the bar counts each order once", () => {
    const t = page(false);
    expect(liveStep(t, "n", T2, true).kind).toBe("counted");
    expect(liveStep(t, "n", T2, true).kind).toBe("none");
    expect(liveStep(t, "m", T2, true).kind).toBe("counted");
    expect(t.counted.size).toBe(2);
  });

  test("an empty first page takes any matching order at the top", () => {
    expect(liveStep(liveTable([], true), "n", T0, true).kind).toBe("arrived");
  });
});
