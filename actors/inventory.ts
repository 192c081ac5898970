/**
 * The inventory actor keeps one reservation per order. Stock levels are a shared resource
 * the runner loads (locked) for the SKUs a batch touches; decide returns the new levels.
 * All lines of an order are reserved together or not at all, and stock never goes negative.
 */
import type { Envelope, Line } from "./contracts/index.ts";
import { ignore, ok, type Actor, type Outcome } from "./runtime/actor.ts";

/** One order's change to a SKU's units within a batch: the movement log names the order (stores.ts writes a row per move). */
export type StockMove = { orderId: string; onHand: number; reserved: number };
/** `moves`: what changed it in this batch, for the log; a level as loaded has none. */
export type StockLevel = { onHand: number; reserved: number; moves?: StockMove[] };
export type Stock = Record<string, StockLevel>;
/** `answered`: the latest reservation attempt answered (absent in states from before it was kept). */
export type InventoryState = { held: Line[] | null; sold: boolean; cancelled: boolean; answered?: number };
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
        return reserve(s, e.payload.orderId, e.payload.items, 1, stock);
      case "ops.RetryRequested.v1":
        return e.payload.step === "inventory"
          ? reserve(s, e.payload.orderId, e.payload.lines, e.payload.attempt, stock)
          : ignore("not an inventory retry");
      case "order.OrderCancelled.v1":
        return release({ ...s, cancelled: true }, e.payload.orderId, "order cancelled", stock);
      case "ops.CompensationRequested.v1":
        return e.payload.action === "releaseInventory"
          ? release(s, e.payload.orderId, e.payload.reason, stock)
          : ignore("not an inventory compensation");
      case "shipping.OrderShipped.v1": {
        if (!s.held) return ignore("nothing held");
        const next = apply(stock, e.payload.orderId, s.held, (l, q) => ({ onHand: l.onHand - q, reserved: l.reserved - q }));
        return ok({ ...s, held: null, sold: true },
          [{ type: "inventory.StockCommitted.v1", payload: { orderId: e.payload.orderId, lines: s.held } }],
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

function reserve(s: InventoryState, orderId: string, wanted: Line[], attempt: number, stock: Stock): Out {
  if (s.cancelled || s.sold) return ignore("order no longer needs stock");
  if (s.held) {
    // Answer again: the first answer may have been lost with a stale attempt number.
    return ok(s, [{ type: "inventory.InventoryReserved.v1", payload: { orderId, lines: s.held, attempt } }]);
  }
  // An attempt answered before, with nothing held now, is that request again, delivered
  // after its processed mark was purged: what it reserved has been released since.
  if (attempt <= (s.answered ?? 0)) return ignore(`reservation attempt ${attempt} was answered before`);
  const need = merge(wanted);
  const shortages = need
    .map(({ sku, qty }) => {
      const l = stock[sku];
      return { sku, requested: qty, available: l ? l.onHand - l.reserved : 0 };
    })
    .filter((x) => x.requested > x.available);
  if (shortages.length > 0) {
    const reason = `insufficient stock for ${shortages.map((x) => x.sku).join(", ")}`;
    return ok({ ...s, answered: attempt }, [{ type: "inventory.InventoryFailed.v1", payload: { orderId, code: "OUT_OF_STOCK", reason, shortages, attempt } }]);
  }
  const next = apply(stock, orderId, need, (l, q) => ({ onHand: l.onHand, reserved: l.reserved + q }));
  return ok({ ...s, held: need, answered: attempt }, [
    { type: "inventory.InventoryReserved.v1", payload: { orderId, lines: need, attempt } },
  ], { res: next });
}

function release(s: InventoryState, orderId: string, reason: string, stock: Stock): Out {
  if (!s.held) return ok(s);
  const next = apply(stock, orderId, s.held, (l, q) => ({ onHand: l.onHand, reserved: l.reserved - q }));
  return ok({ ...s, held: null }, [
    { type: "inventory.InventoryReleased.v1", payload: { orderId, lines: s.held, reason } },
  ], { res: next });
}

function merge(ls: Line[]): Line[] {
  const m = new Map<string, number>();
  for (const l of ls) m.set(l.sku, (m.get(l.sku) ?? 0) + l.qty);
  return [...m].map(([sku, qty]) => ({ sku, qty }));
}

/** `ls` applied to the levels by `f`, each change kept as `orderId`'s move. */
function apply(stock: Stock, orderId: string, ls: Line[], f: (l: StockLevel, qty: number) => { onHand: number; reserved: number }): Stock {
  const next = { ...stock };
  for (const { sku, qty } of ls) {
    const cur = next[sku];
    if (!cur) throw new Error(`stock row for ${sku} was not loaded`);
    const { onHand, reserved } = f(cur, qty);
    next[sku] = { onHand, reserved, moves: [...(cur.moves ?? []), { orderId, onHand: onHand - cur.onHand, reserved: reserved - cur.reserved }] };
  }
  return next;
}
