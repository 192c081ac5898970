/** The order's history, oldest first, as the projector recorded it. */
import type { ViewEntry } from "../../actors/contracts/order-view.ts";
import { ExactTime } from "./order-details.tsx";
import { STATUS_TEXT } from "./order-status.tsx";

/** An ordered list of status changes with their reason and time (to the second). */
export function Timeline({ entries }: { entries: ViewEntry[] }) {
  return (
    <ol class="timeline">
      {entries.map((entry) => (
        <li class={`tone-${STATUS_TEXT[entry.status].tone}`}>
          <strong>{STATUS_TEXT[entry.status].label}</strong>
          {entry.reason && <span class="reason">{entry.reason}</span>}
          <ExactTime at={entry.at} />
        </li>
      ))}
    </ol>
  );
}
