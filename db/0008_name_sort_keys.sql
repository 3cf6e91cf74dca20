-- 0008 lists of enterprises and workers sort by pinyin, as a Chinese reader expects, not by code point.
-- Each name gets a sort key beside it (desktop/core/pinyin_order.py; the store registers the two
-- functions on every connection it opens and writes the key with every name it writes).
ALTER TABLE enterprises ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE persons ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
UPDATE enterprises SET name_key = enterprise_sort_key(name);
UPDATE persons SET name_key = person_sort_key(name);
CREATE INDEX enterprises_office_name_key ON enterprises (office_id, name_key);
CREATE INDEX persons_name_key ON persons (name_key);
