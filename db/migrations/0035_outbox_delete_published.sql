-- The relay deletes what it has published, in one statement per claim, instead of marking
-- each row twice (claimed, then published): every row left in the outbox is unpublished.
-- A row published but not yet deleted (a crash in between) is published again, as a row
-- published but not yet marked was; consumers dedupe on the envelope's id.
DELETE FROM runtime.outbox WHERE status = 'PUBLISHED';
DROP INDEX IF EXISTS runtime.outbox_pending;
DROP INDEX IF EXISTS runtime.outbox_pending_slot;
DROP INDEX IF EXISTS runtime.outbox_in_progress;
ALTER TABLE runtime.outbox DROP COLUMN status, DROP COLUMN claimed_at, DROP COLUMN published_at;
CREATE INDEX outbox_slot ON runtime.outbox (slot, id);
-- Rows are no longer updated: no room to keep on each page for their next versions.
ALTER TABLE runtime.outbox SET (fillfactor = 100);
