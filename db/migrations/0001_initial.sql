-- 0001_initial: patients, settings, episodes, visits and what is recorded at them, amendments and
-- the tamper-evident audit log. Never edit this file once shipped: add 0002_... instead.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL  -- JSON
);

CREATE TABLE patients (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,  -- ISO yyyy-mm-dd
    sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    clinic_id TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    search_name TEXT NOT NULL DEFAULT '',  -- name folded for search (see storage/search.py)
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX patients_date_of_birth ON patients (date_of_birth);
CREATE INDEX patients_clinic_id ON patients (clinic_id COLLATE NOCASE);
CREATE INDEX patients_updated_at ON patients (updated_at);

-- The normalised name is indexed by FTS5; the triggers keep the index in step with patients.
CREATE VIRTUAL TABLE patients_fts USING fts5 (
    search_name,
    content = 'patients',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
CREATE TRIGGER patients_fts_insert AFTER INSERT ON patients BEGIN
    INSERT INTO patients_fts (rowid, search_name) VALUES (new.id, new.search_name);
END;
CREATE TRIGGER patients_fts_delete AFTER DELETE ON patients BEGIN
    INSERT INTO patients_fts (patients_fts, rowid, search_name)
    VALUES ('delete', old.id, old.search_name);
END;
CREATE TRIGGER patients_fts_update AFTER UPDATE OF search_name ON patients BEGIN
    INSERT INTO patients_fts (patients_fts, rowid, search_name)
    VALUES ('delete', old.id, old.search_name);
    INSERT INTO patients_fts (rowid, search_name) VALUES (new.id, new.search_name);
END;

CREATE TABLE episodes (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    title TEXT NOT NULL,
    started_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX episodes_patient ON episodes (patient_id);

-- Differentials as shown at signing, stored once per distinct content (key = SHA-256 of the JSON).
CREATE TABLE differentials (
    sha256 TEXT PRIMARY KEY,
    snapshot TEXT NOT NULL  -- JSON of Differential.to_dict()
) WITHOUT ROWID;

CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    episode_id INTEGER REFERENCES episodes (id),
    visit_date TEXT NOT NULL,
    visit_type TEXT NOT NULL CHECK (visit_type IN ('initial', 'follow_up', 'discharge')),
    presentations TEXT NOT NULL DEFAULT '[]',  -- JSON list of presentation IDs
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    kb_version TEXT NOT NULL,
    plan TEXT NOT NULL DEFAULT '',
    leading_condition TEXT NOT NULL DEFAULT '',
    signed_at TEXT,
    signed_by TEXT NOT NULL DEFAULT '',
    differential TEXT REFERENCES differentials (sha256),  -- the snapshot shown at signing
    fingerprint TEXT NOT NULL DEFAULT '',  -- SHA-256 of the canonical content, set at signing
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX visits_patient_date ON visits (patient_id, visit_date);
CREATE INDEX visits_episode ON visits (episode_id);

CREATE TABLE answers (
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    prompt_id TEXT NOT NULL,
    value TEXT NOT NULL,  -- JSON
    PRIMARY KEY (visit_id, prompt_id)
) WITHOUT ROWID;

CREATE TABLE exam_findings (
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    item_id TEXT NOT NULL,
    side TEXT NOT NULL,  -- left, right, or none for an unsided item
    value TEXT NOT NULL,  -- JSON
    PRIMARY KEY (visit_id, item_id, side)
) WITHOUT ROWID;

CREATE TABLE body_marks (
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    region TEXT NOT NULL,
    symptom TEXT NOT NULL,
    side TEXT NOT NULL,
    PRIMARY KEY (visit_id, region, symptom, side)
) WITHOUT ROWID;

CREATE TABLE measure_results (
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    measure_id TEXT NOT NULL,
    responses TEXT NOT NULL,  -- JSON object item -> value
    score REAL,  -- NULL until complete enough to score
    PRIMARY KEY (visit_id, measure_id)
) WITHOUT ROWID;

CREATE TABLE red_flag_acks (
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    flag_id TEXT NOT NULL,
    referred INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    acknowledged_by TEXT NOT NULL,
    acknowledged_at TEXT NOT NULL,
    PRIMARY KEY (visit_id, flag_id)
) WITHOUT ROWID;

CREATE TABLE amendments (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    text TEXT NOT NULL,
    reason TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX amendments_visit ON amendments (visit_id);

-- Append-only, hash-chained: hash = SHA-256(prev_hash + canonical JSON of the entry).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- Defence in depth: the database itself refuses to change a signed visit or the audit log.
CREATE TRIGGER visits_signed_update BEFORE UPDATE ON visits WHEN old.status = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER visits_signed_delete BEFORE DELETE ON visits WHEN old.status = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER differentials_no_update BEFORE UPDATE ON differentials BEGIN
    SELECT RAISE(ABORT, 'differentials_append_only');
END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log_append_only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log_append_only');
END;
CREATE TRIGGER answers_signed_insert BEFORE INSERT ON answers
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER answers_signed_update BEFORE UPDATE ON answers
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER answers_signed_delete BEFORE DELETE ON answers
WHEN (SELECT status FROM visits WHERE id = old.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER exam_findings_signed_insert BEFORE INSERT ON exam_findings
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER exam_findings_signed_update BEFORE UPDATE ON exam_findings
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER exam_findings_signed_delete BEFORE DELETE ON exam_findings
WHEN (SELECT status FROM visits WHERE id = old.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER body_marks_signed_insert BEFORE INSERT ON body_marks
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER body_marks_signed_update BEFORE UPDATE ON body_marks
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER body_marks_signed_delete BEFORE DELETE ON body_marks
WHEN (SELECT status FROM visits WHERE id = old.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER measure_results_signed_insert BEFORE INSERT ON measure_results
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER measure_results_signed_update BEFORE UPDATE ON measure_results
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER measure_results_signed_delete BEFORE DELETE ON measure_results
WHEN (SELECT status FROM visits WHERE id = old.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER red_flag_acks_signed_insert BEFORE INSERT ON red_flag_acks
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER red_flag_acks_signed_update BEFORE UPDATE ON red_flag_acks
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER red_flag_acks_signed_delete BEFORE DELETE ON red_flag_acks
WHEN (SELECT status FROM visits WHERE id = old.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
