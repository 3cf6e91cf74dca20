-- 0025 an unchanged re-import cut short (issue 15 item 1).  `reimport` is JSON written with the import:
-- the digests of what its result depended on (the file's SHA-256, the sheet / header row / columns asked
-- for, the remembered column mapping, the rule set, the check date), the last row_log id once it had
-- written, and what a second import of the same file would show (counts, absent workers, the rows with
-- problems).  NULL: the import recorded none (older imports, or a result that does not round-trip).
ALTER TABLE roster_imports ADD COLUMN reimport TEXT;
