/** The audit log: every admin action, newest first, filterable by admin, action, object and date. */
import type { AuditEntry } from "../../actors/ops/audit.ts";
import { formatTime } from "../format.ts";
import type { Shell } from "../layout.tsx";
import { AdminLayout } from "./admin-layout.tsx";
import { Choice } from "./choice.tsx";

export type AuditQuery = { adminId?: string; action?: string; objectType?: string; objectId?: string; from?: string; to?: string };

type Props = {
  shell: Shell;
  entries: AuditEntry[];
  query: AuditQuery;
  choices: { admins: { id: string; name: string }[]; actions: string[] };
  /** the next (older) page's address, or null on the last page */
  older: string | null;
  /** the first page's address when this is a later one */
  newest: string | null;
};

const OBJECT_TYPES = ["order", "product", "dead-letter", "alert", "account", "category", "message"];
const OUTCOME_TONE = { done: "success", refused: "problem", pending: "neutral" } as Record<string, string>;

export function AuditPage({ shell, entries, query, choices, older, newest }: Props) {
  return (
    <AdminLayout title="Audit log" shell={shell} section="/admin/audit">
      <section class="card" aria-labelledby="audit-title">
        <h1 id="audit-title">Audit log</h1>
        <p class="muted">Every admin action: written before it runs, then marked done or refused. "Pending" means the action may not have finished.</p>
        <AuditFilter query={query} choices={choices} />
        {entries.length === 0 ? <p>No actions match.</p> : <AuditTable entries={entries} />}
        <nav aria-label="Pages" class="pager">
          {newest && <a href={newest}>Newest</a>}
          {older && <a href={older}>Older actions</a>}
        </nav>
      </section>
    </AdminLayout>
  );
}

function AuditFilter({ query, choices }: Pick<Props, "query" | "choices">) {
  return (
    <form method="get" action="/admin/audit" class="filters" role="search" aria-label="Filter the audit log">
      <Choice label="Admin" name="admin" selected={query.adminId} options={choices.admins.map((a) => [a.id, a.name])} />
      <Choice label="Action" name="action" selected={query.action} options={choices.actions.map((a) => [a, a])} />
      <Choice label="Object" name="type" selected={query.objectType} options={OBJECT_TYPES.map((t) => [t, t])} />
      <label>
        Object id
        <input name="object" value={query.objectId ?? ""} maxLength={200} />
      </label>
      <label>
        From
        <input type="date" name="from" value={query.from ?? ""} />
      </label>
      <label>
        To (inclusive)
        <input type="date" name="to" value={query.to ?? ""} />
      </label>
      <button type="submit">Filter</button>
      <a href="/admin/audit">Clear</a>
    </form>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <div class="table-scroll">
      <table class="admin-table">
        <thead>
          <tr><th scope="col">When (UTC)</th><th scope="col">Admin</th><th scope="col">Action</th><th scope="col">Object</th><th scope="col">State</th><th scope="col">Outcome</th><th scope="col">Reason</th></tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr>
              <td><time dateTime={e.at.toISOString()}>{formatTime(e.at.toISOString())}</time></td>
              <td>{e.adminName}</td>
              <td><code>{e.action}</code></td>
              <td><ObjectLink type={e.objectType} id={e.objectId} /></td>
              <td><StateChange from={e.fromState} to={e.toState} /></td>
              <td>
                <span class={`badge badge-${OUTCOME_TONE[e.outcome] ?? "neutral"}`}>{e.outcome}</span>
                {e.detail && <span class="muted detail">{e.detail}</span>}
              </td>
              <td class="reason">{e.reason || <span class="muted">none given</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ObjectLink({ type, id }: { type: string; id: string }) {
  if (type === "order") return <a class="order-id" href={`/admin/orders/${encodeURIComponent(id)}`}>order {id}</a>;
  if (type === "product") return <a href={`/p/${encodeURIComponent(id)}`}>product {id}</a>;
  if (type === "message") return <a href={`/admin/mail/${encodeURIComponent(id)}`}>message {id}</a>;
  return <span>{type} {id}</span>;
}

/** "from → to"; only what is known: an action refused or unfinished has no state after it. */
function StateChange({ from, to }: { from: string | null; to: string | null }) {
  if (from && to) return <>{from} → {to}</>;
  return <>{from ?? to ?? ""}</>;
}
