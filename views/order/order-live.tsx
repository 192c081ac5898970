/**
 * The parts of the order page that change while the customer watches. The page renders
 * each region in place; the SSE stream sends the same regions wrapped in <hx-partial>,
 * so the markup cannot drift between first paint and live updates.
 */
import { canCancel } from "../../actors/order-commands.ts";
import type { OrderView } from "../../actors/contracts/order-view.ts";
import { DEADLINE_REGION, DeadlineRegion, PARCELS_REGION, ParcelsRegion } from "./order-details.tsx";
import { statusNote } from "./order-note.ts";
import { StatusBadge } from "./order-status.tsx";
import { Timeline } from "./timeline.tsx";

declare module "preact" {
  namespace JSX {
    interface IntrinsicElements {
      /** htmx 4 partial: core rewrites it to <template hx type="partial"> and swaps it into hx-target. */
      "hx-partial": { "hx-target": string; "hx-swap": string; children?: ComponentChildren };
    }
  }
}

export const STATUS_REGION = "order-status";
export const TIMELINE_REGION = "order-timeline";
export const CANCEL_REGION = "order-cancel";

/**
 * The SSE event id of a view. The timeline only grows (one entry per status change), so
 * its length orders views; a client resuming with Last-Event-ID n has seen everything up to n.
 */
export const eventIdOf = (view: OrderView): number => view.timeline.length;

/**
 * The current status and, when something went wrong or money goes back, what it means for
 * the customer; a polite live region so screen readers announce changes.
 */
export function StatusRegion({ view }: { view: OrderView }) {
  const note = statusNote(view);
  return (
    <div id={STATUS_REGION} class="status" role="status">
      <StatusBadge status={view.status} />
      {note && <p class="status-note">{note}</p>}
    </div>
  );
}

/**
 * The customer's actions: after a declined card, a form to pay with another one; the cancel
 * button while the order domain's Cancel rule allows it. The stream re-renders both, so the
 * card form appears the moment a payment is declined and the cancel button goes when the
 * order ships.
 */
export function CancelRegion({ view }: { view: OrderView }) {
  return (
    <div id={CANCEL_REGION} class="order-cancel">
      {view.status === "PAYMENT_FAILED" && <PayAgainForm orderId={view.orderId} />}
      {canCancel(view.status) && (
        <form method="post" action={`/orders/${encodeURIComponent(view.orderId)}/cancel`}>
          <button type="submit" class="danger">Cancel order</button>
        </form>
      )}
    </div>
  );
}

/** Another card for a declined order; the simulator's numbers are listed at checkout ("Test cards"). */
function PayAgainForm({ orderId }: { orderId: string }) {
  return (
    <form method="post" action={`/orders/${encodeURIComponent(orderId)}/pay`} class="pay-again">
      <label for="pay-again-card">Pay with another card</label>
      <input id="pay-again-card" name="card" type="text" inputMode="numeric" autocomplete="cc-number" required
        maxLength={23} aria-describedby="pay-again-hint" />
      <p id="pay-again-hint" class="muted">Card number, as at checkout. Nothing was charged on the declined card.</p>
      <button type="submit">Pay now</button>
    </form>
  );
}

/** The order history. */
export function TimelineRegion({ view }: { view: OrderView }) {
  return (
    <div id={TIMELINE_REGION}>
      <Timeline entries={view.timeline} />
    </div>
  );
}

/**
 * One SSE message body: every live region as a partial. outerMorph keeps the region's
 * element (and so the live region) in the document and changes only what differs.
 */
export function OrderUpdate({ view }: { view: OrderView }) {
  return (
    <>
      <hx-partial hx-target={`#${STATUS_REGION}`} hx-swap="outerMorph">
        <StatusRegion view={view} />
      </hx-partial>
      <hx-partial hx-target={`#${TIMELINE_REGION}`} hx-swap="outerMorph">
        <TimelineRegion view={view} />
      </hx-partial>
      <hx-partial hx-target={`#${CANCEL_REGION}`} hx-swap="outerMorph">
        <CancelRegion view={view} />
      </hx-partial>
      <hx-partial hx-target={`#${DEADLINE_REGION}`} hx-swap="outerMorph">
        <DeadlineRegion view={view} />
      </hx-partial>
      <hx-partial hx-target={`#${PARCELS_REGION}`} hx-swap="outerMorph">
        <ParcelsRegion view={view} />
      </hx-partial>
    </>
  );
}
