/**
 * The open alerts, newest first, filtered by kind: each links to what it is about and can
 * be acknowledged with an optional reason for the audit log. The list region is live (the
 * SSE stream sends it again whenever an alert opens, is acknowledged or resolves).
 */
import { ALERT_KIND_LABELS, ALERT_KINDS, alertLink, type AlertKind } from "../../actors/ops/alert-rules.ts";
import type { Alert, AlertCounts } from "../../actors/ops/alerts.ts";
import { formatTime } from "../format.ts";
import type { Shell } from "../layout.tsx";
import { AdminLayout } from "./admin-layout.tsx";

export const ALERT_LIST_REGION = "alert-list";

type ListProps = {
  alerts: Alert[];
  counts: AlertCounts;
  /** the next (older) page's address, or null on the last page */
  older: string | null;
  newest: string | null;
  /** the kind filtered on, kept by an acknowledgement's return */
  kind?: AlertKind;
};

type PageProps = ListProps & { shell: Shell; streamUrl: string; acknowledged?: number };

const LINK_TEXT: Record<AlertKind, string> = {
  stalled: "Open the order", failed: "Open the order", deadLetter: "Review the letter", lowStock: "Restock it",
};

export function AlertsPage({ shell, streamUrl, acknowledged, ...list }: PageProps) {
  const { kind } = list;
  return (
    <AdminLayout title="Alerts" shell={shell} section="/admin/alerts">
      <section class="card" aria-labelledby="alerts-title" {...{ "hx-sse:connect": streamUrl, "hx-swap": "none" }}>
        <h1 id="alerts-title">Alerts</h1>
        <p class="muted">
          What needs an admin: a saga stalled or failed, a dead letter, a product running low. An alert closes by
          itself once that is over; <strong>acknowledge</strong> takes it off this list meanwhile. The list follows live.
        </p>
        {acknowledged !== undefined && <p class="notice" role="status">Alert {acknowledged} acknowledged.</p>}
        <form method="get" action="/admin/alerts" class="filters" role="search" aria-label="Filter the alerts">
          <label>
            Kind
            <select name="kind">
              <option value="" selected={kind === undefined}>Any</option>
              {ALERT_KINDS.map((k) => <option value={k} selected={k === kind}>{ALERT_KIND_LABELS[k]}</option>)}
            </select>
          </label>
          <button type="submit">Filter</button>
          <a href="/admin/alerts">Clear</a>
        </form>
        <AlertList {...list} />
      </section>
    </AdminLayout>
  );
}

/** What the stream sends: the list region, swapped in place. */
export function AlertListUpdate(props: ListProps) {
  return (
    <hx-partial hx-target={`#${ALERT_LIST_REGION}`} hx-swap="outerMorph">
      <AlertList {...props} />
    </hx-partial>
  );
}

/** The live region: the counts, the table and its pager, as the page and the stream render them. */
export function AlertList({ alerts, counts, older, newest, kind }: ListProps) {
  return (
    <div id={ALERT_LIST_REGION}>
      <p>
        {counts.total === 0 ? "Nothing is open." : `${counts.total} open: `}
        {ALERT_KINDS.filter((k) => counts.byKind[k]).map((k, i) => `${i > 0 ? ", " : ""}${counts.byKind[k]} ${ALERT_KIND_LABELS[k].toLowerCase()}`).join("")}
      </p>
      {alerts.length > 0 && (
        <div class="table-scroll">
          <table class="admin-table">
            <thead>
              <tr><th scope="col">#</th><th scope="col">Opened (UTC)</th><th scope="col">Kind</th><th scope="col">What</th><th scope="col">Acknowledge</th></tr>
            </thead>
            <tbody>{alerts.map((a) => <AlertRow alert={a} kind={kind} />)}</tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages" class="pager">
        {newest && <a href={newest}>Newest</a>}
        {older && <a href={older}>Older alerts</a>}
      </nav>
    </div>
  );
}

function AlertRow({ alert: a, kind }: { alert: Alert; kind?: AlertKind }) {
  const reasonId = `ack-reason-${a.id}`;
  return (
    <tr>
      <td>{a.id}</td>
      <td><time dateTime={a.openedAt.toISOString()}>{formatTime(a.openedAt.toISOString())}</time></td>
      <td><span class="badge badge-problem">{ALERT_KIND_LABELS[a.kind]}</span></td>
      <td class="reason">
        {a.summary}
        <a class="detail" href={alertLink(a.kind, a.subject)}>{LINK_TEXT[a.kind]}<span class="visually-hidden">: {a.subject}</span></a>
      </td>
      <td>
        <form method="post" action={`/admin/alerts/${a.id}/acknowledge`} class="ack-form">
          {kind && <input type="hidden" name="kind" value={kind} />}
          <label for={reasonId} class="visually-hidden">Reason for acknowledging alert {a.id} (optional)</label>
          <input id={reasonId} name="reason" maxLength={500} placeholder="Reason (optional)" />
          <button type="submit">Acknowledge<span class="visually-hidden"> alert {a.id}</span></button>
        </form>
      </td>
    </tr>
  );
}
