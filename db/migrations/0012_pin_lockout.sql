-- 0012_pin_lockout: wrong PINs in a row per clinician, and until when they are locked out
-- (storage/accounts.py; the rule in core/accounts.py: after 5 wrong PINs, 1 minute, doubling
-- with each further wrong one, at most an hour). Kept in the database so that a restart does not
-- reset it; a right PIN, a new PIN set by an admin, an admin lifting the lock-out or
-- `accounts recover-admin` clear the row. Every refusal and lock-out is an audit entry.
-- Never edit this file once shipped: add a later migration instead.

CREATE TABLE pin_failures (
    clinician_id INTEGER PRIMARY KEY REFERENCES clinicians (id),
    failures INTEGER NOT NULL CHECK (failures > 0),
    locked_until TEXT,
    updated_at TEXT NOT NULL
);
