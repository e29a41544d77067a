-- 0011_user_accounts (PostgreSQL): clinician accounts, as db/migrations/0011_user_accounts.sql:
-- each PIN only as its scrypt hash, and the admin role.
-- Never edit this file once shipped: add the next migration instead.

CREATE TABLE user_accounts (
    clinician_id BIGINT PRIMARY KEY REFERENCES clinicians (id),
    pin_hash TEXT COLLATE "C" NOT NULL CHECK (pin_hash LIKE 'scrypt$%'),
    is_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);
