-- 0009_patient_version (PostgreSQL): as db/migrations/0009_patient_version.sql, the patient's
-- version raised by every change of their details (PatientConflict, storage/patients.py).
-- Never edit this file once shipped: add the next migration instead.
ALTER TABLE patients ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
