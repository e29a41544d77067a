-- 0012_pin_lockout (PostgreSQL): wrong PINs in a row and lock-outs, as
-- db/migrations/0012_pin_lockout.sql.
-- Never edit this file once shipped: add the next migration instead.

CREATE TABLE pin_failures (
    clinician_id BIGINT PRIMARY KEY REFERENCES clinicians (id),
    failures INTEGER NOT NULL CHECK (failures > 0),
    locked_until TEXT COLLATE "C",
    updated_at TEXT COLLATE "C" NOT NULL
);
