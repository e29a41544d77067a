-- 0004_clinicians: the clinicians of this database, who sign, amend and acknowledge. Until now the
-- one clinician lived in the settings (clinician_name, registration_number) and a visit signed
-- before Settings was filled was recorded as "clinician". A clinician is never deleted (signed
-- records name them): one who has left is marked inactive and no longer offered as a signer.
-- Never edit this file once shipped: add a later migration instead.

CREATE TABLE clinicians (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (trim(name) <> ''),
    profession TEXT NOT NULL DEFAULT '',
    registration_number TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TRIGGER clinicians_no_delete BEFORE DELETE ON clinicians BEGIN
    SELECT RAISE(ABORT, 'clinicians_kept');
END;

-- The clinician named in Settings before this migration becomes the first clinician (profession
-- unknown until someone fills it in), and the settings stop holding a clinician.
INSERT INTO clinicians (name, registration_number, created_at, updated_at)
SELECT trim(json_extract(n.value, '$')),
       coalesce(trim(json_extract(r.value, '$')), ''),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM settings AS n
LEFT JOIN settings AS r ON r.key = 'registration_number'
WHERE n.key = 'clinician_name' AND trim(coalesce(json_extract(n.value, '$'), '')) <> '';
DELETE FROM settings WHERE key IN ('clinician_name', 'registration_number');
