-- 0002_name_prefixes: patient search in name order from an index whose cost per keystroke does not
-- grow with the number of patients. Every word of a patient's folded name (patients.search_name,
-- see storage/search.py) contributes its first 1..5 letters as rows keyed (prefix, search_name,
-- patient_id), so "the first 50 patients, in name order, with a word starting 'kow'" is one index
-- range read of 50 rows. Longer words and further words typed are filtered within that range.
-- Replaces the FTS5 index of 0001, whose prefix matches came back unordered (sorting them in name
-- order grew with the database). Never edit this file once shipped: add 0003_... instead.

DROP TRIGGER IF EXISTS patients_fts_insert;
DROP TRIGGER IF EXISTS patients_fts_delete;
DROP TRIGGER IF EXISTS patients_fts_update;
DROP TABLE IF EXISTS patients_fts;

CREATE TABLE patient_name_prefixes (
    prefix TEXT NOT NULL,  -- the first 1..5 characters of one word of search_name
    search_name TEXT NOT NULL,  -- copied from patients, so the index itself is in name order
    patient_id INTEGER NOT NULL,  -- patients.id (no foreign key: the triggers keep it in step)
    PRIMARY KEY (prefix, search_name, patient_id)
) WITHOUT ROWID;
CREATE INDEX patient_name_prefixes_patient ON patient_name_prefixes (patient_id);

-- search_name holds only word characters and single spaces (no quotes or backslashes), so it can
-- be split into words as a JSON array.
CREATE TRIGGER patient_name_prefixes_insert AFTER INSERT ON patients BEGIN
    INSERT OR IGNORE INTO patient_name_prefixes (prefix, search_name, patient_id)
    SELECT DISTINCT substr(word.value, 1, size.value), new.search_name, new.id
    FROM json_each('["' || replace(new.search_name, ' ', '","') || '"]') AS word,
         json_each('[1,2,3,4,5]') AS size
    WHERE word.value <> '' AND size.value <= length(word.value);
END;
CREATE TRIGGER patient_name_prefixes_delete AFTER DELETE ON patients BEGIN
    DELETE FROM patient_name_prefixes WHERE patient_id = old.id;
END;
CREATE TRIGGER patient_name_prefixes_update AFTER UPDATE OF search_name ON patients BEGIN
    DELETE FROM patient_name_prefixes WHERE patient_id = old.id;
    INSERT OR IGNORE INTO patient_name_prefixes (prefix, search_name, patient_id)
    SELECT DISTINCT substr(word.value, 1, size.value), new.search_name, new.id
    FROM json_each('["' || replace(new.search_name, ' ', '","') || '"]') AS word,
         json_each('[1,2,3,4,5]') AS size
    WHERE word.value <> '' AND size.value <= length(word.value);
END;

-- Patients saved before this migration.
INSERT OR IGNORE INTO patient_name_prefixes (prefix, search_name, patient_id)
SELECT DISTINCT substr(word.value, 1, size.value), p.search_name, p.id
FROM patients AS p,
     json_each('["' || replace(p.search_name, ' ', '","') || '"]') AS word,
     json_each('[1,2,3,4,5]') AS size
WHERE word.value <> '' AND size.value <= length(word.value);
