-- 0013_verify_indexes: what `verify --incremental` counts, read from indexes instead of whole
-- tables (issue 14: on 100k patients x 3 visits its counts scanned the 773k-entry audit log five
-- times and every visit row once). The audit log by action and entity (creates, amendments and
-- signatures counted), and visits by status (the signed ones counted).
-- Never edit this file once shipped: add the next migration instead.

CREATE INDEX audit_log_action ON audit_log (action, entity, entity_id);
CREATE INDEX visits_status ON visits (status);
