-- 0011_user_accounts: clinician accounts (storage/accounts.py). A clinician's PIN or password is
-- kept only as its salted scrypt hash ('scrypt$n$r$p$salt$hash', core/accounts.py), never the
-- PIN; is_admin marks who may open Settings and manage clinicians and others' PINs. A clinician
-- without a row has no PIN yet; once any row exists the window asks for a PIN at start and
-- after the idle minutes (the 'lock_minutes' setting). Unlocking and opening a patient's record
-- are audit entries, not rows here.
-- Never edit this file once shipped: add a later migration instead.

CREATE TABLE user_accounts (
    clinician_id INTEGER PRIMARY KEY REFERENCES clinicians (id),
    pin_hash TEXT NOT NULL CHECK (pin_hash LIKE 'scrypt$%'),
    is_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
