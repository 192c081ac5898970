/**
 * Where each actor kind keeps its state. The runner loads and saves through these inside
 * its transaction; rows are written only by their own store, so reading them back is safe.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Q } from "../../db/client.ts";
import { actorState, movements, orders, orderViews, stock } from "../../db/schema.ts";
import type { OrderState } from "../order-state.ts";
import type { OrderView } from "../projector.ts";
import type { Stock } from "../inventory.ts";

export interface StateStore<S> {
  load(q: Q, keys: string[], lock: boolean): Promise<Map<string, S>>;
  save(q: Q, rows: [string, S][], now: Date): Promise<void>;
}

/** Shared rows an actor reads and changes besides its own state (inventory: stock levels). */
export interface Resources<R> {
  load(q: Q, ids: string[]): Promise<R>;
  /** Write what changed; returns the ids that changed. */
  save(q: Q, before: R, after: R, now: Date): Promise<string[]>;
}

/** Generic per-key state in runtime.actor_state. */
export function actorStateStore<S>(kind: string): StateStore<S> {
  return {
    async load(q, keys, lock) {
      if (keys.length === 0) return new Map();
      const base = q.select({ key: actorState.key, state: actorState.state }).from(actorState)
        .where(and(eq(actorState.kind, kind), inArray(actorState.key, keys)));
      const rows = lock ? await base.for("update") : await base;
      return new Map(rows.map((r) => [r.key, r.state as S]));
    },
    async save(q, rows, now) {
      if (rows.length === 0) return;
      await q.insert(actorState).values(rows.map(([key, state]) => ({ kind, key, state, updatedAt: now })))
        .onConflictDoUpdate({
          target: [actorState.kind, actorState.key],
          set: { state: sql`excluded.state`, updatedAt: sql`excluded.updated_at` },
        });
    },
  };
}

/** The order aggregate lives in ordering.orders, with status and customer as columns for queries. */
export const orderStore: StateStore<OrderState> = {
  async load(q, keys, lock) {
    if (keys.length === 0) return new Map();
    const base = q.select({ id: orders.id, state: orders.state }).from(orders).where(inArray(orders.id, keys));
    const rows = lock ? await base.for("update") : await base;
    return new Map(rows.map((r) => [r.id, r.state as OrderState]));
  },
  async save(q, rows) {
    if (rows.length === 0) return;
    await q.insert(orders).values(rows.map(([id, s]) => ({
      id, customerId: s.customerId, status: s.status, state: s,
      createdAt: new Date(s.createdAt), updatedAt: new Date(s.updatedAt),
    }))).onConflictDoUpdate({
      target: orders.id,
      set: { status: sql`excluded.status`, state: sql`excluded.state`, updatedAt: sql`excluded.updated_at` },
    });
  },
};

/** The read model of orders. */
export const viewStore: StateStore<OrderView> = {
  async load(q, keys, lock) {
    if (keys.length === 0) return new Map();
    const base = q.select({ id: orderViews.id, view: orderViews.view }).from(orderViews).where(inArray(orderViews.id, keys));
    const rows = lock ? await base.for("update") : await base;
    return new Map(rows.map((r) => [r.id, r.view as OrderView]));
  },
  async save(q, rows) {
    if (rows.length === 0) return;
    await q.insert(orderViews).values(rows.map(([id, v]) => ({
      id, customerId: v.customerId, status: v.status, total: v.total, currency: v.currency,
      createdAt: new Date(v.createdAt), updatedAt: new Date(v.updatedAt), view: v,
    }))).onConflictDoUpdate({
      target: orderViews.id,
      set: { status: sql`excluded.status`, view: sql`excluded.view`, updatedAt: sql`excluded.updated_at` },
    });
  },
};

/** Stock levels, locked in SKU order (no deadlocks), written back as a movement log. */
export const stockResources: Resources<Stock> = {
  async load(q, skus) {
    if (skus.length === 0) return {};
    const rows = await q.select().from(stock).where(inArray(stock.sku, [...new Set(skus)].sort()))
      .orderBy(stock.sku).for("update");
    return Object.fromEntries(rows.map((r) => [r.sku, { onHand: r.onHand, reserved: r.reserved }]));
  },
  async save(q, before, after, now) {
    const changed = Object.entries(after).filter(([sku, l]) => {
      const b = before[sku];
      return !b || b.onHand !== l.onHand || b.reserved !== l.reserved;
    });
    if (changed.length === 0) return [];
    await q.insert(stock).values(changed.map(([sku, l]) => ({ sku, onHand: l.onHand, reserved: l.reserved })))
      .onConflictDoUpdate({ target: stock.sku, set: { onHand: sql`excluded.on_hand`, reserved: sql`excluded.reserved` } });
    await q.insert(movements).values(changed.map(([sku, l]) => {
      const b = before[sku] ?? { onHand: 0, reserved: 0 };
      return { sku, deltaOnHand: l.onHand - b.onHand, deltaReserved: l.reserved - b.reserved, reason: "saga", at: now };
    }));
    return changed.map(([sku]) => sku);
  },
};
