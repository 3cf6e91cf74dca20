-- 0005 the PDF of a letter as it was issued (the original print), kept with the letter:
-- a reprint is drawn again and stamped 副本, a batch for the province carries this file.
-- Letters issued before this migration have none (they are drawn when needed).

CREATE TABLE letter_files (
    letter_id INTEGER PRIMARY KEY REFERENCES letters (id),
    pdf BLOB NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    created_at TEXT NOT NULL
);

-- The issued PDF is a record, like the letter: never changed, never deleted.
CREATE TRIGGER letter_files_fixed BEFORE UPDATE ON letter_files
BEGIN
    SELECT RAISE(ABORT, 'the PDF of an issued letter is never changed');
END;
CREATE TRIGGER letter_files_kept BEFORE DELETE ON letter_files
BEGIN
    SELECT RAISE(ABORT, 'the PDF of an issued letter is never deleted');
END;
