-- What has served its purpose is purged by the upkeep (actors/runtime/upkeep.ts and the
-- purges beside each table's owner), a batch at a time; these indexes let each batch find
-- its oldest rows without reading the table.

-- Processed marks older than the dedupe window go (ascending: each insert lands on the last page).
CREATE INDEX IF NOT EXISTS processed_events_at ON runtime.processed_events (at);

-- A refresh token ends when it expires or is revoked; ended ones go after a while.
CREATE INDEX IF NOT EXISTS refresh_tokens_end ON accounts.refresh_tokens (least(expires_at, coalesce(revoked_at, 'infinity')));

-- The simulated providers keep an answer per idempotency key, and their journal, for a
-- while, as a real processor does: both now say when they were written.
ALTER TABLE sim.answers ADD COLUMN IF NOT EXISTS at timestamptz NOT NULL DEFAULT now();
CREATE INDEX IF NOT EXISTS answers_at ON sim.answers (at);
ALTER TABLE sim.journal ADD COLUMN IF NOT EXISTS at timestamptz NOT NULL DEFAULT now();
CREATE INDEX IF NOT EXISTS journal_at ON sim.journal (at);
