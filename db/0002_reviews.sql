-- 0002 reviews: applications, persons, employments, decisions, letters,
-- batches.  Persons are unique by ID number across offices, so the province
-- workspace can find a worker claimed by two enterprises.

CREATE TABLE applications (
    id                 INTEGER PRIMARY KEY,
    enterprise_id      INTEGER NOT NULL REFERENCES enterprises (id),
    loan_type          TEXT NOT NULL DEFAULT 'working_capital'
                       CHECK (loan_type IN ('working_capital', 'fixed_asset')),
    amount_wan         REAL CHECK (amount_wan >= 0),
    applied_on         TEXT,                       -- ISO date
    review_date        TEXT,                       -- ISO date the rules are applied at
    status             TEXT NOT NULL DEFAULT 'draft'
                       CHECK (status IN ('draft', 'submitted', 'returned', 'approved', 'issued', 'withdrawn')),
    version            INTEGER NOT NULL DEFAULT 1, -- reopening an approved case starts a new version
    evidence_contracts INTEGER NOT NULL DEFAULT 0 CHECK (evidence_contracts IN (0, 1)),
    evidence_wages     INTEGER NOT NULL DEFAULT 0 CHECK (evidence_wages IN (0, 1)),
    form_data          TEXT NOT NULL DEFAULT '{}', -- 附件1 / 附件2 fields (JSON)
    prepared_by        INTEGER REFERENCES users (id),
    approved_by        INTEGER REFERENCES users (id),
    return_reason      TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX applications_enterprise ON applications (enterprise_id);
CREATE INDEX applications_status ON applications (status);

CREATE TABLE persons (
    id         INTEGER PRIMARY KEY,
    id_number  TEXT NOT NULL UNIQUE CHECK (length(id_number) = 18),
    name       TEXT NOT NULL CHECK (name <> ''),
    sex        TEXT CHECK (sex IN ('M', 'F')),
    birth_date TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX persons_name ON persons (name);

CREATE TABLE roster_imports (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    sheet         TEXT NOT NULL DEFAULT '',
    counts        TEXT NOT NULL DEFAULT '{}',      -- JSON: new / updated / unchanged / refused
    imported_by   INTEGER REFERENCES users (id),
    imported_at   TEXT NOT NULL
);

CREATE TABLE employments (
    id                INTEGER PRIMARY KEY,
    enterprise_id     INTEGER NOT NULL REFERENCES enterprises (id),
    person_id         INTEGER NOT NULL REFERENCES persons (id),
    hukou_text        TEXT NOT NULL DEFAULT '',    -- 户籍地 as written on the roster
    hukou_code        TEXT,                        -- resolved county code (NULL: not resolved)
    contract_type     TEXT NOT NULL DEFAULT 'fixed'
                      CHECK (contract_type IN ('fixed', 'open_ended', 'task')),
    contract_start    TEXT,
    contract_end      TEXT,
    hire_date         TEXT,
    job               TEXT NOT NULL DEFAULT '',
    monthly_wage      REAL CHECK (monthly_wage >= 0),
    paid_months       TEXT,                        -- JSON list of YYYY-MM; NULL: roster had no such column
    social_insurance  INTEGER CHECK (social_insurance IN (0, 1)),
    phone             TEXT NOT NULL DEFAULT '',
    priority_group    TEXT CHECK (priority_group IN
                      ('poverty_alleviated', 'employment_difficulty', 'registered_unemployed', 'unemployed_graduate')),
    priority_evidence TEXT NOT NULL DEFAULT '',
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    roster_import_id  INTEGER REFERENCES roster_imports (id),
    source_row        INTEGER,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (enterprise_id, person_id)
);
CREATE INDEX employments_person ON employments (person_id);
CREATE INDEX employments_hukou ON employments (enterprise_id, hukou_code);
CREATE INDEX employments_group ON employments (enterprise_id, priority_group);

CREATE TABLE decisions (
    id                  INTEGER PRIMARY KEY,
    application_id      INTEGER NOT NULL REFERENCES applications (id),
    application_version INTEGER NOT NULL,
    review_date         TEXT NOT NULL,
    ruleset_version     TEXT NOT NULL,
    standard            TEXT NOT NULL CHECK (standard IN ('normal', 'reduced')),
    qualifying_count    INTEGER NOT NULL,
    staff_total         INTEGER NOT NULL,
    computed_result     TEXT NOT NULL CHECK (computed_result IN ('pass', 'fail')),
    final_result        TEXT NOT NULL CHECK (final_result IN ('pass', 'fail')),
    override_reason     TEXT NOT NULL DEFAULT '',
    override_by         INTEGER REFERENCES users (id),
    payload             TEXT NOT NULL,             -- the full decision with its explanation (JSON)
    created_by          INTEGER REFERENCES users (id),
    created_at          TEXT NOT NULL,
    CHECK (final_result = computed_result OR (override_reason <> '' AND override_by IS NOT NULL))
);
CREATE INDEX decisions_application ON decisions (application_id);

CREATE TABLE letters (
    id                INTEGER PRIMARY KEY,
    office_id         INTEGER NOT NULL REFERENCES offices (id),
    application_id    INTEGER NOT NULL REFERENCES applications (id),
    decision_id       INTEGER NOT NULL REFERENCES decisions (id),
    year              INTEGER NOT NULL,
    seq               INTEGER NOT NULL CHECK (seq >= 1),
    number            TEXT NOT NULL,               -- 文号, e.g. 延吉人社劳协确〔2026〕12号
    verification_code TEXT NOT NULL UNIQUE,
    digest            TEXT NOT NULL,
    issued_by         INTEGER REFERENCES users (id),
    issued_at         TEXT NOT NULL,
    voided_at         TEXT,
    void_reason       TEXT NOT NULL DEFAULT '',
    voided_by         INTEGER REFERENCES users (id),
    print_count       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (office_id, year, seq),
    CHECK (voided_at IS NULL OR void_reason <> '')
);
-- A letter number is never reused: letters are voided, not deleted.
CREATE TRIGGER letters_no_delete BEFORE DELETE ON letters
BEGIN
    SELECT RAISE(ABORT, 'letters are voided, never deleted');
END;

CREATE TABLE batches (
    id          INTEGER PRIMARY KEY,
    office_id   INTEGER NOT NULL REFERENCES offices (id), -- the county that made it
    direction   TEXT NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    batch_uuid  TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    status      TEXT NOT NULL,                 -- outgoing: written/received; incoming: accepted/quarantined
    file_name   TEXT NOT NULL DEFAULT '',
    file_sha256 TEXT NOT NULL DEFAULT '',
    manifest    TEXT NOT NULL DEFAULT '{}',
    report      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    received_at TEXT,
    UNIQUE (direction, office_id, batch_uuid)
);

CREATE TABLE batch_items (
    batch_id       INTEGER NOT NULL REFERENCES batches (id),
    application_id INTEGER NOT NULL REFERENCES applications (id),
    PRIMARY KEY (batch_id, application_id)
);
