/** The order's history, oldest first, as the projector recorded it. */
import type { ViewEntry } from "../../actors/contracts/order-view.ts";
import { formatTime } from "../format.ts";
import { STATUS_TEXT } from "./order-status.tsx";

/** An ordered list of status changes with their reason and time. */
export function Timeline({ entries }: { entries: ViewEntry[] }) {
  return (
    <ol class="timeline">
      {entries.map((entry) => (
        <li class={`tone-${STATUS_TEXT[entry.status].tone}`}>
          <strong>{STATUS_TEXT[entry.status].label}</strong>
          {entry.reason && <span class="reason">{entry.reason}</span>}
          <time dateTime={entry.at}>{formatTime(entry.at)}</time>
        </li>
      ))}
    </ol>
  );
}
