-- 0004_clinicians (PostgreSQL): the clinicians of the database, as db/migrations/0004_clinicians.sql;
-- never deleted (one who has left is marked inactive). The clinician named in Settings becomes
-- the first clinician. Never edit this file once shipped: add the next migration instead.

CREATE TABLE clinicians (
    id BIGINT PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL CHECK (trim(name) <> ''),
    profession TEXT COLLATE "C" NOT NULL DEFAULT '',
    registration_number TEXT COLLATE "C" NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER clinicians_id BEFORE INSERT ON clinicians FOR EACH ROW EXECUTE FUNCTION next_id();
CREATE TRIGGER clinicians_no_delete BEFORE DELETE ON clinicians
    FOR EACH ROW EXECUTE FUNCTION refuse('clinicians_kept');

INSERT INTO clinicians (name, registration_number, created_at, updated_at)
SELECT trim(n.value::json #>> '{}'),
       coalesce(trim(r.value::json #>> '{}'), ''),
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
FROM settings AS n
LEFT JOIN settings AS r ON r.key = 'registration_number'
WHERE n.key = 'clinician_name' AND trim(coalesce(n.value::json #>> '{}', '')) <> '';
DELETE FROM settings WHERE key IN ('clinician_name', 'registration_number');
