-- 0010_clinician_roles: nothing on a file. On a clinic server this step ties clinicians to the
-- server's login roles (db/postgresql/0010_clinician_roles.sql); a file has no logins, so the
-- step is recorded here only to keep both engines' migrations in step.
-- Never edit this file once shipped: add the next migration instead.
SELECT 1;
