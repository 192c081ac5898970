-- The audit log: every admin action, who took it, on what, from which state to which,
-- with the reason typed. An entry is written before the action runs (outcome 'pending')
-- and settled after it ('done' or 'refused'), so an action that took effect always has
-- its entry, even when the process dies in between.
CREATE SCHEMA IF NOT EXISTS admin;
CREATE TABLE admin.audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  admin_id text NOT NULL,
  admin_name text NOT NULL,
  action text NOT NULL,
  object_type text NOT NULL,
  object_id text NOT NULL,
  from_state text,
  to_state text,
  reason text NOT NULL DEFAULT '',
  outcome text NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'done', 'refused')),
  detail text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_admin ON admin.audit_log (admin_id, id);
CREATE INDEX audit_log_object ON admin.audit_log (object_type, object_id, id);
CREATE INDEX audit_log_action ON admin.audit_log (action, id);
CREATE INDEX audit_log_at ON admin.audit_log (at);
