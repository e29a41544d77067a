-- 0008_visit_version (PostgreSQL): the draft visit's version, raised by every change, so a
-- workstation that saves over a version it has not seen is refused (Store._claim_visit in storage/store.py).
ALTER TABLE visits ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

