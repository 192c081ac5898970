/** The console's front page: what needs an admin now, and the latest actions taken. */
import type { AuditEntry } from "../../actors/ops/audit.ts";
import { formatTime } from "../format.ts";
import type { Shell } from "../layout.tsx";
import { AdminLayout } from "./admin-layout.tsx";

type Props = { shell: Shell; parked: number; recent: AuditEntry[] };

export function OverviewPage({ shell, parked, recent }: Props) {
  return (
    <AdminLayout title="Overview" shell={shell} section="/admin">
      <h1>Admin</h1>
      <div class="admin-cards">
        <section class="card" aria-labelledby="dl-title">
          <h2 id="dl-title">Dead letters</h2>
          <p class="figure">{parked}</p>
          <p class="muted">{parked === 1 ? "message" : "messages"} parked after failing every try, waiting for a replay or a discard.</p>
          <a href="/admin/dead-letters?state=waiting">Review dead letters</a>
        </section>
        <section class="card" aria-labelledby="recent-title">
          <h2 id="recent-title">Latest admin actions</h2>
          {recent.length === 0 ? <p class="muted">No admin action yet.</p> : (
            <ul class="plain">
              {recent.map((e) => (
                <li>
                  <time dateTime={e.at.toISOString()}>{formatTime(e.at.toISOString())}</time>{" "}
                  {e.adminName}: <code>{e.action}</code> {e.objectType} <span class="order-id">{e.objectId}</span> ({e.outcome})
                </li>
              ))}
            </ul>
          )}
          <a href="/admin/audit">The whole audit log</a>
        </section>
      </div>
    </AdminLayout>
  );
}
