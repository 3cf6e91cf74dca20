-- 0010 quarantine rechecks.
-- A quarantined batch checked again (say, after its county's key was registered): the quarantine
-- row stays as it was; this says when and how the check ended (a refusal again is a new quarantine row).
CREATE TABLE quarantine_rechecks (
    id            INTEGER PRIMARY KEY,
    quarantine_id INTEGER NOT NULL REFERENCES batch_quarantine (id),
    result        TEXT NOT NULL CHECK (result IN ('accepted', 'quarantined', 'unreadable')),
    rechecked_by  INTEGER REFERENCES users (id),
    rechecked_at  TEXT NOT NULL
);
CREATE INDEX quarantine_rechecks_of ON quarantine_rechecks (quarantine_id);
