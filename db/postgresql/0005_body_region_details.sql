-- 0005_body_region_details (PostgreSQL): as db/migrations/0005_body_region_details.sql, the
-- intensity and quality of each marked region; a region's details go when its last mark goes.
-- Never edit this file once shipped: add the next migration instead.

CREATE TABLE body_region_details (
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    region TEXT COLLATE "C" NOT NULL,
    side TEXT COLLATE "C" NOT NULL,
    intensity INTEGER CHECK (intensity IS NULL OR intensity BETWEEN 0 AND 10),
    qualities TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    PRIMARY KEY (visit_id, region, side)
);

CREATE FUNCTION body_region_details_unmarked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM body_marks
        WHERE visit_id = OLD.visit_id AND region = OLD.region AND side = OLD.side
    ) THEN
        DELETE FROM body_region_details
        WHERE visit_id = OLD.visit_id AND region = OLD.region AND side = OLD.side;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER body_region_details_unmarked AFTER DELETE ON body_marks
    FOR EACH ROW EXECUTE FUNCTION body_region_details_unmarked();
CREATE TRIGGER body_region_details_signed BEFORE INSERT OR UPDATE OR DELETE ON body_region_details
    FOR EACH ROW EXECUTE FUNCTION refuse_signed_child();
