/**
 * Order commands and queries. Commands go through the order actor's runner (one
 * transaction: state + outbox); prices always come from the catalog, never the client.
 */
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { orderViews } from "../../db/schema.ts";
import type { Address, Line, OrderTimer } from "../contracts/index.ts";
import { BASE_CURRENCY, convert } from "../money/currency.ts";
import type { Currencies } from "../money/rates.ts";
import { CatalogConflict, InputError, NotFound, OrderConflict } from "../contracts/errors.ts";
import type { OrderCommand } from "../order-commands.ts";
import type { OrderRejection, OrderState } from "../order-state.ts";
import type { OrderInput } from "../order.ts";
import type { OrderView } from "../projector.ts";
import type { Runner } from "../runtime/runner.ts";
import { orderStore } from "../stores.ts";
import { loadStates } from "../runtime/stores.ts";
import type { Sql } from "../../db/sql.ts";
import { listOrders, type OrderListQuery, type OrderPage } from "./order-list.ts";
import { canSee, type Viewer } from "./visibility.ts";

export type PlaceOrder = {
  customerId: string;
  idempotencyKey: string;
  items: Line[];
  shippingAddress: Address;
  paymentToken: string;
  /** the currency to charge in (one of CURRENCY_CODES); USD when unset */
  currency?: string;
};
/** A durable timer the order has set and that has not fired yet. */
export type PendingTimer = { name: string; at: string };

