-- 0005_body_region_details: for each marked region (and side) of the body chart, the intensity
-- (0-10) and quality of the symptoms there (aching, sharp, burning, numbness, pins and needles:
-- resources/knowledge_base/body_chart.yaml). A region's details go when its last mark goes.
-- Never edit this file once shipped: add a later migration instead.

CREATE TABLE body_region_details (
    visit_id INTEGER NOT NULL REFERENCES visits (id),
    region TEXT NOT NULL,
    side TEXT NOT NULL,
    intensity INTEGER CHECK (intensity IS NULL OR intensity BETWEEN 0 AND 10),
    qualities TEXT NOT NULL DEFAULT '[]',  -- JSON list of quality IDs
    PRIMARY KEY (visit_id, region, side)
) WITHOUT ROWID;

CREATE TRIGGER body_region_details_unmarked AFTER DELETE ON body_marks
WHEN NOT EXISTS (
    SELECT 1 FROM body_marks
    WHERE visit_id = old.visit_id AND region = old.region AND side = old.side
) BEGIN
    DELETE FROM body_region_details
    WHERE visit_id = old.visit_id AND region = old.region AND side = old.side;
END;
CREATE TRIGGER body_region_details_signed_insert BEFORE INSERT ON body_region_details
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER body_region_details_signed_update BEFORE UPDATE ON body_region_details
WHEN (SELECT status FROM visits WHERE id = new.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
CREATE TRIGGER body_region_details_signed_delete BEFORE DELETE ON body_region_details
WHEN (SELECT status FROM visits WHERE id = old.visit_id) = 'signed' BEGIN
    SELECT RAISE(ABORT, 'visit_locked');
END;
