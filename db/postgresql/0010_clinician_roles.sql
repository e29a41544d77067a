-- 0010_clinician_roles (PostgreSQL): a clinician tied to the server login role they connect as.
-- A connection as that role then writes every audit entry as that clinician and can sign,
-- amend or acknowledge only as them; the server itself checks each audit entry's actor, so a
-- workstation cannot write in another clinician's name. Only the database's owner (the admin)
-- changes the mapping (`clinician-role` command; the clinicians' role may only read it).
-- Never edit this file once shipped: add the next migration instead.

CREATE TABLE clinician_roles (
    clinician_id BIGINT PRIMARY KEY REFERENCES clinicians (id),
    role TEXT COLLATE "C" NOT NULL UNIQUE
);

-- A clinician's audit actor, worded as desktop_app/core/clinicians.py Clinician.actor words it.
CREATE FUNCTION clinician_actor(clinician_id BIGINT) RETURNS TEXT LANGUAGE sql STABLE
SET search_path FROM CURRENT AS $$
    SELECT c.name || ' (clinician ' || c.id || ')' FROM clinicians AS c WHERE c.id = clinician_id
$$;

-- The clinician this connection's login role is tied to, or NULL.
CREATE FUNCTION session_clinician() RETURNS BIGINT LANGUAGE sql STABLE
SET search_path FROM CURRENT AS $$
    SELECT r.clinician_id FROM clinician_roles AS r WHERE r.role = session_user
$$;

-- Every audit entry's actor as the server knows the connection: a tied login writes only as its
-- clinician; a login tied to no clinician writes as itself or names a clinician tied to no login
-- (a shared workstation login choosing who signs). The owner (migrations, backups, a copy from a
-- file with its own actors) and superusers are not checked: they could switch the trigger off,
-- and `verify` reports a switched-off trigger.
CREATE FUNCTION check_audit_actor() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
DECLARE
    mine BIGINT;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper)
        OR EXISTS (SELECT 1 FROM pg_database WHERE datname = current_database()
                   AND pg_get_userbyid(datdba) = session_user) THEN
        RETURN NEW;
    END IF;
    mine := session_clinician();
    IF mine IS NOT NULL THEN
        IF NEW.actor IS DISTINCT FROM clinician_actor(mine) THEN
            RAISE EXCEPTION 'actor_not_session';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.actor = session_user OR EXISTS (
        SELECT 1 FROM clinicians AS c
        WHERE clinician_actor(c.id) = NEW.actor
          AND NOT EXISTS (SELECT 1 FROM clinician_roles AS r WHERE r.clinician_id = c.id)
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'actor_not_session';
END $$;
CREATE TRIGGER audit_log_actor BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION check_audit_actor();
