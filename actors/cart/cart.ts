/**
 * Durable carts (shopping.carts, shopping.cart_items): a guest's cart is named by a random
 * id the edge keeps in a cookie, a customer's by its owner. Each change runs in one
 * transaction holding the cart row's lock, so concurrent adds to one cart cannot both pass
 * the limits. Carts expire lazily: one untouched for 7 days reads as empty and is deleted
 * when next seen, and creating a cart sweeps away every expired one.
 */
import { and, asc, eq, gt, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Cache } from "../runtime/cache.ts";
import type { Db, Q, Tx } from "../../db/client.ts";
import { cartItems, carts, products, stockTotals } from "../../db/schema.ts";
import type { Line } from "../contracts/index.ts";
import {
  checkLineQty, checkRequestedQty, countOf, expired, expiryCutoff, mergedQty, type CartLine,
} from "./cart-rules.ts";
import { guardedAdd, peek } from "./cart-add.ts";
import { whose, type CartOwner } from "./cart-owner.ts";
import { NotFound } from "../contracts/errors.ts";
import { available } from "../catalog/stock-sql.ts";

/** How long a cached badge count may be reused: the bound on a change that raced its read. */
export const COUNT_TTL_SECONDS = 5;
const countKey = (o: CartOwner): string | null =>
  o.kind === "user" ? `cart-count:user:${o.userId}` : o.cartId ? `cart-count:guest:${o.cartId}` : null;

export type Added = { cartId: string; name: string; qty: number; count: number };

export type { CartOwner } from "./cart-owner.ts";

/** The carts of guests and customers: reads with today's prices and stock, changes under the cart's lock. */
export class Carts {
  /**
   * `counts` keeps the badge's count per cart for COUNT_TTL_SECONDS: every change here
   * forgets it after its commit (on every edge sharing the cache), so a page reads the
   * database once per change rather than once per page.
   */
  constructor(private db: Db, private clock: () => Date = () => new Date(), private counts: Cache | null = null) {}

  /** The cart's lines with today's names, prices and free stock, oldest first; [] when there is no live cart. */
  async lines(owner: CartOwner): Promise<CartLine[]> {
    const cart = await this.find(this.db, owner, false);
    return cart ? linesOf(this.db, cart.id) : [];
  }

  /** Units in the cart, for the header badge: one query, no writes; read through the cache when there is one. */
  async count(owner: CartOwner): Promise<number> {
    const mine = whose(owner);
    if (!mine) return 0;
    const key = countKey(owner);
    const cached = key && this.counts ? await this.counts.get<unknown>(key) : null;
    if (typeof cached === "number") return cached;
    const n = await this.countNow(mine);
    if (key && this.counts) await this.counts.set(key, n, COUNT_TTL_SECONDS);
    return n;
  }

