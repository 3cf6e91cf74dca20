-- 0019 agreements (issue 17 item 2): the office's labor-cooperation agreements (劳务协作协议) with
-- each source county (输出地), with the reference and the days they are in force. A county with an
-- agreement recorded is a paired area only while one is in force on the review date; an agreement is
-- ended by giving it a last day (never deleted, so the decisions made under it can still be read).
CREATE TABLE agreements (
    id          INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL CHECK (county_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'),
    reference   TEXT NOT NULL CHECK (length(trim(reference)) > 0),
    starts      TEXT NOT NULL CHECK (starts GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    ends        TEXT CHECK (ends IS NULL OR (ends GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' AND ends >= starts)),
    note        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL,
    ended_by    INTEGER REFERENCES users (id),
    ended_at    TEXT
);
CREATE INDEX agreements_of ON agreements (county_code, starts);
CREATE TRIGGER agreements_no_delete BEFORE DELETE ON agreements
BEGIN
    SELECT RAISE(ABORT, 'an agreement is ended, never deleted');
END;
