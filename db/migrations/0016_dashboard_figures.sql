-- The admin dashboard's figures: counters the projector adds to in the transaction that
-- writes an order's view (actors/orders/figures.ts says what each counts), so the dashboard
-- reads a few rows however many orders there are. Days and hours are UTC. Revenue is in
-- base cents (USD) at each order's recorded rate, for the orders whose payment the shop
-- holds (paid: authorized, captured, not refunded); cancellations and refunds count on the
-- day they happened, once per order. The shop's record: kept, never purged.
CREATE TABLE ordering.figures_by_day (
  day date PRIMARY KEY,
  orders integer NOT NULL DEFAULT 0,
  paid integer NOT NULL DEFAULT 0,
  revenue_cents bigint NOT NULL DEFAULT 0,
  cancellations integer NOT NULL DEFAULT 0,
  refunds integer NOT NULL DEFAULT 0
);
CREATE TABLE ordering.figures_by_hour (
  hour timestamptz PRIMARY KEY,
  orders integer NOT NULL DEFAULT 0
);
CREATE TABLE ordering.figures_by_status (
  status text PRIMARY KEY,
  orders integer NOT NULL DEFAULT 0
);
CREATE TABLE ordering.figures_by_product (
  day date NOT NULL,
  sku text NOT NULL,
  units integer NOT NULL DEFAULT 0,
  revenue_cents bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (day, sku)
);
-- New customers per day are read from the accounts registered in the range.
CREATE INDEX users_created_at ON accounts.users (created_at);

-- Back-fill from the orders there are, with the same rules as figures.ts. An amount in
-- another currency becomes base cents as toBaseCents does it: minor * 100 / (rate * 10^minor
-- units), rounded half-up, in exact integers (the rate has at most 8 decimals).
CREATE TEMPORARY TABLE figure_orders ON COMMIT DROP AS
  SELECT v.id, v.status, v.view,
    (v.created_at AT TIME ZONE 'UTC')::date AS day,
    date_trunc('hour', v.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour,
    v.status IN ('PAYMENT_AUTHORIZED', 'PROCESSING', 'SHIPPED', 'DELIVERED', 'SHIPPING_FAILED', 'REFUND_PENDING', 'REFUND_FAILED') AS paid,
    v.currency = 'USD' AS base,
    coalesce(v.view->>'fxRate', '1')::numeric * 100000000 AS scaled_rate,
    10::numeric ^ coalesce((SELECT c.minor_units FROM catalog.currencies c WHERE c.code = v.currency), 2) AS minor_scale
  FROM ordering.order_views v;

INSERT INTO ordering.figures_by_day (day, orders, paid, revenue_cents)
  SELECT day, count(*), count(*) FILTER (WHERE paid),
    coalesce(sum(CASE WHEN base THEN (view->>'total')::bigint
      ELSE div(2 * (view->>'total')::numeric * 10000000000 + scaled_rate * minor_scale, 2 * scaled_rate * minor_scale)::bigint END) FILTER (WHERE paid), 0)
  FROM figure_orders GROUP BY day;

INSERT INTO ordering.figures_by_hour (hour, orders)
  SELECT hour, count(*) FROM figure_orders GROUP BY hour;

INSERT INTO ordering.figures_by_status (status, orders)
  SELECT status, count(*) FROM figure_orders GROUP BY status;

INSERT INTO ordering.figures_by_product (day, sku, units, revenue_cents)
  SELECT o.day, i.item->>'sku', sum((i.item->>'qty')::int),
    sum(CASE WHEN o.base THEN (i.item->>'unitPrice')::bigint * (i.item->>'qty')::int
      ELSE div(2 * (i.item->>'unitPrice')::numeric * (i.item->>'qty')::int * 10000000000 + o.scaled_rate * o.minor_scale, 2 * o.scaled_rate * o.minor_scale)::bigint END)
  FROM figure_orders o, jsonb_array_elements(o.view->'items') AS i(item)
  WHERE o.paid GROUP BY o.day, i.item->>'sku';

-- The first cancellation, and the first move out of REFUND_PENDING that was not a failure.
CREATE TEMPORARY TABLE figure_events ON COMMIT DROP AS
  SELECT o.id, t.entry->>'status' AS status, lag(t.entry->>'status') OVER (PARTITION BY o.id ORDER BY t.n) AS previous,
    t.n, ((t.entry->>'at')::timestamptz AT TIME ZONE 'UTC')::date AS day
  FROM figure_orders o, jsonb_array_elements(o.view->'timeline') WITH ORDINALITY AS t(entry, n);

INSERT INTO ordering.figures_by_day AS f (day, cancellations, refunds)
  SELECT day, count(*) FILTER (WHERE what = 'cancel'), count(*) FILTER (WHERE what = 'refund')
  FROM (
    (SELECT DISTINCT ON (id) id, day, 'cancel' AS what FROM figure_events WHERE status = 'CANCELLED' ORDER BY id, n)
    UNION ALL
    (SELECT DISTINCT ON (id) id, day, 'refund' FROM figure_events
      WHERE previous = 'REFUND_PENDING' AND status <> 'REFUND_FAILED' ORDER BY id, n)
  ) firsts
  GROUP BY day
  ON CONFLICT (day) DO UPDATE SET cancellations = f.cancellations + excluded.cancellations, refunds = f.refunds + excluded.refunds;
