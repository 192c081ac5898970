/**
 * Orders written straight into a database with SQL, for figures that need many of them
 * (bench:pages' dashboard), and the upgrade that back-fills the dashboard's counters from
 * the orders there are (migration 0016, applied again).
 */
import type { Database } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";

/**
 * `n` orders' read models, one statement: one to three units of a catalog product each,
 * placed a minute apart going back from now (so 30 days hold 43,200), most shipped or
 * delivered, some cancelled, refunded, declined or closed. The catalog must be seeded.
 */
export async function writeOrderViews(database: Database, n: number): Promise<void> {
  await database.sql.query(`
    WITH p AS (SELECT array_agg(sku ORDER BY sku) AS skus, array_agg(name ORDER BY sku) AS names, array_agg(price ORDER BY sku) AS prices
               FROM catalog.products),
    o AS (
      SELECT g, 'fixture-' || g AS id, 'fixture-customer-' || (g % 20000) AS customer, date_trunc('minute', now()) - g * interval '1 minute' AS at,
        (ARRAY['DELIVERED', 'SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'PAYMENT_FAILED', 'REFUNDED', 'INVENTORY_RELEASED', 'SHIPPED', 'DELIVERED'])[1 + g % 10] AS status,
        1 + (g * 7) % cardinality(p.skus) AS i, 1 + g % 3 AS qty, p.skus, p.names, p.prices
      FROM generate_series(1, $1::int) AS g, p
    ),
    t AS (SELECT o.*, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at_text,
                 to_char((at + interval '30 seconds') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS then_text FROM o)
    INSERT INTO ordering.order_views (id, customer_id, status, total, base_total, currency, created_at, updated_at, view)
    SELECT id, customer, status, prices[i] * qty, prices[i] * qty, 'USD', at, at + interval '30 seconds', jsonb_build_object(
      'orderId', id, 'customerId', customer, 'status', status, 'total', prices[i] * qty, 'currency', 'USD',
      'items', jsonb_build_array(jsonb_build_object('sku', skus[i], 'name', names[i], 'qty', qty, 'unitPrice', prices[i])),
      'createdAt', at_text, 'updatedAt', then_text,
      'timeline', jsonb_build_array(
        jsonb_build_object('status', 'CREATED', 'at', at_text, 'reason', 'order placed', 'details', '{}'::jsonb),
        jsonb_build_object('status', status, 'at', then_text, 'reason', 'written by the fixture', 'details', '{}'::jsonb)))
    FROM t`, [n]);
}

/** Migration 0016 undone and applied again: the dashboard's counters back-filled from the orders there are. */
export async function backfillFigures(database: Database): Promise<void> {
  await database.sql.query("DROP TABLE ordering.figures_by_day, ordering.figures_by_hour, ordering.figures_by_status, ordering.figures_by_product");
  await database.sql.query("DROP INDEX accounts.users_created_at");
  await database.sql.query("DELETE FROM public.schema_migrations WHERE name LIKE '0016_%'");
  await migrate(database.db);
}
