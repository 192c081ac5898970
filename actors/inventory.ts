/**
 * The inventory actor keeps one reservation per order. Stock levels per SKU and warehouse
 * are a shared resource the runner loads (locked, in SKU then warehouse order) for the SKUs a
 * batch touches; decide returns the new levels. Warehouses are picked by the strategy in
 * warehouses/allocate.ts, a line may be split across them, all lines of an order are
 * reserved together or not at all, and stock never goes negative. A release and a shipment
 * move exactly the units the reservation holds in each warehouse.
 */
import type { Allocation, Envelope, Line } from "./contracts/index.ts";
import { ignore, ok, type Actor, type Outcome } from "./runtime/actor.ts";
import { allocate, type Bin, type Bins } from "./warehouses/allocate.ts";

export type StockLevel = { onHand: number; reserved: number };
/** One order's change to a SKU's units in a warehouse within a batch: the movement log names the order (stores.ts writes a row per move). */
export type StockMove = { orderId: string; onHand: number; reserved: number };
/** One SKU's stock in one warehouse; `moves`: what changed it in this batch, for the log (a level as loaded has none). */
export type StockBin = Bin & { moves?: StockMove[] };
/** Each loaded SKU's stock per warehouse. */
export type Stock = Record<string, StockBin[]>;
/**
 * `held`: the reserved units per SKU; `alloc`: where they are held (absent on holds from
 * before warehouses, which the 0031 migration left in LEGACY_WAREHOUSE). `answered`: the
 * latest reservation attempt answered (absent in states from before it was kept).
 */
export type InventoryState = { held: Line[] | null; alloc?: Allocation[]; sold: boolean; cancelled: boolean; answered?: number };

/** Where every reservation made before warehouses is held (migration 0031 kept them there). */
export const LEGACY_WAREHOUSE = "BER";
type Out = Outcome<InventoryState, Stock>;

const EMPTY: InventoryState = { held: null, sold: false, cancelled: false };

export const inventoryActor: Actor<InventoryState, Envelope, Stock> = {
  kind: "inventory",
  reads: [
    "order.OrderCreated.v1", "order.OrderCancelled.v1", "ops.RetryRequested.v1", "ops.CompensationRequested.v1",
    "shipping.OrderShipped.v1",
  ],
  decide(state, e, { res: stock }) {
    const s = state ?? EMPTY;
    switch (e.type) {
      case "order.OrderCreated.v1":
        return reserve(s, e.payload.orderId, e.payload.items, 1, e.payload.shippingAddress.country, stock);
      case "ops.RetryRequested.v1":
        return e.payload.step === "inventory"
          ? reserve(s, e.payload.orderId, e.payload.lines, e.payload.attempt, e.payload.country ?? null, stock)
          : ignore("not an inventory retry");
      case "order.OrderCancelled.v1":
        return release({ ...s, cancelled: true }, e.payload.orderId, "order cancelled", stock);
      case "ops.CompensationRequested.v1":
        return e.payload.action === "releaseInventory"
          ? release(s, e.payload.orderId, e.payload.reason, stock)
          : ignore("not an inventory compensation");
      case "shipping.OrderShipped.v1": {
        if (!s.held) return ignore("nothing held");
        const allocations = heldAt(s);
        const next = apply(stock, e.payload.orderId, allocations, (l, q) => ({ onHand: l.onHand - q, reserved: l.reserved - q }));
        return ok({ ...s, held: null, alloc: undefined, sold: true },
          [{ type: "inventory.StockCommitted.v1", payload: { orderId: e.payload.orderId, lines: s.held, allocations } }],
          { res: next });
      }
      default:
        return ignore(`${e.type} is not for inventory`);
    }
  },
};

/** The SKUs a message may touch, so the runner can lock exactly those stock rows. */
export function skusOf(state: InventoryState | null, e: Envelope): string[] {
  const fromState = state?.held?.map((l) => l.sku) ?? [];
  if (e.type === "order.OrderCreated.v1") return e.payload.items.map((l) => l.sku);
  if (e.type === "ops.RetryRequested.v1" && e.payload.step === "inventory") return e.payload.lines.map((l) => l.sku);
  return fromState;
}

/** Where a hold's units are, per warehouse. */
const heldAt = (s: InventoryState): Allocation[] => s.alloc ?? (s.held ?? []).map((l) => ({ ...l, warehouse: LEGACY_WAREHOUSE }));

function reserve(s: InventoryState, orderId: string, wanted: Line[], attempt: number, country: string | null, stock: Stock): Out {
  if (s.cancelled || s.sold) return ignore("order no longer needs stock");
  if (s.held) {
    // Answer again: the first answer may have been lost with a stale attempt number.
    return ok(s, [{ type: "inventory.InventoryReserved.v1", payload: { orderId, lines: s.held, attempt, allocations: heldAt(s) } }]);
  }
  // An attempt answered before, with nothing held now, is that request again, delivered
  // after its processed mark was purged: what it reserved has been released since.
  if (attempt <= (s.answered ?? 0)) return ignore(`reservation attempt ${attempt} was answered before`);
  const need = merge(wanted);
  const picked = allocate(stock, need, country);
  if (!picked.ok) {
    const { shortages } = picked;
    const reason = `insufficient stock for ${shortages.map((x) => x.sku).join(", ")}`;
    return ok({ ...s, answered: attempt }, [{ type: "inventory.InventoryFailed.v1", payload: { orderId, code: "OUT_OF_STOCK", reason, shortages, attempt } }]);
  }
  const { allocations } = picked;
  const next = apply(stock, orderId, allocations, (l, q) => ({ onHand: l.onHand, reserved: l.reserved + q }));
  return ok({ ...s, held: need, alloc: allocations, answered: attempt }, [
    { type: "inventory.InventoryReserved.v1", payload: { orderId, lines: need, attempt, allocations } },
  ], { res: next });
}

function release(s: InventoryState, orderId: string, reason: string, stock: Stock): Out {
  if (!s.held) return ok(s);
  const allocations = heldAt(s);
  const next = apply(stock, orderId, allocations, (l, q) => ({ onHand: l.onHand, reserved: l.reserved - q }));
  return ok({ ...s, held: null, alloc: undefined }, [
    { type: "inventory.InventoryReleased.v1", payload: { orderId, lines: s.held, reason, allocations } },
  ], { res: next });
}

function merge(ls: Line[]): Line[] {
  const m = new Map<string, number>();
  for (const l of ls) m.set(l.sku, (m.get(l.sku) ?? 0) + l.qty);
  return [...m].map(([sku, qty]) => ({ sku, qty }));
}

/** `ls` applied to each warehouse's levels by `f`, each change kept as `orderId`'s move. */
function apply(stock: Stock, orderId: string, ls: Allocation[], f: (l: StockLevel, qty: number) => StockLevel): Stock {
  const next = { ...stock };
  for (const { sku, warehouse, qty } of ls) {
    const bins = next[sku] ?? [];
    const i = bins.findIndex((b) => b.warehouse === warehouse);
    if (i < 0) throw new Error(`stock row for ${sku} in ${warehouse} was not loaded`);
    next[sku] = bins.map((b, j): StockBin => {
      if (j !== i) return b;
      const { onHand, reserved } = f(b, qty);
      return { ...b, onHand, reserved, moves: [...(b.moves ?? []), { orderId, onHand: onHand - b.onHand, reserved: reserved - b.reserved }] };
    });
  }
  return next;
}
