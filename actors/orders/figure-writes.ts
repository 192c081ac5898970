/**
 * The dashboard's counters as statements the projector's save carries (see figures.ts for
 * what they count): each adds to the rows that are there, so concurrent projectors never
 * overwrite each other's counts; a row only waits for another transaction's lock on it.
 */
import type { Stmt } from "../../db/sql.ts";
import type { FigureRows } from "./figures.ts";

/** The tables the counters live in (the business's record: kept, never purged). */
export const FIGURE_TABLES = [
  "ordering.figures_by_day", "ordering.figures_by_hour", "ordering.figures_by_status", "ordering.figures_by_product",
] as const;

/** One statement per table with anything to add, in a fixed order of tables and keys. */
export function figureWrites(r: FigureRows): Stmt[] {
  const out: Stmt[] = [];
  if (r.days.length > 0) {
    out.push({
      text: `INSERT INTO ordering.figures_by_day AS f (day, orders, paid, revenue_cents, cancellations, refunds)
        SELECT * FROM unnest($1::text[]::date[], $2::int[], $3::int[], $4::bigint[], $5::int[], $6::int[])
        ON CONFLICT (day) DO UPDATE SET orders = f.orders + excluded.orders, paid = f.paid + excluded.paid,
          revenue_cents = f.revenue_cents + excluded.revenue_cents, cancellations = f.cancellations + excluded.cancellations,
          refunds = f.refunds + excluded.refunds`,
      params: [
        r.days.map((d) => d.day), r.days.map((d) => d.orders), r.days.map((d) => d.paid), r.days.map((d) => d.revenueCents),
        r.days.map((d) => d.cancellations), r.days.map((d) => d.refunds),
      ],
    });
  }
  if (r.hours.length > 0) {
    out.push({
      text: `INSERT INTO ordering.figures_by_hour AS f (hour, orders) SELECT * FROM unnest($1::text[]::timestamptz[], $2::int[])
        ON CONFLICT (hour) DO UPDATE SET orders = f.orders + excluded.orders`,
      params: [r.hours.map((h) => h.hour), r.hours.map((h) => h.orders)],
    });
  }
  if (r.statuses.length > 0) {
    out.push({
      text: `INSERT INTO ordering.figures_by_status AS f (status, orders) SELECT * FROM unnest($1::text[], $2::int[])
        ON CONFLICT (status) DO UPDATE SET orders = f.orders + excluded.orders`,
      params: [r.statuses.map((s) => s.status), r.statuses.map((s) => s.orders)],
    });
  }
  if (r.products.length > 0) {
    out.push({
      text: `INSERT INTO ordering.figures_by_product AS f (day, sku, units, revenue_cents)
        SELECT * FROM unnest($1::text[]::date[], $2::text[], $3::int[], $4::bigint[])
        ON CONFLICT (day, sku) DO UPDATE SET units = f.units + excluded.units, revenue_cents = f.revenue_cents + excluded.revenue_cents`,
      params: [r.products.map((p) => p.day), r.products.map((p) => p.sku), r.products.map((p) => p.units), r.products.map((p) => p.revenueCents)],
    });
  }
  return out;
}
