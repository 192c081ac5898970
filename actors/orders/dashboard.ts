/**
 * What the admin dashboard shows, read from the counters the projector keeps (figures.ts)
 * and a few small reads (products under their low-stock threshold, live sessions, the month's sign-ups): a
 * handful of rows whatever the number of orders. Days and hours are UTC.
 */
import { and, asc, count, countDistinct, desc, eq, gt, gte, isNull, sql, sum } from "drizzle-orm";
import type { Db } from "../../db/handles.ts";
import {
  figuresByDay, figuresByHour, figuresByProduct, figuresByStatus, products, refreshTokens, stockTotals, users,
} from "../../db/schema.ts";
import { ORDER_STATUSES, type OrderStatus } from "../contracts/index.ts";
import { STATUS_GROUP } from "./figures.ts";
import { isLow } from "../catalog/stock-sql.ts";

/** The days of the revenue chart and the month's figures, today included. */
export const MONTH_DAYS = 30;
/** The days of the top products, today included. */
export const WEEK_DAYS = 7;

export type Period = {
  orders: number; revenueCents: number; averageCents: number; newCustomers: number; cancellations: number; refunds: number;
};
export type DashboardFigures = {
  /** when the figures were read (ISO) */
  at: string;
  statuses: { status: OrderStatus; orders: number }[];
  inFlight: number;
  needsAdmin: number;
  /** products with fewer available than their own `threshold`, fewest first */
  lowStock: { sku: string; name: string; available: number; threshold: number }[];
  /** customers signed in: session families not revoked, not expired */
  sessions: number;
  today: Period;
  month: Period;
  /** the month, oldest first, every day present */
  days: { day: string; orders: number; revenueCents: number }[];
  /** today's hours 0-23, every hour present */
  hours: { hour: number; orders: number }[];
  /** the week's five best sellers by units */
  topProducts: { sku: string; name: string; units: number; revenueCents: number }[];
};

const DAY_MS = 86_400_000;
const dayText = (t: number) => new Date(t).toISOString().slice(0, 10);

export class Dashboard {
  constructor(private db: Db) {}

  /** Everything the dashboard shows, as of `now`. */
  async figures(now = new Date()): Promise<DashboardFigures> {
    const today = Date.parse(dayText(now.getTime()));
    const monthStart = dayText(today - (MONTH_DAYS - 1) * DAY_MS);
    const weekStart = dayText(today - (WEEK_DAYS - 1) * DAY_MS);
    const [days, hours, statuses, top, low, sessions, signups] = await Promise.all([
      this.db.select().from(figuresByDay).where(gte(figuresByDay.day, monthStart)),
      this.db.select().from(figuresByHour).where(gte(figuresByHour.hour, new Date(today))),
      this.db.select().from(figuresByStatus),
      this.db.select({
        sku: figuresByProduct.sku, name: sql<string>`coalesce(max(${products.name}), ${figuresByProduct.sku})`,
        units: sum(figuresByProduct.units).mapWith(Number), revenueCents: sum(figuresByProduct.revenueCents).mapWith(Number),
      }).from(figuresByProduct).leftJoin(products, eq(products.sku, figuresByProduct.sku))
        .where(gte(figuresByProduct.day, weekStart)).groupBy(figuresByProduct.sku)
        .having(gt(sum(figuresByProduct.units), 0))
        .orderBy(desc(sum(figuresByProduct.units)), desc(sum(figuresByProduct.revenueCents)), asc(figuresByProduct.sku)).limit(5),
      this.db.select({ sku: stockTotals.sku, name: products.name, available: sql<number>`${stockTotals.onHand} - ${stockTotals.reserved}`.mapWith(Number), threshold: products.lowStockThreshold })
        .from(stockTotals).innerJoin(products, eq(products.sku, stockTotals.sku))
        .where(isLow)
        .orderBy(asc(sql`${stockTotals.onHand} - ${stockTotals.reserved}`), asc(stockTotals.sku)),
      this.db.select({ n: countDistinct(refreshTokens.family) }).from(refreshTokens)
        .innerJoin(users, eq(users.id, refreshTokens.userId))
        .where(and(eq(users.role, "customer"), isNull(refreshTokens.revokedAt), isNull(refreshTokens.usedAt), gt(refreshTokens.expiresAt, now))),
      this.db.select({ day: sql<string>`((${users.createdAt} AT TIME ZONE 'UTC')::date)::text`, n: count() }).from(users)
        .where(and(eq(users.role, "customer"), gte(users.createdAt, new Date(Date.parse(monthStart))))).groupBy(sql`1`),
    ]);
    const byDay = new Map(days.map((d) => [d.day, d]));
    const newByDay = new Map(signups.map((s) => [s.day, s.n]));
    const month = Array.from({ length: MONTH_DAYS }, (_, i) => dayText(Date.parse(monthStart) + i * DAY_MS));
    const period = (span: string[]): Period => {
      const rows = span.map((d) => byDay.get(d));
      const add = (f: (r: NonNullable<(typeof rows)[number]>) => number) => rows.reduce((n, r) => n + (r ? f(r) : 0), 0);
      const paid = add((r) => r.paid);
      const revenueCents = add((r) => r.revenueCents);
      return {
        orders: add((r) => r.orders), revenueCents, averageCents: paid === 0 ? 0 : Math.round(revenueCents / paid),
        newCustomers: span.reduce((n, d) => n + (newByDay.get(d) ?? 0), 0),
        cancellations: add((r) => r.cancellations), refunds: add((r) => r.refunds),
      };
    };
    const byStatus = new Map(statuses.map((s) => [s.status, s.orders]));
    const all = ORDER_STATUSES.map((status) => ({ status, orders: Math.max(0, byStatus.get(status) ?? 0) }));
    const inGroup = (g: string) => all.filter((s) => STATUS_GROUP[s.status] === g).reduce((n, s) => n + s.orders, 0);
    const perHour = new Map(hours.map((h) => [h.hour.getUTCHours(), h.orders]));
    return {
      at: now.toISOString(),
      statuses: all, inFlight: inGroup("in flight"), needsAdmin: inGroup("needs an admin"),
      lowStock: low, sessions: sessions[0]?.n ?? 0,
      today: period([dayText(today)]), month: period(month),
      days: month.map((day) => ({ day, orders: byDay.get(day)?.orders ?? 0, revenueCents: byDay.get(day)?.revenueCents ?? 0 })),
      hours: Array.from({ length: 24 }, (_, hour) => ({ hour, orders: perHour.get(hour) ?? 0 })),
      topProducts: top,
    };
  }
}
