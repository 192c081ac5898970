/**
 * The console's front page, the dashboard: what needs an admin now, today's and the last
 * 30 days' sales, charts of revenue, orders and the best sellers, and the latest admin
 * actions. One live region holds it all: the stream sends it again, wrapped in
 * <hx-partial>, when orders move (at most every few seconds).
 */
import type { AuditEntry } from "../../actors/ops/audit.ts";
import type { DashboardFigures } from "../../actors/orders/dashboard.ts";
import { STATUS_GROUP } from "../../actors/orders/figures.ts";
import { render } from "preact-render-to-string";
import { formatMoney, formatTime } from "../format.ts";
import type { Shell } from "../layout.tsx";
import { AdminLayout } from "./admin-layout.tsx";
import { BarChart, ColumnChart, type Point } from "./charts.tsx";

export const DASHBOARD_REGION = "dashboard-live";

export type DashboardProps = {
  figures: DashboardFigures;
  /** dead letters waiting for an admin */
  parked: number;
  /** sagas flagged stalled by their timers (actors/order-stall.ts) and not moved since */
  stalledSagas: number;
  /** live streams (SSE) open on the server that rendered the page */
  streams: number;
  recent: AuditEntry[];
};

export function OverviewPage({ shell, streamUrl, region }: { shell: Shell; streamUrl: string; region: string }) {
  return (
    <AdminLayout title="Dashboard" shell={shell} section="/admin">
      <div {...{ "hx-sse:connect": streamUrl, "hx-swap": "none" }}>
        <h1>Dashboard</h1>
        <DashboardRegion region={region} />
      </div>
    </AdminLayout>
  );
}

/** What the stream sends: the whole region, swapped in place. */
export function DashboardUpdate({ region }: { region: string }) {
  return (
    <hx-partial hx-target={`#${DASHBOARD_REGION}`} hx-swap="outerMorph">
      <DashboardRegion region={region} />
    </hx-partial>
  );
}

/** The live region around its contents, rendered already (`dashboardRegion`). */
function DashboardRegion({ region }: { region: string }) {
  return <div id={DASHBOARD_REGION} dangerouslySetInnerHTML={{ __html: region }} />;
}

/**
 * The region's contents as HTML: nothing in it is the viewing admin's, so one render per read
 * serves the page loads and every stream.
 */
export const dashboardRegion = (props: DashboardProps): string => render(<DashboardContents {...props} />);

const usd = (cents: number) => formatMoney(cents, "USD");
const count = (n: number) => n.toLocaleString("en-US");
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

