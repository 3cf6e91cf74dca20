-- 0012 a ruling the province sent names the other enterprise by its 统一社会信用代码 as well, so the
-- county's check can list that enterprise beside the worker as another claim.
ALTER TABLE province_rulings ADD COLUMN other_uscc TEXT NOT NULL DEFAULT '';
