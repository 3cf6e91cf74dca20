-- 0004 review workflow and letters: when a case was submitted and approved,
-- which decision the approver approved, and the letter's content as issued
-- (so a reprint years later says exactly the same and its digest can be checked).

ALTER TABLE applications ADD COLUMN submitted_at TEXT;
ALTER TABLE applications ADD COLUMN approved_at TEXT;
ALTER TABLE applications ADD COLUMN approved_decision_id INTEGER REFERENCES decisions (id);

ALTER TABLE letters ADD COLUMN content TEXT NOT NULL DEFAULT '{}';  -- JSON, schema laoxie.letter/1
CREATE INDEX letters_application ON letters (application_id);
-- At most one letter in force per application: a new one needs the old one voided.
CREATE UNIQUE INDEX letters_one_in_force ON letters (application_id) WHERE voided_at IS NULL;

-- What a letter says never changes after it is issued: only voiding and the
-- print count may change, and a void is final.
CREATE TRIGGER letters_fixed BEFORE UPDATE ON letters
WHEN NEW.office_id IS NOT OLD.office_id OR NEW.application_id IS NOT OLD.application_id
  OR NEW.decision_id IS NOT OLD.decision_id OR NEW.year IS NOT OLD.year OR NEW.seq IS NOT OLD.seq
  OR NEW.number IS NOT OLD.number OR NEW.verification_code IS NOT OLD.verification_code
  OR NEW.digest IS NOT OLD.digest OR NEW.content IS NOT OLD.content OR NEW.issued_by IS NOT OLD.issued_by
  OR NEW.issued_at IS NOT OLD.issued_at
BEGIN
    SELECT RAISE(ABORT, 'an issued letter is never changed: void it and issue a new one');
END;
CREATE TRIGGER letters_void_final BEFORE UPDATE ON letters
WHEN OLD.voided_at IS NOT NULL AND (NEW.voided_at IS NOT OLD.voided_at
  OR NEW.void_reason IS NOT OLD.void_reason OR NEW.voided_by IS NOT OLD.voided_by)
BEGIN
    SELECT RAISE(ABORT, 'a voided letter stays voided');
END;
