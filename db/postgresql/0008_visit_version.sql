-- 0008_visit_version (PostgreSQL): the draft visit's version, raised by every change, so a
-- workstation that saves over a version it has not seen is refused (storage/versions.py).
ALTER TABLE visits ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- The server's word on who wrote an audit entry: a clinician's connection can only write entries
-- in its own role's name (the app writes session_user as the actor), so one workstation cannot
-- log a change as another clinician. The database's owner (the admin role) may write any actor:
-- migrate-to-server copies a file's log as it is.
CREATE FUNCTION audit_actor_is_role() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.actor IS DISTINCT FROM session_user AND NOT EXISTS (
        SELECT 1 FROM pg_database
        WHERE datname = current_database() AND pg_get_userbyid(datdba) = session_user
    ) THEN
        RAISE EXCEPTION 'audit_actor_not_role';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_log_actor BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_actor_is_role();
