/** The cart service on real databases: PGlite in memory and a database of its own on the local Postgres. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { carts, products, stock } from "../../db/schema.ts";
import { seedCatalog } from "../../db/seed.ts";
import { openEngine } from "../../test/accounts-kit.ts";
import { ENGINES } from "../../test/engines.ts";
import { Carts, type CartOwner } from "./cart.ts";
import { CART_TTL_MS } from "./cart-rules.ts";

const T0 = new Date("2030-05-01T12:00:00.000Z");
const user = (userId: string): CartOwner => ({ kind: "user", userId });
const guest = (cartId: string | null): CartOwner => ({ kind: "guest", cartId });

describe.each(ENGINES)("carts on %s", (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  let now = T0;
  let service: Carts;
  beforeAll(async () => {
    ({ db, close } = await openEngine(engine));
    await seedCatalog(db);
    service = new Carts(db, () => now);
  });
  afterAll(() => close());

  const qtys = async (owner: CartOwner) => Object.fromEntries((await service.lines(owner)).map((l) => [l.sku, l.qty]));

  test("a guest's first add creates a cart; adding again sums; lines carry today's product data", async () => {
    const first = await service.add(guest(null), "LAP-001", 2);
    expect(first).toMatchObject({ name: "Altair Air 13", qty: 2, count: 2 });
    expect(first.cartId).toMatch(/^[0-9a-f-]{36}$/);
    const me = guest(first.cartId);
    expect(await service.add(me, "LAP-001", 1)).toMatchObject({ cartId: first.cartId, qty: 3, count: 3 });
    await service.add(me, "PHN-001", 1);
    expect(await service.lines(me)).toEqual([
      { sku: "LAP-001", name: "Altair Air 13", qty: 3, snapshot: 99900, price: 99900, available: 42, sold: true },
      expect.objectContaining({ sku: "PHN-001", qty: 1 }),
    ]);
    expect(await service.count(me)).toBe(4);
    expect(await service.count(guest(null))).toBe(0);
  });

  test("at most 10 of a product: the message says how many are already there, and nothing changes", async () => {
    const me = user("max-10");
    await service.add(me, "PHN-001", 6);
    await expect(service.add(me, "PHN-001", 5)).rejects.toThrow("You can have at most 10 of Lumen 8 in your cart (you already have 6).");
    await expect(service.setQty(me, "PHN-001", 11)).rejects.toThrow("qty: choose a whole number from 0 to 10");
    for (const bad of [0, 11, 1.5, -1]) await expect(service.add(me, "PHN-001", bad)).rejects.toThrow("qty:");
    expect(await qtys(me)).toEqual({ "PHN-001": 6 });
    await service.add(me, "PHN-001", 4);
    expect(await qtys(me)).toEqual({ "PHN-001": 10 });
  });

  test("never more than the free stock (on hand minus reserved); the message names what is left", async () => {
    const me = user("stock");
    await expect(service.add(me, "LAP-005", 8)).rejects.toThrow("Only 7 of Norrland Studio 14 left.");
    await expect(service.add(me, "LAP-009", 1)).rejects.toThrow("Sorry, Norrland Travel 12 is out of stock.");
    await expect(service.add(me, "NOPE-1", 1)).rejects.toThrow("There is no product NOPE-1.");
    await service.add(me, "LAP-005", 2);
    // 7 on hand over three warehouses (3 + 2 + 2): 4 reserved leaves 3
    await db.update(stock).set({ reserved: 3 }).where(and(eq(stock.sku, "LAP-005"), eq(stock.warehouse, "BER")));
    await db.update(stock).set({ reserved: 1 }).where(and(eq(stock.sku, "LAP-005"), eq(stock.warehouse, "LYS")));
    try {
      await expect(service.add(me, "LAP-005", 2)).rejects.toThrow("Only 3 of Norrland Studio 14 left (you already have 2 in your cart).");
      await expect(service.setQty(me, "LAP-005", 4)).rejects.toThrow("Only 3 of Norrland Studio 14 left.");
      expect(await service.setQty(me, "LAP-005", 3)).toBe(3);
    } finally {
      await db.update(stock).set({ reserved: 0 }).where(eq(stock.sku, "LAP-005"));
    }
  });

  test("setQty changes a line, 0 removes it; remove is idempotent; a line not in the cart is a 404", async () => {
    const me = user("edit");
    await service.add(me, "AUD-001", 1);
    await service.add(me, "BOK-001", 1);
    expect(await service.setQty(me, "AUD-001", 5)).toBe(6);
    expect(await service.setQty(me, "BOK-001", 0)).toBe(5);
    expect(await qtys(me)).toEqual({ "AUD-001": 5 });
    await expect(service.setQty(me, "BOK-001", 2)).rejects.toThrow("BOK-001 is not in your cart");
    expect(await service.remove(me, "AUD-001")).toBe(0);
    expect(await service.remove(me, "AUD-001")).toBe(0);
    expect(await service.lines(me)).toEqual([]);
  });

  test("the snapshot keeps the price of the day the line was added; a new add takes today's", async () => {
    const me = user("prices");
    await service.add(me, "LAP-003", 1);
    await db.update(products).set({ price: 79900 }).where(eq(products.sku, "LAP-003"));
    try {
      expect((await service.lines(me))[0]).toMatchObject({ snapshot: 84900, price: 79900 });
      await service.setQty(me, "LAP-003", 2);
      expect((await service.lines(me))[0]).toMatchObject({ qty: 2, snapshot: 84900 });
      await service.add(me, "LAP-003", 1);
      expect((await service.lines(me))[0]).toMatchObject({ qty: 3, snapshot: 79900, price: 79900 });
    } finally {
      await db.update(products).set({ price: 84900 }).where(eq(products.sku, "LAP-003"));
    }
  });

  test("a cart untouched for 7 days is empty, then purged; a change restarts its 7 days", async () => {
    const { cartId } = await service.add(guest(null), "TOY-001", 2);
    const me = guest(cartId);
    now = new Date(T0.getTime() + CART_TTL_MS - 1000);
    await service.add(me, "TOY-001", 1); // touched just before it would expire
    now = new Date(T0.getTime() + CART_TTL_MS + 1000);
    expect(await service.count(me)).toBe(3);
    now = new Date(T0.getTime() + 2 * CART_TTL_MS);
    try {
      expect(await service.count(me)).toBe(0);
      expect(await service.lines(me)).toEqual([]);
      expect(await db.select().from(carts).where(eq(carts.id, cartId))).toEqual([]);
      const fresh = await service.add(me, "TOY-001", 1);
      expect(fresh.cartId).not.toBe(cartId); // an expired id is never revived
      expect(fresh.count).toBe(1);
    } finally {
      now = T0;
    }
  });

  test("a guest id never reaches a customer's cart", async () => {
    await service.add(user("victim"), "BOK-002", 3);
    const [row] = await db.select({ id: carts.id }).from(carts).where(eq(carts.owner, "victim"));
    const forged = guest(row!.id);
    expect(await service.lines(forged)).toEqual([]);
    expect(await service.count(forged)).toBe(0);
    expect((await service.add(forged, "BOK-002", 1)).cartId).not.toBe(row!.id);
    expect(await service.remove(forged, "BOK-002")).toBe(0);
    expect(await qtys(user("victim"))).toEqual({ "BOK-002": 3 });
  });

  test("merge moves the guest's lines into the customer's cart, capped at 10 and the stock, and deletes the guest cart", async () => {
    const me = user("merger");
    await service.add(me, "PHN-001", 5);
    await service.add(me, "LAP-005", 4);
    const { cartId } = await service.add(guest(null), "PHN-001", 8);
    await service.add(guest(cartId), "LAP-005", 5);
    await service.add(guest(cartId), "AUD-002", 2);
    expect(await service.merge(cartId, "merger")).toEqual({ moved: 5 + 3 + 2 });
    expect(await qtys(me)).toEqual({ "PHN-001": 10, "LAP-005": 7, "AUD-002": 2 });
    expect(await db.select().from(carts).where(eq(carts.id, cartId))).toEqual([]);
    expect(await service.merge(cartId, "merger")).toEqual({ moved: 0 });
  });

  test("merge into a customer with no cart yet creates one", async () => {
    const { cartId } = await service.add(guest(null), "SPT-001", 2);
    expect(await service.merge(cartId, "newcomer")).toEqual({ moved: 2 });
    expect(await qtys(user("newcomer"))).toEqual({ "SPT-001": 2 });
  });

  test("removeOrdered takes out the ordered units and keeps what was added since", async () => {
    const me = user("ordered");
    await service.add(me, "AUD-003", 3);
    await service.add(me, "BOK-003", 1);
    await service.removeOrdered(me, [{ sku: "AUD-003", qty: 2 }, { sku: "BOK-003", qty: 1 }]);
    expect(await qtys(me)).toEqual({ "AUD-003": 1 });
  });

  test("concurrent adds to one customer's new cart: one cart, and the limit holds", async () => {
    const me = user("racer");
    const results = await Promise.allSettled([service.add(me, "PHN-002", 6), service.add(me, "PHN-002", 6)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await db.select().from(carts).where(eq(carts.owner, "racer"))).toHaveLength(1);
    expect(await qtys(me)).toEqual({ "PHN-002": 6 });
  });
});
