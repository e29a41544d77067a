-- 0003_follow_ups (PostgreSQL): the re-assessment visit type and the names of a patient-specific
-- measure's items (the PSFS activities), as db/migrations/0003.

ALTER TABLE visits DROP CONSTRAINT visits_visit_type_check;
ALTER TABLE visits ADD CONSTRAINT visits_visit_type_check
    CHECK (visit_type IN ('initial', 'follow_up', 're_assessment', 'discharge'));

CREATE TABLE measure_labels (
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    measure_id TEXT COLLATE "C" NOT NULL,
    item_key TEXT COLLATE "C" NOT NULL,
    label TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (visit_id, measure_id, item_key)
);
CREATE TRIGGER measure_labels_signed BEFORE INSERT OR UPDATE OR DELETE ON measure_labels
    FOR EACH ROW EXECUTE FUNCTION refuse_signed_child();
