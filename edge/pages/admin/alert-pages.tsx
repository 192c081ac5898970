/**
 *   GET  /admin/alerts?kind=&before=          the open alerts, 50 per page, live
 *   GET  /admin/alerts/stream?kind=&before=   SSE: the list again on every change
 *   GET  /admin/alerts/live                   SSE: the navigation's count and newest alerts on every change
 *   POST /admin/alerts/:id/acknowledge        reason (optional) -> 303 back to the list
 *
 * and `withAlerts`, which puts the open alerts into every admin page's shell.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { render } from "preact-render-to-string";
import { z } from "zod";
import { subjects } from "../../../actors/contracts/subjects.ts";
import type { AlertKind } from "../../../actors/ops/alert-rules.ts";
import type { Alerts } from "../../../actors/ops/alerts.ts";
import type { PubSub } from "../../../actors/runtime/pubsub.ts";
import { AlertWatchUpdate } from "../../../views/admin/alert-watch.tsx";
import { AlertListUpdate, AlertsPage } from "../../../views/admin/alerts-page.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import type { AuthEnv } from "../../auth/auth.ts";
import { auditedAlertAck, type AdminActionDeps } from "../../http/admin-actions.ts";
import { AckReason, AlertKindField, alertIdOf } from "../../http/alert-params.ts";
import { formBody } from "../../http/form.ts";
import { blankIsAny } from "../../http/query-fields.ts";
import { refreshStream } from "../../http/refresh-stream.ts";
import { recentReads } from "../../http/shared-read.ts";
import { query } from "../../http/validate.ts";

const PAGE_SIZE = 50;

const ListParams = z.object({
  kind: AlertKindField,
  before: blankIsAny(z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)),
  acknowledged: blankIsAny(z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)),
});
const AckForm = z.object({ reason: AckReason, kind: AlertKindField });

export type AlertPageDeps = AdminActionDeps & { pubsub: PubSub };

/** How old the shell's alerts may be when no change was heard: the bound on one announced to another edge only. */
const SHELL_ALERTS_MS = 5_000;

/**
 * Every admin page's shell carries the open alerts (read only when a page renders its
 * shell). One read serves every admin of the process until an alert changes: each change
 * is announced on `ops.alerts`.
 */
export function withAlerts(alerts: Pick<Alerts, "summary">, pubsub: PubSub): MiddlewareHandler<AuthEnv> {
  const summary = recentReads(() => alerts.summary(), { maxAgeMs: SHELL_ALERTS_MS });
  pubsub.subscribe(subjects.alerts, () => summary.clear());
  return async (c, next) => {
    const shell = c.get("shell");
    c.set("shell", async (extra = {}) => {
      const [own, open] = await Promise.all([shell(extra), summary.get(null)]);
      return { ...own, alerts: open };
    });
    await next();
  };
}

export function alertPages(deps: AlertPageDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { alerts } = deps;

  app.get("/admin/alerts", async (c) => {
    const p = query(c, ListParams);
    const page = (
      <AlertsPage shell={await c.get("shell")()} streamUrl={`/admin/alerts/stream${search(p.kind, p.before)}`}
        acknowledged={p.acknowledged} {...await listOf(p.kind, p.before)} />
    );
    return c.html(renderDocument(page));
  });

  app.get("/admin/alerts/stream", (c) => {
    const p = query(c, ListParams);
    return refreshStream(c, deps.pubsub, subjects.alerts, async () => render(<AlertListUpdate {...await listOf(p.kind, p.before)} />));
  });

  app.get("/admin/alerts/live", (c) =>
    refreshStream(c, deps.pubsub, subjects.alerts, async () => render(<AlertWatchUpdate summary={await alerts.summary()} />)));

  app.post("/admin/alerts/:id/acknowledge", async (c) => {
    const id = alertIdOf(c);
    const { reason, kind } = AckForm.parse(await formBody(c));
    await auditedAlertAck(deps, c.get("user")!, id, reason);
    const q = new URLSearchParams(search(kind).slice(1));
    q.set("acknowledged", String(id));
    return c.redirect(`/admin/alerts?${q}`, 303);
  });

  async function listOf(kind?: AlertKind, before?: number) {
    const [{ alerts: page, next }, counts] = await Promise.all([alerts.page({ kind, before, limit: PAGE_SIZE }), alerts.counts()]);
    return {
      alerts: page, counts, kind,
      older: next === null ? null : `/admin/alerts${search(kind, next)}`,
      newest: before === undefined ? null : `/admin/alerts${search(kind)}`,
    };
  }

  return app;
}

/** The filter (and cursor) as a query string, "" when empty. */
function search(kind?: AlertKind, before?: number): string {
  const q = new URLSearchParams();
  if (kind) q.set("kind", kind);
  if (before !== undefined) q.set("before", String(before));
  return q.size ? `?${q}` : "";
}