/** Same customer + same idempotency key = same order id, whatever happens in between. */
export function orderIdFor(customerId: string, idempotencyKey: string): string {
  const h = createHash("sha256").update(`${customerId}\n${idempotencyKey}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${"89ab"[parseInt(h[16] ?? "0", 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class OrderService {
  constructor(
    private db: Db,
    private sql: Sql,
    private runner: Runner<OrderState, OrderInput, undefined, unknown, OrderTimer, never, OrderRejection>,
    private currencies: Currencies,
  ) {}

  /**
   * Place an order; returns the existing one when the idempotency key was seen before.
   * Each catalog unit price is converted once (rounded to the currency's minor units) and
   * the total is the sum of converted unit price x quantity, so lines always add up.
   */
  async place(p: PlaceOrder): Promise<{ view: OrderView; created: boolean }> {
    const orderId = orderIdFor(p.customerId, p.idempotencyKey);
    const rate = await this.currencies.rate(p.currency ?? BASE_CURRENCY);
    const skus = [...new Set(p.items.map((i) => i.sku))];
    // prices come from the catalog, never the client (a fixed statement: this runs per order)
    const found = await this.sql.query<{ sku: string; name: string; price: number; archived: boolean }>(
      "SELECT sku, name, price, archived_at IS NOT NULL AS archived FROM catalog.products WHERE sku = ANY($1::text[])", [skus]);
    const bySku = new Map(found.map((r) => [r.sku, r]));
    const gone = p.items.findIndex((line) => bySku.get(line.sku)?.archived);
    if (gone >= 0) {
      // the same key again after the product was archived is the order it placed, not a refusal
      const placed = await this.find(orderId);
      if (placed?.customerId === p.customerId) return { view: placed, created: false };
      throw new CatalogConflict("ARCHIVED", `items[${gone}].sku: ${p.items[gone]!.sku} is no longer sold`);
    }
    const items = p.items.map((line, i) => {
      const product = bySku.get(line.sku);
      if (!product) throw new InputError(`items[${i}].sku`, `items[${i}].sku: unknown product ${line.sku}`);
      return { sku: line.sku, qty: line.qty, name: product.name, unitPrice: convert(product.price, rate) };
    });
    const out = await this.runner.create(orderId, {
      kind: "command",
      command: {
        type: "Place", orderId, customerId: p.customerId, items, currency: rate.code, fxRate: rate.rate,
        shippingAddress: p.shippingAddress, paymentToken: p.paymentToken,
      },
    });
    if (out.kind === "ok" && out.state) return { view: viewOf(out.state), created: true };
    // The key was used before (or by a concurrent request): answer with that order.
    const view = await this.find(orderId);
    if (!view) throw new Error(`order ${orderId} vanished after ${out.kind}`);
    return { view, created: false };
  }

  /** Run a command on an order the viewer may act on; 404 for others' orders, 409 when illegal. */
  async command(viewer: Viewer, orderId: string, command: Exclude<OrderCommand, { type: "Place" }>): Promise<OrderView> {
    await this.get(viewer, orderId);
    const out = await this.runner.execute(orderId, { kind: "command", command });
    if (out.kind === "reject") {
      // A rejection without a status means the order is gone; the 409 names the status it is in.
      throw out.status === null ? new NotFound(`order ${orderId} not found`) : new OrderConflict(out.status, out.reason);
    }
    if (out.kind === "ok" && out.state) return viewOf(out.state);
    throw new NotFound(`order ${orderId} not found`);
  }

  /** The order as the viewer may see it. */
  async get(viewer: Viewer, orderId: string): Promise<OrderView> {
    const view = await this.find(orderId);
    if (!view || !canSee(viewer, view.customerId)) {
      throw new NotFound(`order ${orderId} not found`);
    }
    return view;
  }

  /** Own orders for customers; every order for admins: filtered, sorted, one keyset page (order-list.ts). */
  list(viewer: Viewer, q: OrderListQuery): Promise<OrderPage> {
    return listOrders(this.db, viewer, q);
  }

  /** The aggregate itself (addresses, payment, shipment, the full history): the admin's order page. */
  async state(orderId: string): Promise<OrderState | null> {
    return (await loadStates(this.sql, orderStore, [orderId], false)).get(orderId) ?? null;
  }

  /** The order's pending durable timers (reservation expiry, handling time, ...) and when each fires, soonest first. */
  async timers(orderId: string): Promise<PendingTimer[]> {
    return this.sql.query<PendingTimer>(
      `SELECT name, to_char(fire_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
         FROM runtime.timers WHERE kind = 'order' AND key = $1 ORDER BY fire_at`, [orderId]);
  }

  /**
   * What the customer's order page shows beside the read model: the delivery address, and
   * the pending deadlines - handing to the carrier (the last moment to cancel) and the
   * reservation's expiry (the last moment to pay a declined order).
   */
  async deliveryFacts(orderId: string): Promise<{ shippingAddress: Address; cancelUntil?: string; reservedUntil?: string } | null> {
    const [s, timers] = await Promise.all([this.state(orderId), this.timers(orderId)]);
    if (!s) return null;
    const at = (name: string) => timers.find((t) => t.name === name)?.at;
    const cancelUntil = at("handlingElapsed");
    const reservedUntil = at("reservationExpiry");
    return { shippingAddress: s.shippingAddress, ...(cancelUntil ? { cancelUntil } : {}), ...(reservedUntil ? { reservedUntil } : {}) };
  }

  /**
   * The read model, or - in the moment before the projector has seen a new order - the
   * aggregate itself, so a page opened right after checkout never 404s.
   */
  async find(orderId: string): Promise<OrderView | null> {
    const [row] = await this.db.select({ view: orderViews.view }).from(orderViews).where(eq(orderViews.id, orderId));
    if (row) return row.view as OrderView;
    const s = (await loadStates(this.sql, orderStore, [orderId], false)).get(orderId);
    return s ? viewOf(s) : null;
  }
}

function viewOf(s: OrderState): OrderView {
  return {
    orderId: s.orderId, customerId: s.customerId, status: s.status, items: s.items, total: s.total,
    currency: s.currency, ...(s.fxRate ? { fxRate: s.fxRate } : {}), createdAt: s.createdAt, updatedAt: s.updatedAt,
    timeline: s.history.map(({ status, at, reason, code, details }) => ({ status, at, reason, ...(code ? { code } : {}), details })),
    ...(s.allocations ? { allocations: s.allocations } : {}), ...(s.parcels ? { parcels: s.parcels } : {}),
  };
}