  private async countNow(mine: SQL): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`coalesce(sum(${cartItems.qty}), 0)`.mapWith(Number) })
      .from(carts).innerJoin(cartItems, eq(cartItems.cartId, carts.id))
      .where(and(mine, gte(carts.updatedAt, expiryCutoff(this.clock()))));
    return row?.n ?? 0;
  }

  /**
   * Add `qty` units (creating the cart if needed); the snapshot moves to today's price,
   * which the customer just saw. The common case costs two statements: one read for the
   * checks and their messages, one guarded write. When the guard refuses (another add or
   * an order got there first) or the cart has expired, the locked path decides instead.
   */
  async add(owner: CartOwner, sku: string, qty: number): Promise<Added> {
    return this.forgetting([owner], () => this.addNow(owner, sku, qty));
  }

  private async addNow(owner: CartOwner, sku: string, qty: number): Promise<Added> {
    checkRequestedQty(qty, 1);
    const seen = await peek(this.db, owner, sku);
    if (!seen) throw new NotFound(`There is no product ${sku}.`);
    const now = this.clock();
    if (seen.cartUpdatedAt && expired(seen.cartUpdatedAt, now)) return this.addLocked(owner, sku, qty);
    checkLineQty(seen, seen.had + qty, seen.had);
    if (!seen.cartId) await this.db.delete(carts).where(lt(carts.updatedAt, expiryCutoff(now)));
    const written = await guardedAdd(this.db, owner, seen.cartId, { sku, qty, price: seen.price, now });
    return written ? { ...written, name: seen.name } : this.addLocked(owner, sku, qty);
  }

  /** `add` inside one transaction holding the cart's lock: exact messages whatever raced. */
  private async addLocked(owner: CartOwner, sku: string, qty: number): Promise<Added> {
    return this.db.transaction(async (tx) => {
      const product = await productOf(tx, sku);
      const cartId = await this.open(tx, owner);
      const had = (await lineOf(tx, cartId, sku))?.qty ?? 0;
      checkLineQty(product, had + qty, had);
      await tx.insert(cartItems).values({ cartId, sku, qty: had + qty, unitPrice: product.price, addedAt: this.clock() })
        .onConflictDoUpdate({ target: [cartItems.cartId, cartItems.sku], set: { qty: had + qty, unitPrice: product.price } });
      return { cartId, name: product.name, qty: had + qty, count: await this.touch(tx, cartId) };
    });
  }

  /** Set a line's quantity; 0 removes it. The snapshot stays, so a price change stays visible. Returns the new count. */
  async setQty(owner: CartOwner, sku: string, qty: number): Promise<number> {
    checkRequestedQty(qty, 0);
    if (qty === 0) return this.remove(owner, sku);
    return this.forgetting([owner], () => this.db.transaction(async (tx) => {
      const cart = await this.find(tx, owner, true);
      if (!cart || !(await lineOf(tx, cart.id, sku))) throw new NotFound(`${sku} is not in your cart`);
      checkLineQty(await productOf(tx, sku), qty);
      await tx.update(cartItems).set({ qty }).where(and(eq(cartItems.cartId, cart.id), eq(cartItems.sku, sku)));
      return this.touch(tx, cart.id);
    }));
  }

  /** Remove a line; removing one that is not there is fine (a repeated click). Returns the new count. */
  async remove(owner: CartOwner, sku: string): Promise<number> {
    return this.forgetting([owner], () => this.db.transaction(async (tx) => {
      const cart = await this.find(tx, owner, true);
      if (!cart) return 0;
      await tx.delete(cartItems).where(and(eq(cartItems.cartId, cart.id), eq(cartItems.sku, sku)));
      return this.touch(tx, cart.id);
    }));
  }

  /**
   * At sign-in: the guest cart's lines go into the customer's cart, each capped at the
   * per-product maximum and the free stock (never lowering what the customer had), and
   * the guest cart is deleted. Returns the units that moved.
   */
  async merge(guestCartId: string, userId: string): Promise<{ moved: number }> {
    const owners: CartOwner[] = [{ kind: "guest", cartId: guestCartId }, { kind: "user", userId }];
    return this.forgetting(owners, () => this.db.transaction(async (tx) => {
      const guest = await this.find(tx, { kind: "guest", cartId: guestCartId }, true);
      if (!guest) return { moved: 0 };
      const incoming = await linesOf(tx, guest.id);
      const cartId = await this.open(tx, { kind: "user", userId });
      let moved = 0;
      for (const g of incoming) {
        const mine = await lineOf(tx, cartId, g.sku);
        const had = mine?.qty ?? 0;
        const qty = mergedQty(had, g.qty, g.available);
        if (qty === had) continue;
        moved += qty - had;
        await tx.insert(cartItems).values({ cartId, sku: g.sku, qty, unitPrice: g.snapshot, addedAt: this.clock() })
          .onConflictDoUpdate({ target: [cartItems.cartId, cartItems.sku], set: { qty } });
      }
      await tx.delete(carts).where(eq(carts.id, guest.id));
      await this.touch(tx, cartId);
      return { moved };
    }));
  }

  /** After checkout: take the ordered units out of the cart (lines added meanwhile stay). */
  async removeOrdered(owner: CartOwner, lines: Line[]): Promise<void> {
    await this.forgetting([owner], () => this.db.transaction(async (tx) => {
      const cart = await this.find(tx, owner, true);
      if (!cart) return;
      for (const { sku, qty } of lines) {
        const line = and(eq(cartItems.cartId, cart.id), eq(cartItems.sku, sku));
        await tx.delete(cartItems).where(and(line, lte(cartItems.qty, qty)));
        await tx.update(cartItems).set({ qty: sql`${cartItems.qty} - ${qty}` }).where(and(line, gt(cartItems.qty, qty)));
      }
      await this.touch(tx, cart.id);
    }));
  }

  /** Runs a change, then (committed or not) forgets the owners' cached counts. */
  private async forgetting<T>(owners: CartOwner[], change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } finally {
      const keys = owners.map(countKey).filter((k) => k !== null);
      if (this.counts && keys.length > 0) await this.counts.del(...keys);
    }
  }

  /** The owner's live cart (locked when asked); an expired one is deleted on sight and reads as none. */
  private async find(q: Q, owner: CartOwner, lock: boolean): Promise<{ id: string } | null> {
    const mine = whose(owner);
    if (!mine) return null;
    const query = q.select({ id: carts.id, updatedAt: carts.updatedAt }).from(carts).where(mine);
    const [row] = lock ? await query.for("update") : await query;
    if (!row) return null;
    const now = this.clock();
    if (!expired(row.updatedAt, now)) return row;
    await q.delete(carts).where(and(eq(carts.id, row.id), lt(carts.updatedAt, expiryCutoff(now))));
    return null;
  }

  /** The owner's cart, created when there is none; a guest always gets a fresh random id. */
  private async open(tx: Tx, owner: CartOwner): Promise<string> {
    const found = await this.find(tx, owner, true);
    if (found) return found.id;
    const now = this.clock();
    await tx.delete(carts).where(lt(carts.updatedAt, expiryCutoff(now)));
    const id = crypto.randomUUID();
    const ownerId = owner.kind === "user" ? owner.userId : null;
    // A customer's two first adds may race: the second insert waits, does nothing, and both use one cart.
    await tx.insert(carts).values({ id, owner: ownerId, createdAt: now, updatedAt: now }).onConflictDoNothing();
    if (owner.kind === "guest") return id;
    const cart = await this.find(tx, owner, true);
    if (!cart) throw new Error(`cart of ${owner.userId} vanished while it was created`);
    return cart.id;
  }

  /** Mark the cart changed now (restarting its 7 days) and return its unit count. */
  private async touch(tx: Tx, cartId: string): Promise<number> {
    await tx.update(carts).set({ updatedAt: this.clock() }).where(eq(carts.id, cartId));
    return countOf(await tx.select({ qty: cartItems.qty }).from(cartItems).where(eq(cartItems.cartId, cartId)));
  }
}

const lineOf = async (q: Q, cartId: string, sku: string) =>
  (await q.select({ qty: cartItems.qty }).from(cartItems).where(and(eq(cartItems.cartId, cartId), eq(cartItems.sku, sku))))[0];

async function productOf(q: Q, sku: string): Promise<{ name: string; price: number; available: number }> {
  const [p] = await q.select({ name: products.name, price: products.price, available })
    .from(products).leftJoin(stockTotals, eq(stockTotals.sku, products.sku)).where(eq(products.sku, sku));
  if (!p) throw new NotFound(`There is no product ${sku}.`);
  return p;
}

function linesOf(q: Q, cartId: string): Promise<CartLine[]> {
  return q.select({
    sku: cartItems.sku, name: products.name, qty: cartItems.qty, snapshot: cartItems.unitPrice, price: products.price, available,
    sold: sql<boolean>`${products.archivedAt} IS NULL`.mapWith(Boolean),
  }).from(cartItems).innerJoin(products, eq(products.sku, cartItems.sku)).leftJoin(stockTotals, eq(stockTotals.sku, cartItems.sku))
    .where(eq(cartItems.cartId, cartId)).orderBy(asc(cartItems.addedAt), asc(cartItems.sku));
}
