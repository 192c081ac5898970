-- Relays publish each key's events in order: a row's slot is a stable hash of its key, and
-- a relay publishes a slot only while it holds it (see actors/runtime/relay.ts).
ALTER TABLE runtime.outbox ADD COLUMN slot integer GENERATED ALWAYS AS (abs(hashtext(key) % 16)) STORED;
CREATE INDEX outbox_pending_slot ON runtime.outbox (slot, id) WHERE status = 'PENDING';
CREATE INDEX outbox_in_progress ON runtime.outbox (slot) WHERE status = 'IN_PROGRESS';
