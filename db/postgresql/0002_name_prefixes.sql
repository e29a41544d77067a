-- 0002_name_prefixes (PostgreSQL): the patient search index of db/migrations/0002, kept by a
-- plpgsql trigger: one row per (first 1..5 letters of a word of the folded name, folded name,
-- patient ID), so the first 50 matches in name order are one index range read. The name is
-- folded once, in Python (storage/search.py), for both engines: the same names match.

CREATE TABLE patient_name_prefixes (
    prefix TEXT COLLATE "C" NOT NULL,
    search_name TEXT COLLATE "C" NOT NULL,
    patient_id BIGINT NOT NULL,
    PRIMARY KEY (prefix, search_name, patient_id)
);
CREATE INDEX patient_name_prefixes_patient ON patient_name_prefixes (patient_id);

CREATE FUNCTION patient_name_prefixes_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM patient_name_prefixes WHERE patient_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO patient_name_prefixes (prefix, search_name, patient_id)
        SELECT DISTINCT substr(word, 1, size), NEW.search_name, NEW.id
        FROM regexp_split_to_table(NEW.search_name, ' ') AS word,
             generate_series(1, 5) AS size
        WHERE word <> '' AND size <= length(word)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER patient_name_prefixes_insert AFTER INSERT ON patients
    FOR EACH ROW EXECUTE FUNCTION patient_name_prefixes_sync();
CREATE TRIGGER patient_name_prefixes_delete AFTER DELETE ON patients
    FOR EACH ROW EXECUTE FUNCTION patient_name_prefixes_sync();
CREATE TRIGGER patient_name_prefixes_update AFTER UPDATE OF search_name ON patients
    FOR EACH ROW EXECUTE FUNCTION patient_name_prefixes_sync();
