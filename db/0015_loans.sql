-- 0015 loans (issue 14, 跟踪评估): the loan an enterprise signed for an approved application.
-- The LPR the rate was compared with is kept as it was at recording (date, tenor, value, source),
-- with the warnings the clerk acknowledged, so a later LPR table does not change what was seen.
CREATE TABLE loans (
    id                  INTEGER PRIMARY KEY,
    application_id      INTEGER NOT NULL REFERENCES applications (id),
    bank_branch         TEXT NOT NULL CHECK (bank_branch <> ''),
    contract_number     TEXT NOT NULL CHECK (contract_number <> ''),
    amount_wan          TEXT NOT NULL,             -- decimal text, 万元
    start_date          TEXT NOT NULL,             -- ISO date
    term_months         INTEGER NOT NULL CHECK (term_months >= 1),
    end_date            TEXT NOT NULL,             -- ISO date, the last day of the term
    rate                TEXT NOT NULL,             -- decimal text, annual %
    preferential_end    TEXT,                      -- ISO date
    lpr_effective_from  TEXT NOT NULL,
    lpr_tenor           TEXT NOT NULL CHECK (lpr_tenor IN ('one_year', 'five_year')),
    lpr_value           TEXT NOT NULL,
    lpr_source          TEXT NOT NULL,
    warnings            TEXT NOT NULL DEFAULT '[]', -- JSON: [{"code": ..., "text": ...}] acknowledged
    acknowledged_by     INTEGER REFERENCES users (id),
    created_by          INTEGER REFERENCES users (id),
    created_at          TEXT NOT NULL,
    UNIQUE (bank_branch, contract_number),
    CHECK (warnings = '[]' OR acknowledged_by IS NOT NULL)
);
CREATE INDEX loans_application ON loans (application_id);
