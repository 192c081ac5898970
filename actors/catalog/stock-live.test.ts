/** How stock reads to shoppers, and the after-commit fan-out of available units. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, ne, sql } from "drizzle-orm";
import { openPglite, type Database } from "../../db/client.ts";
import { stock } from "../../db/schema.ts";
import { seedCatalog } from "../../db/seed.ts";
import { memoryPubSub } from "../runtime/pubsub.ts";
import { subjects } from "../contracts/subjects.ts";
import { canBuy, LOW_STOCK, publishStock, stockLevel, type StockLevel } from "./stock-live.ts";

const cases: [number, StockLevel][] = [
  [-1, { kind: "out" }], [0, { kind: "out" }], [1, { kind: "low", left: 1 }],
  [LOW_STOCK - 1, { kind: "low", left: 9 }], [LOW_STOCK, { kind: "in" }], [500, { kind: "in" }],
];
test.each(cases)("%p available units read as %p", (units, level) => {
  expect(stockLevel(units)).toEqual(level);
  expect(canBuy(units)).toBe(level.kind !== "out");
});

describe("publishStock", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openPglite();
    await seedCatalog(database.db);
  }, 30_000);
  afterAll(() => database.close());

  test("publishes each SKU's available units (on hand minus reserved) on its own subject", async () => {
    // 42 on hand, 14 in each warehouse: the units published are the sum over them
    await database.db.update(stock).set({ reserved: sql`on_hand - 1` }).where(and(eq(stock.sku, "LAP-001"), ne(stock.warehouse, "NJ")));
    const pubsub = memoryPubSub();
    const seen: unknown[] = [];
    for (const sku of ["LAP-001", "PHN-003", "TOY-001"]) pubsub.subscribe(subjects.stock(sku), (m) => seen.push(m));
    await publishStock(database.db, pubsub, ["LAP-001", "PHN-003", "UNKNOWN"]);
    expect(seen.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { sku: "LAP-001", available: 16 }, { sku: "PHN-003", available: 3 },
    ]);
    await publishStock(database.db, pubsub, []);
    expect(seen).toHaveLength(2);
  });
});