function DashboardContents({ figures: f, parked, stalledSagas, streams, recent }: DashboardProps) {
  return (
    <>
      <p class="muted live-note">
        Live: figures as of <time dateTime={f.at}>{formatTime(f.at)}</time>; days and hours are UTC, money in USD.
      </p>
      <section aria-labelledby="now-title">
        <h2 id="now-title">Now</h2>
        <div class="tiles">
          <Tile label="Orders in flight" value={count(f.inFlight)} note="placed, not yet shipped or closed" />
          <Tile label="Failed, waiting for an admin" value={count(f.needsAdmin)} tone={f.needsAdmin > 0 ? "problem" : undefined}
            note="a saga step failed: retry or compensate" />
          <Tile label="Stalled sagas" value={count(stalledSagas)} tone={stalledSagas > 0 ? "problem" : undefined}
            note={<a href="/admin/alerts?kind=stalled">in one status longer than they should be</a>} />
          <Tile label="Dead letters" value={count(parked)} tone={parked > 0 ? "problem" : undefined}
            note={<a href="/admin/dead-letters?state=waiting">{parked === 1 ? "message" : "messages"} waiting for a replay or a discard</a>} />
          <Tile label="Low on stock" value={count(f.lowStock.length)} tone={f.lowStock.length > 0 ? "warn" : undefined}
            note={<a href="/admin/stock?low=1">{f.lowStock.length === 1 ? "product" : "products"} under their low-stock threshold</a>} />
          <Tile label="Customers signed in" value={count(f.sessions)} note={`${plural(streams, "live stream", "live streams")} open on this server`} />
        </div>
        <div class="charts">
          <BarChart id="chart-flight" title="Sagas in flight and waiting, by state" columns={["State", "Orders"]} empty="No saga in flight."
            desc={`Orders whose saga has not finished, by the state it is in: ${plural(f.inFlight, "order", "orders")} moving, ${count(f.needsAdmin)} waiting for an admin.`}
            points={statusPoints(f, ["in flight", "needs an admin"])} />
          <section class="card" aria-labelledby="low-title">
            <h2 id="low-title">Low on stock</h2>
            {f.lowStock.length === 0 ? <p class="muted">Every product is at or over its low-stock threshold.</p> : (
              <ul class="plain">
                {f.lowStock.slice(0, 8).map((p) => <li><a href={`/admin/stock/${encodeURIComponent(p.sku)}`}>{p.name}</a> <span class="muted">({p.sku})</span>: <strong>{plural(p.available, "unit", "units")}</strong> available <span class="muted">(threshold {p.threshold})</span></li>)}
                {f.lowStock.length > 8 && <li class="muted">and {plural(f.lowStock.length - 8, "more product", "more products")}</li>}
              </ul>
            )}
          </section>
        </div>
      </section>
      <section aria-labelledby="sales-title">
        <h2 id="sales-title">Sales: today, and the last 30 days</h2>
        <div class="tiles">
          <Tile label="Orders" value={count(f.today.orders)} note={`30 days: ${count(f.month.orders)}`} />
          <Tile label="Revenue" value={usd(f.today.revenueCents)} note={`30 days: ${usd(f.month.revenueCents)}`} />
          <Tile label="Average order" value={usd(f.today.averageCents)} note={`30 days: ${usd(f.month.averageCents)}`} />
          <Tile label="New customers" value={count(f.today.newCustomers)} note={`30 days: ${count(f.month.newCustomers)}`} />
          <Tile label="Cancellations" value={count(f.today.cancellations)} note={`30 days: ${count(f.month.cancellations)}`} />
          <Tile label="Refunds" value={count(f.today.refunds)} note={`30 days: ${count(f.month.refunds)}`} />
        </div>
        <p class="muted small">Revenue and the average order count the orders placed that day whose payment the shop holds (authorized or captured, not refunded); orders placed in another currency count at the rate they were placed with.</p>
      </section>
      <div class="charts">
        <ColumnChart id="chart-revenue" title="Revenue per day, last 30 days" columns={["Day", "Revenue"]} labelEvery={7}
          desc={`Revenue of each of the last 30 days, ${usd(f.month.revenueCents)} in all; today ${usd(f.today.revenueCents)}.`}
          points={f.days.map((d) => ({ label: dayLabel(d.day), value: d.revenueCents, text: usd(d.revenueCents) }))} axis={compactUsd} />
        <ColumnChart id="chart-hours" title="Orders per hour, today" columns={["Hour (UTC)", "Orders"]} labelEvery={6}
          desc={`Orders placed in each hour of today, ${plural(f.today.orders, "order", "orders")} in all.`}
          points={f.hours.map((h) => ({ label: `${String(h.hour).padStart(2, "0")}:00`, value: h.orders, text: count(h.orders) }))} axis={(v) => count(v)} whole />
        <BarChart id="chart-status" title="Orders by status" columns={["Status", "Orders"]}
          desc={`Every order by where its saga stands: ${plural(f.inFlight, "order", "orders")} in flight, ${count(f.needsAdmin)} waiting for an admin.`}
          points={statusPoints(f, ["in flight", "needs an admin", "done"])} empty="No order yet." />
        <BarChart id="chart-top" title="Top products this week" columns={["Product", "Units sold"]}
          desc={f.topProducts.length === 0 ? "No product sold in the last 7 days." : `The best sellers of the last 7 days by units: ${f.topProducts.map((p) => `${p.name}, ${p.units}`).join("; ")}.`}
          points={f.topProducts.map((p) => ({ label: p.name, value: p.units, text: count(p.units) }))} empty="Nothing sold this week." />
      </div>
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
    </>
  );
}

function Tile({ label, value, note, tone }: { label: string; value: string; note: preact.ComponentChildren; tone?: "problem" | "warn" }) {
  return (
    <div class={tone ? `tile tile-${tone}` : "tile"} data-tile={label}>
      <h3>{label}</h3>
      <p class="figure">{value}</p>
      <p class="muted small">{note}</p>
    </div>
  );
}

/** A status as a label: "PAYMENT_FAILED" reads "Payment failed". */
const statusLabel = (s: string) => s.charAt(0) + s.slice(1).toLowerCase().replaceAll("_", " ");

type Group = (typeof STATUS_GROUP)[keyof typeof STATUS_GROUP];

/** Statuses of `groups` with orders, in the groups' order (in flight, waiting for an admin, done). */
function statusPoints(f: DashboardFigures, order: Group[]): Point[] {
  return f.statuses.filter((s) => s.orders > 0 && order.includes(STATUS_GROUP[s.status]))
    .sort((a, b) => order.indexOf(STATUS_GROUP[a.status]) - order.indexOf(STATUS_GROUP[b.status]))
    .map((s) => ({ label: statusLabel(s.status), value: s.orders, text: count(s.orders), tone: STATUS_GROUP[s.status].replaceAll(" ", "-") }));
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** "2026-12-05" -> "5 Dec" */
const dayLabel = (day: string) => `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]}`;

/** Axis money: $0, $500, $1.5k, $20k (whole dollars). */
function compactUsd(cents: number): string {
  const dollars = cents / 100;
  if (dollars >= 1000) return `$${(dollars / 1000).toLocaleString("en-US", { maximumFractionDigits: 1 })}k`;
  return `$${dollars.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
}
