/**
 * The parts of the order page that change while the customer watches. The page renders
 * each region in place; the SSE stream sends the same regions wrapped in <hx-partial>,
 * so the markup cannot drift between first paint and live updates.
 */
import { canCancel } from "../../actors/order-commands.ts";
import type { OrderView } from "../../actors/contracts/order-view.ts";
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
 * The cancel button, present only while the order domain's Cancel rule allows it; the
 * stream re-renders it, so it disappears the moment the order ships.
 */
export function CancelRegion({ view }: { view: OrderView }) {
  return (
    <div id={CANCEL_REGION} class="order-cancel">
      {canCancel(view.status) && (
        <form method="post" action={`/orders/${encodeURIComponent(view.orderId)}/cancel`}>
          <button type="submit" class="danger">Cancel order</button>
        </form>
      )}
    </div>
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
    </>
  );
}
