-- 0011 record history (province): a later batch from a county that changes a record it sent
-- before (an enterprise's contact, an application's status) updates the record and keeps what it
-- was, here, with the batch that changed it. Nothing a county sent is overwritten silently.
CREATE TABLE record_history (
    id          INTEGER PRIMARY KEY,
    entity      TEXT NOT NULL CHECK (entity IN ('enterprise', 'application')),
    local_id    INTEGER NOT NULL,
    batch_id    INTEGER NOT NULL REFERENCES batches (id),
    changes     TEXT NOT NULL,                    -- JSON: {"column": [before, after], ...}
    recorded_at TEXT NOT NULL
);
CREATE INDEX record_history_of ON record_history (entity, local_id);
CREATE TRIGGER record_history_kept BEFORE DELETE ON record_history
BEGIN
    SELECT RAISE(ABORT, 'the history of a county''s records is kept');
END;
