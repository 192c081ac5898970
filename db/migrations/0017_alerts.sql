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
