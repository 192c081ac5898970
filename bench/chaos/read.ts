/**
 * What the invariants look at, read at the end of a run: the orders, stock, adjustments,
 * outbox and dead letters from the shop's database, the ledger and parcels from the
 * provider service. Rows are parsed here, once, into the invariants' plain types.
 */
import { z } from "zod";
import { Line } from "../../actors/contracts/index.ts";
import { IN_FLIGHT, type LedgerRow, type OrderRow, type ParcelRow, type StockRow, type World } from "./invariants.ts";
import type { Shop } from "./shop.ts";

/** The part of an order's state the checks read. */
const OrderState = z.object({
  items: z.array(Line),
  reserved: z.boolean(),
  trackingNumber: z.string().nullable(),
  parcels: z.array(z.object({ trackingNumber: z.string() })).optional(),
  attempts: z.record(z.string(), z.number()),
  shipmentRequested: z.boolean(),
  history: z.array(z.object({ at: z.string(), status: z.string() })),
});
const LedgerEntry = z.object({ kind: z.enum(["authorize", "capture", "refund"]), paymentId: z.string(), orderId: z.string().optional() }) satisfies z.ZodType<LedgerRow>;
const Parcel = z.object({ orderId: z.string().optional(), trackingNumber: z.string(), warehouse: z.string().optional() }) satisfies z.ZodType<ParcelRow>;

/** Everything but what the run itself knows (keys and requests sent, faults made, deaths, what the provider spoiled). */
export async function readWorld(shop: Shop, stockBefore: StockRow[]): Promise<Omit<World, "sent" | "faults" | "deaths" | "explainMs" | "faultedOrders" | "requests">> {
  const { sql } = shop;
  const orderRows = await sql<{ id: string; status: string; state: unknown; created_at: Date }[]>`
    SELECT id, status, state, created_at FROM ordering.orders WHERE customer_id LIKE 'chaos-%'`;
  const orders: OrderRow[] = orderRows.map((r) => {
    const s = OrderState.parse(typeof r.state === "string" ? JSON.parse(r.state) : r.state);
    const last = s.history.at(-1)?.at;
    const rest = s.history.find((h) => !IN_FLIGHT.has(h.status))?.at;
    return {
      id: r.id, status: r.status, items: s.items, reserved: s.reserved, trackingNumber: s.trackingNumber,
      ...(s.parcels ? { parcels: s.parcels.map((p) => p.trackingNumber) } : {}),
      createdAt: r.created_at.getTime(), settledAt: last ? Date.parse(last) : r.created_at.getTime(),
      ...(rest ? { firstRestAt: Date.parse(rest) } : {}),
      path: s.history.map((h) => `${h.status} +${Date.parse(h.at) - r.created_at.getTime()}`).join(", "),
      saga: `tries ${Object.entries(s.attempts).map(([k, v]) => `${k} ${v}`).join(", ")}${s.shipmentRequested ? "; shipment asked for" : ""}`,
    };
  });
  const stockAfter = await sql<StockRow[]>`SELECT sku, on_hand AS "onHand", reserved FROM inventory.stock_totals`;
  const adjusted = await sql<{ sku: string; delta: number }[]>`
    SELECT sku, sum(delta_on_hand)::int AS delta FROM inventory.movements WHERE ref = 'admin' GROUP BY sku`;
  // every row in the outbox is unpublished (the relay deletes what it published)
  const pending = await sql<{ key: string; type: string }[]>`SELECT key, type FROM runtime.outbox ORDER BY id`;
  const letters = await sql<{ id: string; consumer: string; key: string | null; error: string; first_seen_at: Date | null; at: Date }[]>`
    SELECT id, consumer, key, error, first_seen_at, at FROM runtime.dead_letters ORDER BY id`;
  return {
    orders,
    ledger: z.array(LedgerEntry).parse(await shop.ledger()),
    parcels: z.array(Parcel).parse(await shop.parcels()),
    stockBefore,
    stockAfter: [...stockAfter],
    adjustments: Object.fromEntries(adjusted.map((r) => [r.sku, r.delta])),
    outboxPending: { count: pending.length, examples: pending.slice(0, 5).map((r) => `${r.key} ${r.type}`) },
    deadLetters: letters.map((d) => ({
      id: Number(d.id), consumer: d.consumer, key: d.key, error: d.error, firstSeenAt: (d.first_seen_at ?? d.at).getTime(), at: d.at.getTime(),
    })),
  };
}
