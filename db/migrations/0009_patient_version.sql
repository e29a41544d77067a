-- 0009_patient_version: the patient's version, raised by every change of their details, so a
-- copy of the app that saves details over a version it has not seen is refused with a clear
-- message (PatientConflict, storage/patients.py) instead of silently overwriting another
-- workstation's change. Not part of the demographics digest.
-- Never edit this file once shipped: add the next migration instead.
ALTER TABLE patients ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
