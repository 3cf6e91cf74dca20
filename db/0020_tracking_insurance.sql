-- 0020 social-insurance payment lists (issue 14, 2, 社保缴费明细): a list for a period may come from the
-- enterprise's roster or from its insurance payment list; a payment list also gives each person's months
-- paid (all the months the file covers, not only the period's), for the timeline of months insured.
ALTER TABLE tracking_lists ADD COLUMN kind TEXT NOT NULL DEFAULT 'roster' CHECK (kind IN ('roster', 'insurance'));

CREATE TABLE tracking_insured_months (
    id        INTEGER PRIMARY KEY,
    list_id   INTEGER NOT NULL REFERENCES tracking_lists (id),
    id_number TEXT NOT NULL,
    month     TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
    UNIQUE (list_id, id_number, month)
);
