-- 0009 province: what the province finds in the counties' batches and what it decides.
--   identity_conflicts  the same ID number arriving with another name or birth date (kept, not renamed)
--   duplicate_rulings   the province's ruling on a worker counted by two enterprises
--   province_rulings    (county side) the rulings the province sent this county in a notice
--   bank_lists          each list made for 省开行

CREATE TABLE identity_conflicts (
    id                  INTEGER PRIMARY KEY,
    person_id           INTEGER NOT NULL REFERENCES persons (id),
    known_name          TEXT NOT NULL,
    known_birth_date    TEXT,
    known_office_id     INTEGER REFERENCES offices (id),     -- the county whose record it is (NULL: unknown)
    arriving_name       TEXT NOT NULL,
    arriving_birth_date TEXT,
    arriving_office_id  INTEGER NOT NULL REFERENCES offices (id),
    batch_id            INTEGER NOT NULL REFERENCES batches (id),
    found_at            TEXT NOT NULL,
    settled_name        TEXT,
    settled_reason      TEXT,
    settled_by          INTEGER REFERENCES users (id),
    settled_at          TEXT
);
CREATE UNIQUE INDEX identity_conflicts_open
    ON identity_conflicts (person_id, arriving_name, coalesce(arriving_birth_date, '')) WHERE settled_at IS NULL;

CREATE TABLE duplicate_rulings (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES persons (id),
    employment_a  INTEGER NOT NULL REFERENCES employments (id),
    employment_b  INTEGER NOT NULL REFERENCES employments (id),
    ruling        TEXT NOT NULL CHECK (ruling IN ('not_duplicate', 'a_only', 'b_only')),
    reason        TEXT NOT NULL CHECK (trim(reason) <> ''),
    ruled_by      INTEGER REFERENCES users (id),
    ruled_at      TEXT NOT NULL,
    superseded_at TEXT,                                       -- a later ruling on the same pair replaced it
    CHECK (employment_a < employment_b)
);
CREATE UNIQUE INDEX duplicate_rulings_current
    ON duplicate_rulings (employment_a, employment_b) WHERE superseded_at IS NULL;

CREATE TABLE province_rulings (
    id               INTEGER PRIMARY KEY,
    ruling_uid       TEXT NOT NULL UNIQUE,                    -- "<province code>:<ruling id>"
    id_number        TEXT NOT NULL CHECK (length(id_number) = 18),
    name             TEXT NOT NULL,
    enterprise_uscc  TEXT NOT NULL,
    counts_here      INTEGER NOT NULL CHECK (counts_here IN (0, 1)),
    ruling           TEXT NOT NULL CHECK (ruling IN ('not_duplicate', 'a_only', 'b_only')),
    reason           TEXT NOT NULL,
    other_office     TEXT NOT NULL,
    other_enterprise TEXT NOT NULL,
    ruled_at         TEXT NOT NULL,
    received_at      TEXT NOT NULL
);

CREATE TABLE bank_lists (
    id          INTEGER PRIMARY KEY,
    period      TEXT NOT NULL,                                -- YYYY-MM
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),
    rows        INTEGER NOT NULL CHECK (rows >= 0),
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL
);
