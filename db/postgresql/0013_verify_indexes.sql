-- 0013_verify_indexes (PostgreSQL): as db/migrations/0013_verify_indexes.sql, what
-- `verify --incremental` counts read from indexes.
-- Never edit this file once shipped: add the next migration instead.

CREATE INDEX audit_log_action ON audit_log (action, entity, entity_id);
CREATE INDEX visits_status ON visits (status);
