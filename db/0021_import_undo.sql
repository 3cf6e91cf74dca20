-- 0021 import undo (issue 15 item 2): an import records what going back from it needs, instead of a
-- verified copy of the whole office before every import (a cost that grew with the office). `undo` is
-- JSON: the ids it added (persons and employments above a mark) and the rows it changed as they were
-- before (employments updated or made inactive, persons renamed), and the column mapping it replaced.
-- `undone_at` is set when the clerk undid the import (the row stays: the history keeps it).
ALTER TABLE roster_imports ADD COLUMN undo TEXT;
ALTER TABLE roster_imports ADD COLUMN undone_at TEXT;
