-- 0017 tracking (issue 14, 跟踪评估): the periodic lists an enterprise hands in during its loan, and
-- every re-verification made from them. A list for a period imported again is a new list (the newest
-- per period is used; the earlier stays); a check is never changed or removed: each is a new record.
CREATE TABLE tracking_lists (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    period        TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
    staff_total   INTEGER NOT NULL CHECK (staff_total >= 0),
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    rows          INTEGER NOT NULL,
    imported_by   INTEGER REFERENCES users (id),
    imported_at   TEXT NOT NULL
);
CREATE INDEX tracking_lists_of ON tracking_lists (enterprise_id, period);

CREATE TABLE tracking_list_rows (
    id               INTEGER PRIMARY KEY,
    list_id          INTEGER NOT NULL REFERENCES tracking_lists (id),
    id_number        TEXT NOT NULL,
    name             TEXT NOT NULL,
    hukou_text       TEXT NOT NULL DEFAULT '',
    hukou_code       TEXT,
    contract_type    TEXT NOT NULL,
    contract_start   TEXT,
    contract_end     TEXT,
    hire_date        TEXT,
    social_insurance INTEGER,
    UNIQUE (list_id, id_number)
);

CREATE TABLE tracking_checks (
    id              INTEGER PRIMARY KEY,
    loan_id         INTEGER NOT NULL REFERENCES loans (id),
    check_date      TEXT NOT NULL,
    verdict         TEXT NOT NULL CHECK (verdict IN ('met', 'at_risk', 'not_met')),
    needs_attention INTEGER NOT NULL CHECK (needs_attention IN (0, 1)),
    qualifying      INTEGER NOT NULL,
    staff_total     INTEGER NOT NULL,
    latest_period   TEXT NOT NULL,
    ruleset_version TEXT NOT NULL,
    payload         TEXT NOT NULL,             -- the steps and every worker's span (JSON)
    created_by      INTEGER REFERENCES users (id),
    created_at      TEXT NOT NULL
);
CREATE INDEX tracking_checks_of ON tracking_checks (loan_id, check_date);
CREATE TRIGGER tracking_checks_fixed BEFORE UPDATE ON tracking_checks
BEGIN
    SELECT RAISE(ABORT, 'a re-verification is kept as it was made');
END;
CREATE TRIGGER tracking_checks_kept BEFORE DELETE ON tracking_checks
BEGIN
    SELECT RAISE(ABORT, 'a re-verification is kept as it was made');
END;
