-- 0018 tracking confirmations (issue 14, 3): a re-verification below the standard (不达标) is
-- confirmed by an approver who did not run it, or returned with a reason; until then it is 待确认.
-- One answer per check, never changed or removed (a new check is the way to change the outcome).
CREATE TABLE tracking_confirmations (
    id           INTEGER PRIMARY KEY,
    check_id     INTEGER NOT NULL UNIQUE REFERENCES tracking_checks (id),
    outcome      TEXT NOT NULL CHECK (outcome IN ('confirmed', 'returned')),
    reason       TEXT NOT NULL DEFAULT '',
    answered_by  INTEGER NOT NULL REFERENCES users (id),
    answered_at  TEXT NOT NULL,
    CHECK (outcome = 'confirmed' OR reason <> '')
);
CREATE TRIGGER tracking_confirmations_fixed BEFORE UPDATE ON tracking_confirmations
BEGIN
    SELECT RAISE(ABORT, 'an answer to a re-verification is kept as it was given');
END;
CREATE TRIGGER tracking_confirmations_kept BEFORE DELETE ON tracking_confirmations
BEGIN
    SELECT RAISE(ABORT, 'an answer to a re-verification is kept as it was given');
END;
