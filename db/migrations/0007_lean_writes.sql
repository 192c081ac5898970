-- Nothing looks an outbox row up by its event id (consumers dedupe on the envelope's id in
-- processed_events), so its unique index only cost a random index insert for every insert
-- and every status change of every event.
ALTER TABLE runtime.outbox DROP CONSTRAINT IF EXISTS outbox_event_id_key;
-- Room on each page for a row's next versions. An update that lands on the same page logs
-- only the bytes that changed (an outbox row's two status changes no longer log its message
-- again: half the outbox's WAL), and one that changes no indexed column inserts into no
-- index either (HOT). Orders change five times each, their views three.
ALTER TABLE runtime.outbox SET (fillfactor = 50);
ALTER TABLE ordering.orders SET (fillfactor = 70);
ALTER TABLE ordering.order_views SET (fillfactor = 70);
ALTER TABLE runtime.actor_state SET (fillfactor = 80);
