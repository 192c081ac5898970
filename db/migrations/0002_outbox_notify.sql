-- Wake relays in other processes when outbox rows commit (delivered at commit, once per statement).
CREATE FUNCTION runtime.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('outbox', ''); RETURN NULL; END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON runtime.outbox FOR EACH STATEMENT EXECUTE FUNCTION runtime.notify_outbox();
