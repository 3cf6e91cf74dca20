-- 0003 batches: this installation's own keys, the other offices' public keys,
-- batch files held in quarantine, and which county record each row the
-- province keeps came from.  (The batches and batch_items tables are in 0002.)

-- A county's signing key, a province's decryption key.  The private key is kept
-- only encrypted with its passphrase (an armored age file); a new key retires
-- the old one, which stays for the record.
CREATE TABLE own_keys (
    id                INTEGER PRIMARY KEY,
    office_id         INTEGER NOT NULL REFERENCES offices (id),
    purpose           TEXT NOT NULL CHECK (purpose IN ('signing', 'encryption')),
    suite             TEXT NOT NULL,
    public_key        TEXT NOT NULL,
    fingerprint       TEXT NOT NULL,                 -- SHA256:… (docs/batch-format.md)
    protected_private TEXT NOT NULL CHECK (protected_private LIKE '-----BEGIN AGE ENCRYPTED FILE-----%'),
    created_at        TEXT NOT NULL,
    created_by        INTEGER REFERENCES users (id),
    retired_at        TEXT
);
CREATE UNIQUE INDEX own_keys_active ON own_keys (office_id, purpose) WHERE retired_at IS NULL;

-- On a county: the province's public encryption key.  On the province: each
-- county's public signing key, registered after reading the fingerprint back
-- over the phone.
CREATE TABLE peer_keys (
    id            INTEGER PRIMARY KEY,
    office_code   TEXT NOT NULL CHECK (length(office_code) = 6),
    office_name   TEXT NOT NULL CHECK (office_name <> ''),
    purpose       TEXT NOT NULL CHECK (purpose IN ('signing', 'encryption')),
    suite         TEXT NOT NULL,
    public_key    TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    registered_by INTEGER REFERENCES users (id),
    retired_at    TEXT
);
CREATE UNIQUE INDEX peer_keys_active ON peer_keys (office_code, purpose) WHERE retired_at IS NULL;

-- A batch file the province refused.  The file itself is copied to the
-- quarantine folder beside the database; nothing else of it is stored.  What it
-- claims (office, batch id, sequence) is recorded when the manifest could be read.
CREATE TABLE batch_quarantine (
    id             INTEGER PRIMARY KEY,
    file_name      TEXT NOT NULL,
    file_sha256    TEXT NOT NULL CHECK (length(file_sha256) = 64),
    file_size      INTEGER NOT NULL CHECK (file_size >= 0),
    stored_as      TEXT NOT NULL,
    reason         TEXT NOT NULL,                    -- the main reason code
    report         TEXT NOT NULL,                    -- JSON: every reason with its Chinese message
    office_code    TEXT,
    batch_uuid     TEXT,
    seq            INTEGER,
    quarantined_at TEXT NOT NULL,
    quarantined_by INTEGER REFERENCES users (id)
);
CREATE INDEX batch_quarantine_sha ON batch_quarantine (file_sha256);
CREATE TRIGGER batch_quarantine_no_delete BEFORE DELETE ON batch_quarantine
BEGIN
    SELECT RAISE(ABORT, 'a quarantined batch is kept, never dropped');
END;

-- Province: the row kept for a county's record (by the county's own row id), so
-- a record sent again updates the same row instead of making a second one.
CREATE TABLE batch_refs (
    office_id INTEGER NOT NULL REFERENCES offices (id),
    entity    TEXT NOT NULL CHECK (entity IN ('enterprise', 'user', 'application', 'decision', 'letter')),
    source_id INTEGER NOT NULL,
    local_id  INTEGER NOT NULL,
    batch_id  INTEGER NOT NULL REFERENCES batches (id),
    PRIMARY KEY (office_id, entity, source_id)
);
CREATE INDEX batches_office_seq ON batches (direction, office_id, seq);
