-- 0003_follow_ups: the re-assessment visit type, and the names of a patient-specific measure's
-- items (the PSFS activities), which are carried from one visit to the next.
-- SQLite cannot ALTER a CHECK constraint: the visit-type list is widened in the stored schema,
-- as SQLite documents for constraint changes that leave the stored rows valid
-- (https://sqlite.org/lang_altertable.html#otheralter). No table is rebuilt, so columns added by
-- any later migration are kept; RESET reloads the schema, and the CREATE TABLE below moves the
-- schema version on, so every open connection reads the new list.
-- Never edit this file once shipped: add the next migration instead.

PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(
    sql,
    'CHECK (visit_type IN (''initial'', ''follow_up'', ''discharge''))',
    'CHECK (visit_type IN (''initial'', ''follow_up'', ''re_assessment'', ''discharge''))'
)
WHERE type = 'table' AND name = 'visits';
PRAGMA writable_schema = RESET;

-- The name of each item of a patient-specific measure at a visit (PSFS: 'activity_1' ->
-- 'Climbing stairs'); kept apart from measure_results so that a name stays when its score is
-- cleared, and fingerprinted with the visit at signing.
CREATE TABLE measure_labels (
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    measure_id TEXT NOT NULL,
    item_key TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (visit_id, measure_id, item_key)
) WITHOUT ROWID;
CREATE TRIGGER measure_labels_signed_insert BEFORE INSERT ON measure_labels
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER measure_labels_signed_update BEFORE UPDATE ON measure_labels
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER measure_labels_signed_delete BEFORE DELETE ON measure_labels
WHEN (SELECT status FROM visits WHERE id = old.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
