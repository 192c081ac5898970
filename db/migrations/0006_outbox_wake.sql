-- Relays in other processes are woken by a NOTIFY the writer sends after its commit
-- (coalesced per process), not by a trigger: a transaction that notifies holds a
-- database-wide lock through its commit, so every writer would commit one at a time.
DROP TRIGGER IF EXISTS outbox_notify ON runtime.outbox;
DROP FUNCTION IF EXISTS runtime.notify_outbox();
