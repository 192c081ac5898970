-- Dead letters as an admin reviews them: when the message first failed (the row's `at` is
-- when it was parked, after its last try) and whether an admin discarded it (a discarded
-- message is never delivered again; a replayed one went back to its consumer).
ALTER TABLE runtime.dead_letters ADD COLUMN first_seen_at timestamptz;
ALTER TABLE runtime.dead_letters ADD COLUMN discarded_at timestamptz;
CREATE INDEX dead_letters_waiting ON runtime.dead_letters (id) WHERE replayed_at IS NULL AND discarded_at IS NULL;
