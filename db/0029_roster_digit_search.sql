-- 0029 the roster view's search by ID-number or phone digits without reading every employment
-- (issue 15, 5). Without the right to see full numbers a search matches the whole number or
-- the parts the mask shows (the first six and last four of an ID number; the first three and
-- last four of a mobile's digits, the last four of another phone): a text of four digits or
-- more can only equal a number's last four, or the whole number (whose last four it ends
-- with), or lie in an ID number's first six (prefix ranges on the unique index).  These two
-- indexes find the last four; the view checks every candidate against the full rule.
CREATE INDEX persons_id_tail ON persons (substr(id_number, -4));
CREATE INDEX employments_phone_tail ON employments (enterprise_id, substr(replace(phone, '-', ''), -4));
