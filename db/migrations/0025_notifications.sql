-- The notifier's messages (actors/notification.ts): one row per (event, recipient, channel),
-- written in the same transaction as the notification actor's state, so a redelivered or
-- replayed event adds none. The delivery worker sends the pending rows after commit
-- (at least once to the provider, the row's key as its idempotency key / Message-ID) and
-- marks them sent, or failed after its last attempt. In the embedded default the sent
-- email stays here as the mailbox /admin/mail shows. Rows are purged after
-- NOTIFICATION_RETENTION_MS.
CREATE SCHEMA IF NOT EXISTS notify;
CREATE TABLE notify.messages (
  id bigserial PRIMARY KEY,
  key text NOT NULL UNIQUE,
  event_id text NOT NULL,
  subject text NOT NULL,
  user_id text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient text NOT NULL,
  template text NOT NULL,
  priority text NOT NULL CHECK (priority IN ('critical', 'high')),
  data jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  next_at timestamptz NOT NULL,
  sent_at timestamptz
);
CREATE INDEX messages_due ON notify.messages (next_at) WHERE status = 'pending';
CREATE INDEX messages_subject ON notify.messages (subject, id);
CREATE INDEX messages_user ON notify.messages (user_id, id);
CREATE INDEX messages_created ON notify.messages (created_at);

-- The channels a customer turned off for messages that are not essential ("email", "sms").
ALTER TABLE accounts.users ADD COLUMN IF NOT EXISTS muted_channels jsonb NOT NULL DEFAULT '[]';
