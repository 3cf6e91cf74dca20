-- 0001 foundation: offices, settings, users, enterprises, the audit log.
-- One file per county office; the province workspace keeps many offices in
-- one file, so everything an office owns carries office_id.

CREATE TABLE schema_history (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    app_version TEXT NOT NULL,
    applied_at  TEXT NOT NULL
);

CREATE TABLE offices (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL CHECK (length(code) = 6),   -- county code; 220000 for the province
    name          TEXT NOT NULL CHECK (name <> ''),
    kind          TEXT NOT NULL DEFAULT 'county' CHECK (kind IN ('county', 'province')),
    letter_prefix TEXT NOT NULL DEFAULT '',                 -- e.g. 延吉人社劳协确
    is_local      INTEGER NOT NULL DEFAULT 0 CHECK (is_local IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (code, name)
);
-- The office this installation works for; the others are the counties a
-- province workspace receives batches from.
CREATE UNIQUE INDEX offices_one_local ON offices (is_local) WHERE is_local = 1;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    office_id     INTEGER NOT NULL REFERENCES offices (id),
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (username <> ''),
    display_name  TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CHECK (role IN ('clerk', 'approver', 'admin')),
    password_hash TEXT,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE enterprises (
    id            INTEGER PRIMARY KEY,
    office_id     INTEGER NOT NULL REFERENCES offices (id),
    uscc          TEXT NOT NULL CHECK (length(uscc) = 18),  -- 统一社会信用代码
    name          TEXT NOT NULL CHECK (name <> ''),
    county_code   TEXT NOT NULL CHECK (length(county_code) = 6),
    industry      TEXT NOT NULL,                            -- code of the size standard's industry
    staff_total   INTEGER NOT NULL CHECK (staff_total >= 0),
    revenue_wan   REAL CHECK (revenue_wan >= 0),            -- 营业收入, 万元
    assets_wan    REAL CHECK (assets_wan >= 0),             -- 资产总额, 万元
    size_override TEXT CHECK (size_override IN ('micro', 'small', 'medium', 'large')),
    size_reason   TEXT NOT NULL DEFAULT '',
    contact_name  TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (office_id, uscc),
    CHECK (size_override IS NULL OR size_reason <> '')
);
CREATE INDEX enterprises_office_name ON enterprises (office_id, name);

-- Append-only and hash-chained: hash = sha256(prev_hash || canonical row).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    office_id INTEGER REFERENCES offices (id),
    user_id   INTEGER REFERENCES users (id),
    username  TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL DEFAULT '',
    entity_id TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
