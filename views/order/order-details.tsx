/**
 * What the order page says beside its status: where the order goes, the parcels on their
 * way, and until when the customer can still cancel or pay. Times are named in UTC and
 * carry data-local, so views/local-time.js shows them in the reader's zone.
 */
import type { Address, OrderStatus } from "../../actors/contracts/index.ts";
import { WarehouseDetails, type OrderView } from "../../actors/contracts/order-view.ts";
import { formatExactTime } from "../format.ts";

/** What the page knows beyond the read model: the order's address and its pending deadlines (ISO). */
export type OrderDetails = {
  shippingAddress: Address;
  /** when the order is handed to the carrier, so the last moment it can be cancelled */
  cancelUntil?: string;
  /** when the held stock goes back, so the last moment a declined order can still be paid */
  reservedUntil?: string;
};

/** A parcel handed to a carrier, as the SHIPPED entries of the timeline record it; `warehouse` and `items` once orders ship per warehouse. */
export type Parcel = { carrier: string; trackingNumber: string; at: string; warehouse?: string; items?: { sku: string; qty: number }[] };

/** Statuses after which nothing changes any more: the page stops asking to be refreshed. */
const FINAL: ReadonlySet<OrderStatus> = new Set(["DELIVERED", "CANCELLED", "REFUNDED", "INVENTORY_RELEASED", "INVENTORY_FAILED"]);
export const isFinal = (status: OrderStatus): boolean => FINAL.has(status);

/** Every parcel of the order, oldest first: each warehouse's parcel of a SHIPPED entry, or the one tracking number it names. */
export function parcelsOf(view: OrderView): Parcel[] {
  return view.timeline.flatMap((entry): Parcel[] => {
    const { carrier, trackingNumber } = entry.details;
    if (entry.status !== "SHIPPED" || typeof trackingNumber !== "string") return [];
    const held = WarehouseDetails.safeParse(entry.details);
    const parcels = held.success ? held.data.parcels : undefined;
    if (parcels?.length) return parcels.map((p) => ({ ...p, at: entry.at }));
    return [{ carrier: typeof carrier === "string" ? carrier : "the carrier", trackingNumber, at: entry.at }];
  });
}

/** The warehouses an order's stock is held in, in the order it ships from them. */
export const warehousesOf = (view: OrderView): string[] => [...new Set((view.allocations ?? []).map((a) => a.warehouse))];

/** A parcel's contents: `2 × SKU, 1 × SKU`. */
export const contentsOf = (items: { sku: string; qty: number }[]) => items.map((i) => `${i.qty} × ${i.sku}`).join(", ");

/** A time to the second, zone named; the script localizes it when JavaScript runs. */
export function ExactTime({ at }: { at: string }) {
  return <time dateTime={at} data-local="">{formatExactTime(at)}</time>;
}

export const DEADLINE_REGION = "order-deadline";
export const PARCELS_REGION = "order-parcels";

/** Delivery address (when the page could read it) and parcels; the parcels are a live region (see order-live.tsx). */
export function DeliveryFacts({ view, address: a }: { view: OrderView; address?: Address }) {
  return (
    <section class="card order-delivery" aria-labelledby="delivery-heading">
      <h2 id="delivery-heading">Delivery</h2>
      <dl class="facts">
        {a && (
          <>
            <dt>Address</dt>
            <dd>
              <address>
                {a.name}<br />{a.line1}<br />{a.postalCode} {a.city}<br />{a.country}
              </address>
            </dd>
          </>
        )}
        <dt>Parcels</dt>
        <ParcelsRegion view={view} />
      </dl>
    </section>
  );
}

/** The parcels on their way, each with its carrier and tracking number; a note until there is one. */
export function ParcelsRegion({ view }: { view: OrderView }) {
  const parcels = parcelsOf(view);
  const from = warehousesOf(view);
  return (
    <dd id={PARCELS_REGION}>
      {parcels.length === 0 ? (
        <span class="muted">
          Not shipped yet{from.length > 1 ? <>: it leaves in {from.length} parcels, from warehouses {from.join(" and ")}</> : ""}. The carrier and
          tracking number show here once it is.
        </span>
      ) : (
        <ul class="parcels">
          {parcels.map((p) => (
            <li key={p.trackingNumber}>
              {p.warehouse && <>From warehouse <strong>{p.warehouse}</strong>{p.items && <> ({contentsOf(p.items)})</>}: </>}
              {p.carrier}, tracking number <strong class="tracking">{p.trackingNumber}</strong>
              <span class="muted"> (shipped <ExactTime at={p.at} />)</span>
            </li>
          ))}
        </ul>
      )}
    </dd>
  );
}

/** A deadline the order recorded when it entered `status` (its last entry in that status), if any. */
function recorded(view: OrderView, status: OrderStatus, key: string): string | undefined {
  const value = view.timeline.findLast((e) => e.status === status)?.details[key];
  return typeof value === "string" ? value : undefined;
}

/**
 * The deadlines pending now, from what the order recorded with its moves (so the live
 * stream can show them from the view alone); `timers` is the page's read of the order's
 * timers, for an order whose moves recorded none.
 */
export function deadlinesOf(view: OrderView, timers: Partial<OrderDetails> = {}): { reservedUntil?: string; cancelUntil?: string } {
  const holds = view.status === "PAYMENT_FAILED" || view.status === "INVENTORY_RESERVED";
  const reservedUntil = holds ? recorded(view, "INVENTORY_RESERVED", "reservedUntil") ?? timers.reservedUntil : undefined;
  const cancelUntil = view.status === "PAYMENT_AUTHORIZED" ? recorded(view, "PAYMENT_AUTHORIZED", "shipsAt") ?? timers.cancelUntil : undefined;
  return { ...(reservedUntil ? { reservedUntil } : {}), ...(cancelUntil ? { cancelUntil } : {}) };
}

/** Until when the order can still be cancelled, or a declined payment retried; empty once neither applies. */
export function DeadlineRegion({ view, details }: { view: OrderView; details?: Partial<OrderDetails> }) {
  const { reservedUntil, cancelUntil } = deadlinesOf(view, details);
  return (
    <div id={DEADLINE_REGION}>
      {(reservedUntil || cancelUntil) && (
        <p class="deadline">
          {cancelUntil && <>You can cancel until <ExactTime at={cancelUntil} />, when it goes to the carrier.</>}
          {reservedUntil && <>Your items are held for you until <ExactTime at={reservedUntil} />.</>}
        </p>
      )}
    </div>
  );
}

/** Without JavaScript the page does not update itself: it says so, offers a refresh and refreshes while the order moves. */
export function StaleNotice({ view, href }: { view: OrderView; href: string }) {
  if (isFinal(view.status)) return null;
  return (
    <noscript>
      <meta http-equiv="refresh" content="30" />
      <p class="stale-notice" role="note">
        This page does not update by itself without JavaScript, so the status may be out of date. It reloads
        every 30 seconds, or <a href={href}>refresh now</a>.
      </p>
    </noscript>
  );
}
