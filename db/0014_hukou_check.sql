-- 0014 the clerk's answer where an ID number's area differs from the 户籍地 written on the roster
-- (issue 17, 3): 'checked' = 已核对户口簿 (the 户籍地 stands), 'excluded' = the worker is not counted.
-- NULL: not looked at (the check, the review page and the letter's annex show the difference).

ALTER TABLE employments ADD COLUMN hukou_check TEXT CHECK (hukou_check IN ('checked', 'excluded'));
