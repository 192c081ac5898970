-- Alerts for the admins: a stalled or failed saga, a dead letter, a product low in stock.
-- One alert per (kind, subject) is unresolved at a time: it stays until what raised it is
-- resolved (the order moved, the letter was replayed or discarded, the stock came back),
-- whether or not an admin acknowledged it meanwhile, so an acknowledged alert does not
-- come back on every change that finds the same problem. Resolved alerts are purged after
-- ALERT_RETENTION_MS.
CREATE SCHEMA IF NOT EXISTS admin;
CREATE TABLE admin.alerts (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('stalled', 'failed', 'deadLetter', 'lowStock')),
  subject text NOT NULL,
  summary text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  opened_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by text,
  ack_reason text NOT NULL DEFAULT '',
  resolved_at timestamptz
);
CREATE UNIQUE INDEX alerts_unresolved ON admin.alerts (subject, kind) WHERE resolved_at IS NULL;
CREATE INDEX alerts_open ON admin.alerts (id) WHERE resolved_at IS NULL AND acknowledged_at IS NULL;
CREATE INDEX alerts_resolved ON admin.alerts (id) WHERE resolved_at IS NOT NULL;

-- Sagas that failed before there were alerts wait for an admin all the same: they start open.
INSERT INTO admin.alerts (kind, subject, summary, details, opened_at)
SELECT 'failed', v.id, 'Order ' || v.id || ' is ' || v.status || coalesce(': ' || (v.view->'timeline'->-1->>'reason'), ''),
  jsonb_build_object('status', v.status, 'reason', coalesce(v.view->'timeline'->-1->>'reason', '')), v.updated_at
FROM ordering.order_views v
WHERE v.status IN ('INVENTORY_FAILED', 'PAYMENT_FAILED', 'SHIPPING_FAILED', 'REFUND_FAILED');
