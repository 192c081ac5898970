/** What a stock row says at a glance and what a movement was, in the console's words. */
import { describe, expect, test } from "bun:test";
import { movementKind, stockState, type StockRow } from "./stock-rules.ts";

const row = (over: Partial<StockRow>): StockRow => ({
  sku: "A-1", name: "Lamp", onHand: 20, reserved: 0, available: 20, threshold: 10, low: false, stocked: true, archived: false, ...over,
});

describe("stockState", () => {
  test("worst first: archived, never stocked, out, low, in stock", () => {
    expect([
      stockState(row({ archived: true, available: 0, low: false })),
      stockState(row({ stocked: false, onHand: 0, available: 0 })),
      stockState(row({ available: 0, low: true })),
      stockState(row({ available: 3, low: true })),
      stockState(row({})),
    ]).toEqual(["archived", "unstocked", "out", "low", "ok"]);
  });
});

describe("movementKind", () => {
  test("an admin's reason by its label; the seed's opening stock; the saga's moves by what they did", () => {
    const kind = (reason: string, deltaOnHand: number, deltaReserved: number) => movementKind({ reason, deltaOnHand, deltaReserved });
    expect([kind("count", -2, 0), kind("initial stock", 40, 0), kind("saga", 0, 2), kind("saga", 0, -2), kind("saga", -1, -1), kind("saga", -1, 2), kind("delivery", 3, 0)])
      .toEqual(["Count correction", "Opening stock", "Reserved for an order", "Released (order cancelled or failed)", "Shipped", "Orders", "delivery"]);
  });
});
