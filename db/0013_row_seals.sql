-- 0013 every row proves itself (issue 11).  Each change the app makes to a row of the
-- office's record is logged here with a digest of the row as written (NULL: the row was
-- deleted).  The app's connections log by TEMP triggers (desktop/store/seals.py): they live
-- only in the app's own connections, so a change made with another tool is not logged and
-- the row no longer matches its last digest.  Each audit entry binds the log rows written
-- since the entry before (rows_to, rows_hash), so the log is part of the hash chain.
-- Rows already in the file are sealed when this migration runs (seals.seal_existing).

CREATE TABLE row_log (
    id     INTEGER PRIMARY KEY,
    tbl    TEXT NOT NULL,
    rid    NOT NULL,      -- no affinity: the row's key: its integer id, or its primary key's value(s)
    digest BLOB           -- NULL: deleted
);
CREATE INDEX row_log_row ON row_log (tbl, rid, id);
CREATE TRIGGER row_log_no_update BEFORE UPDATE ON row_log
BEGIN
    SELECT RAISE(ABORT, 'row_log is append-only');
END;
CREATE TRIGGER row_log_no_delete BEFORE DELETE ON row_log
BEGIN
    SELECT RAISE(ABORT, 'row_log is append-only');
END;

ALTER TABLE audit_log ADD COLUMN rows_to INTEGER;               -- last row_log id this entry binds
ALTER TABLE audit_log ADD COLUMN rows_hash TEXT NOT NULL DEFAULT '';  -- sha256 of those log rows
