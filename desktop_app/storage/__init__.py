"""The local SQLite store of patients, visits and the audit log (no Qt)."""
