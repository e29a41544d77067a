-- 0001_initial (PostgreSQL): the same tables as db/migrations/0001_initial.sql, for a clinic
-- server. Every text column compares and sorts byte-wise (COLLATE "C"), as SQLite does, whatever
-- the server's locale, so searches and lists come back in the same order on both engines.
-- IDs are assigned as SQLite assigns them (max + 1, see next_id): every write transaction holds
-- the app's advisory lock (storage/postgres/connection.py), so two workstations never race for
-- one. Never edit this file once shipped: add the next migration instead.

-- clinic_id = ? COLLATE NOCASE (the identifier typed at the search box) works unchanged.
CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

CREATE FUNCTION next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        EXECUTE format('SELECT coalesce(max(id), 0) + 1 FROM %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME)
            INTO NEW.id;
    END IF;
    RETURN NEW;
END $$;

-- The guard triggers' one action: refuse with the reason given as the trigger's argument.
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END $$;

-- A recorded item of a signed visit can be neither added, changed nor removed.
CREATE FUNCTION refuse_signed_child() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE')
        AND EXISTS (SELECT 1 FROM visits WHERE id = NEW.visit_id AND status = 'signed') THEN
        RAISE EXCEPTION 'visit_locked';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE')
        AND EXISTS (SELECT 1 FROM visits WHERE id = OLD.visit_id AND status = 'signed') THEN
        RAISE EXCEPTION 'visit_locked';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TABLE settings (
    key TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL  -- JSON
);

CREATE TABLE patients (
    id BIGINT PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    date_of_birth TEXT COLLATE "C" NOT NULL,  -- ISO yyyy-mm-dd
    sex TEXT COLLATE "C" NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    clinic_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    contact TEXT COLLATE "C" NOT NULL DEFAULT '',
    notes TEXT COLLATE "C" NOT NULL DEFAULT '',
    search_name TEXT COLLATE "C" NOT NULL DEFAULT '',  -- folded for search (storage/search.py)
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER patients_id BEFORE INSERT ON patients FOR EACH ROW EXECUTE FUNCTION next_id();
CREATE INDEX patients_date_of_birth ON patients (date_of_birth);
CREATE INDEX patients_clinic_id ON patients (clinic_id COLLATE nocase);
CREATE INDEX patients_updated_at ON patients (updated_at);

CREATE TABLE episodes (
    id BIGINT PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patients (id),
    title TEXT COLLATE "C" NOT NULL,
    started_on TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER episodes_id BEFORE INSERT ON episodes FOR EACH ROW EXECUTE FUNCTION next_id();
CREATE INDEX episodes_patient ON episodes (patient_id);

CREATE TABLE differentials (
    sha256 TEXT COLLATE "C" PRIMARY KEY,
    snapshot TEXT COLLATE "C" NOT NULL  -- JSON of Differential.to_dict()
);

CREATE TABLE visits (
    id BIGINT PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patients (id),
    episode_id BIGINT REFERENCES episodes (id),
    visit_date TEXT COLLATE "C" NOT NULL,
    visit_type TEXT COLLATE "C" NOT NULL
        CHECK (visit_type IN ('initial', 'follow_up', 'discharge')),
    presentations TEXT COLLATE "C" NOT NULL DEFAULT '[]',  -- JSON list of presentation IDs
    status TEXT COLLATE "C" NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    kb_version TEXT COLLATE "C" NOT NULL,
    plan TEXT COLLATE "C" NOT NULL DEFAULT '',
    leading_condition TEXT COLLATE "C" NOT NULL DEFAULT '',
    signed_at TEXT COLLATE "C",
    signed_by TEXT COLLATE "C" NOT NULL DEFAULT '',
    differential TEXT COLLATE "C" REFERENCES differentials (sha256),
    fingerprint TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER visits_id BEFORE INSERT ON visits FOR EACH ROW EXECUTE FUNCTION next_id();
CREATE INDEX visits_patient_date ON visits (patient_id, visit_date);
CREATE INDEX visits_episode ON visits (episode_id);

CREATE TABLE answers (
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    prompt_id TEXT COLLATE "C" NOT NULL,
    value TEXT COLLATE "C" NOT NULL,  -- JSON
    PRIMARY KEY (visit_id, prompt_id)
);

CREATE TABLE exam_findings (
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    item_id TEXT COLLATE "C" NOT NULL,
    side TEXT COLLATE "C" NOT NULL,
    value TEXT COLLATE "C" NOT NULL,  -- JSON
    PRIMARY KEY (visit_id, item_id, side)
);

CREATE TABLE body_marks (
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    region TEXT COLLATE "C" NOT NULL,
    symptom TEXT COLLATE "C" NOT NULL,
    side TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (visit_id, region, symptom, side)
);

CREATE TABLE measure_results (
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    measure_id TEXT COLLATE "C" NOT NULL,
    responses TEXT COLLATE "C" NOT NULL,  -- JSON object item -> value
    score DOUBLE PRECISION,  -- NULL until complete enough to score
    PRIMARY KEY (visit_id, measure_id)
);

CREATE TABLE red_flag_acks (
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    flag_id TEXT COLLATE "C" NOT NULL,
    referred BIGINT NOT NULL,
    reason TEXT COLLATE "C" NOT NULL DEFAULT '',
    acknowledged_by TEXT COLLATE "C" NOT NULL,
    acknowledged_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (visit_id, flag_id)
);

CREATE TABLE amendments (
    id BIGINT PRIMARY KEY,
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    text TEXT COLLATE "C" NOT NULL,
    reason TEXT COLLATE "C" NOT NULL,
    author TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER amendments_id BEFORE INSERT ON amendments FOR EACH ROW EXECUTE FUNCTION next_id();
CREATE INDEX amendments_visit ON amendments (visit_id);

-- Append-only, hash-chained: hash = SHA-256(prev_hash + canonical JSON of the entry).
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY,
    at TEXT COLLATE "C" NOT NULL,
    actor TEXT COLLATE "C" NOT NULL,
    action TEXT COLLATE "C" NOT NULL,
    entity TEXT COLLATE "C" NOT NULL,
    entity_id TEXT COLLATE "C" NOT NULL,
    detail TEXT COLLATE "C" NOT NULL DEFAULT '',
    prev_hash TEXT COLLATE "C" NOT NULL,
    hash TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- Defence in depth: the server itself refuses to change a signed visit or the audit log.
CREATE TRIGGER visits_signed_update BEFORE UPDATE OR DELETE ON visits
    FOR EACH ROW WHEN (OLD.status = 'signed') EXECUTE FUNCTION refuse('visit_locked');
CREATE TRIGGER differentials_no_update BEFORE UPDATE ON differentials
    FOR EACH ROW EXECUTE FUNCTION refuse('differentials_append_only');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse('audit_log_append_only');
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse('audit_log_append_only');
CREATE TRIGGER answers_signed BEFORE INSERT OR UPDATE OR DELETE ON answers
    FOR EACH ROW EXECUTE FUNCTION refuse_signed_child();
CREATE TRIGGER exam_findings_signed BEFORE INSERT OR UPDATE OR DELETE ON exam_findings
    FOR EACH ROW EXECUTE FUNCTION refuse_signed_child();
CREATE TRIGGER body_marks_signed BEFORE INSERT OR UPDATE OR DELETE ON body_marks
    FOR EACH ROW EXECUTE FUNCTION refuse_signed_child();
CREATE TRIGGER measure_results_signed BEFORE INSERT OR UPDATE OR DELETE ON measure_results
    FOR EACH ROW EXECUTE FUNCTION refuse_signed_child();
CREATE TRIGGER red_flag_acks_signed BEFORE INSERT OR UPDATE OR DELETE ON red_flag_acks
    FOR EACH ROW EXECUTE FUNCTION refuse_signed_child();
