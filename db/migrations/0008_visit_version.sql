-- 0008_visit_version: the draft visit's version, raised by every change, so a copy of the app
-- that saves over a version it has not seen is refused with a clear message instead of silently
-- overwriting another workstation's change (storage/versions.py). Not part of the fingerprint.
-- Never edit this file once shipped: add the next migration instead.
ALTER TABLE visits ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
