/**
 *   GET /admin          the dashboard: now, today, the last 30 days, charts, latest actions
 *   GET /admin/stream   SSE: the dashboard at once, then again whenever orders move, stock
 *                       changes, letters are parked or alerts change, at most every DASHBOARD_EVERY_MS (a burst
 *                       of orders is one render); every admin of the process shares the reads
 *                       and their renders
 *
 * Orders' moves come on `orders.all`, which every edge hears (NATS in distributed mode),
 * so a dashboard follows orders whatever process committed them.
 */
import { Hono } from "hono";
import { render } from "preact-render-to-string";
import { subjects } from "../../../actors/contracts/subjects.ts";
import type { Alerts } from "../../../actors/ops/alerts.ts";
import type { AuditLog } from "../../../actors/ops/audit.ts";
import type { DeadLetters } from "../../../actors/ops/dead-letters.ts";
import type { Dashboard } from "../../../actors/orders/dashboard.ts";
import type { PubSub } from "../../../actors/runtime/pubsub.ts";
import { dashboardRegion, DashboardUpdate, OverviewPage } from "../../../views/admin/overview-page.tsx";
import { renderDocument } from "../../../views/layout.tsx";
import type { AuthEnv } from "../../auth/auth.ts";
import { refreshStream } from "../../http/refresh-stream.ts";
import { sharedRead } from "../../http/shared-read.ts";
import { openStreams } from "../../http/sse.ts";

/**
 * The shortest time between two renders of one admin's dashboard: short enough that a
 * move shows within a blink (a change waits for the period's end at worst, so it adds to
 * commit -> dashboard), long enough that a burst of orders is a few shared reads.
 */
export const DASHBOARD_EVERY_MS = 100;
/**
 * How old the figures of a page load may be: admins loading the page together share a read.
 * Its stream renders once as it opens, with figures read since, and then after each change.
 */
const PAGE_FRESH_MS = 500;

export type DashboardPageDeps = { dashboard: Dashboard; deadLetters: DeadLetters; audit: AuditLog; alerts: Pick<Alerts, "stalledSagas">; pubsub: PubSub };

export function dashboardPages(deps: DashboardPageDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  // every admin of this process shares the reads
  const figures = sharedRead(async () => {
    const [f, parked, stalledSagas, recent] = await Promise.all([
      deps.dashboard.figures(), deps.deadLetters.waiting(), deps.alerts.stalledSagas(), deps.audit.list({ limit: 8 }),
    ]);
    return { figures: f, parked, stalledSagas, recent: recent.entries };
  });
  // the region holds nothing of its admin: one render per read serves every page load and stream
  const rendered = new WeakMap<object, { region: string; update: string }>();
  const region = async (since: number) => {
    const shared = await figures(since);
    let html = rendered.get(shared);
    if (html === undefined) {
      const region = dashboardRegion({ ...shared, streams: openStreams() });
      rendered.set(shared, (html = { region, update: render(<DashboardUpdate region={region} />) }));
    }
    return html;
  };

  app.get("/admin", async (c) => {
    const { region: html } = await region(Date.now() - PAGE_FRESH_MS);
    return c.html(renderDocument(<OverviewPage shell={await c.get("shell")()} streamUrl="/admin/stream" region={html} />));
  });

  const update = async (since: number) => (await region(since)).update;
  app.get("/admin/stream", (c) => refreshStream(c, deps.pubsub, [subjects.allOrders, subjects.deadLetters, subjects.stockLevels, subjects.alerts],
    update, { everyMs: DASHBOARD_EVERY_MS, initial: true }));
  return app;
}
