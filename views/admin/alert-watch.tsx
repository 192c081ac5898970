/**
 * What every admin page shows of the open alerts: a count beside "Alerts" in the console's
 * navigation and the newest few, each linking to what it is about. Both follow live: the
 * navigation listens to /admin/alerts/live, which sends them again, as <hx-partial>s, on
 * every change.
 */
import { ALERT_KIND_LABELS, alertLink, type AlertSummary } from "../../actors/ops/alert-rules.ts";

export type { AlertSummary };

export const ALERT_COUNT_ID = "alert-count";
export const ALERT_STRIP_ID = "alert-strip";
export const ALERT_STREAM = "/admin/alerts/live";

/** The count beside "Alerts" in the navigation; nothing when there is nothing open. */
export function AlertCount({ open }: { open: number }) {
  return (
    <span id={ALERT_COUNT_ID}>
      {open > 0 && <span class="badge badge-problem alert-count">{open}<span class="visually-hidden"> open</span></span>}
    </span>
  );
}

/** The newest open alerts under the navigation, each a link to its order, letter or product. */
export function AlertStrip({ summary }: { summary: AlertSummary }) {
  const more = summary.open - summary.latest.length;
  return (
    // polite: a screen reader hears a new alert when it is done speaking, and morphing keeps the region in place
    <div id={ALERT_STRIP_ID} aria-live="polite">
      {summary.latest.length > 0 && (
        <section class="alert-strip" aria-label="Open alerts">
          <ul>
            {summary.latest.map((a) => (
              <li>
                <span class="badge badge-problem">{ALERT_KIND_LABELS[a.kind]}</span>{" "}
                <a href={alertLink(a.kind, a.subject)}>{a.summary}</a>
              </li>
            ))}
          </ul>
          <a href="/admin/alerts" class="alert-all">{more > 0 ? `All ${summary.open} open alerts` : "Review alerts"}</a>
        </section>
      )}
    </div>
  );
}

/** What the live stream sends: the count and the strip, each swapped in place. */
export function AlertWatchUpdate({ summary }: { summary: AlertSummary }) {
  return (
    <>
      <hx-partial hx-target={`#${ALERT_COUNT_ID}`} hx-swap="outerMorph"><AlertCount open={summary.open} /></hx-partial>
      <hx-partial hx-target={`#${ALERT_STRIP_ID}`} hx-swap="outerMorph"><AlertStrip summary={summary} /></hx-partial>
    </>
  );
}
