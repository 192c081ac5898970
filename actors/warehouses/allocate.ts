/**
 * Which warehouses a reservation takes its units from - the strategy, pure:
 *
 *   1. warehouses in the customer's shipping country first,
 *   2. then by priority (lower first),
 *   3. then by code,
 *
 * each line taking what it can from the first and the rest from the next, so one line may
 * be split across warehouses. An order is reserved whole or not at all: a line that all
 * warehouses together cannot cover fails the order. Fewer parcels is not a goal of its own:
 * the country and priority decide, which keeps the rule simple to explain and to predict.
 */
import type { Allocation, Line, Parcel } from "../contracts/index.ts";

/** One SKU's stock in one warehouse, with what ranks the warehouse. */
export type Bin = { warehouse: string; country: string; priority: number; onHand: number; reserved: number };
/** Every loaded SKU's bins. */
export type Bins = Record<string, Bin[]>;
export type Shortage = { sku: string; requested: number; available: number };

/** The order the strategy takes warehouses in for a shipment to `country` (null: priority alone). */
export function ranked(bins: Bin[], country: string | null): Bin[] {
  const home = (b: Bin) => (country !== null && b.country === country ? 0 : 1);
  return [...bins].sort((a, b) => home(a) - home(b) || a.priority - b.priority || (a.warehouse < b.warehouse ? -1 : a.warehouse > b.warehouse ? 1 : 0));
}

const free = (b: Bin) => Math.max(0, b.onHand - b.reserved);

/** Where each line's units come from, or what is short; `lines` has one entry per SKU. */
export function allocate(bins: Bins, lines: Line[], country: string | null): { ok: true; allocations: Allocation[] } | { ok: false; shortages: Shortage[] } {
  const allocations: Allocation[] = [];
  const shortages: Shortage[] = [];
  for (const { sku, qty } of lines) {
    const order = ranked(bins[sku] ?? [], country);
    const available = order.reduce((n, b) => n + free(b), 0);
    if (available < qty) {
      shortages.push({ sku, requested: qty, available });
      continue;
    }
    let left = qty;
    for (const b of order) {
      const take = Math.min(left, free(b));
      if (take > 0) allocations.push({ sku, warehouse: b.warehouse, qty: take });
      left -= take;
      if (left === 0) break;
    }
  }
  return shortages.length > 0 ? { ok: false, shortages } : { ok: true, allocations };
}

/** The parcels a reservation ships as: one per warehouse, in the order the warehouses first appear. */
export function parcelsOf(allocations: Allocation[]): Parcel[] {
  const by = new Map<string, Line[]>();
  for (const { sku, warehouse, qty } of allocations) {
    const items = by.get(warehouse) ?? [];
    items.push({ sku, qty });
    by.set(warehouse, items);
  }
  return [...by].map(([warehouse, items]) => ({ warehouse, items }));
}
