-- 0030 the roster view's search by a whole ID number for a user with the right to see full
-- numbers (issue 15, 5): such a search matches any part of the ID number or of the phone's
-- free text, so a text of 18 characters is the whole ID number (the unique index) or lies in
-- a phone of 18 characters or more.  Those phones are few; this partial index holds only them.
CREATE INDEX employments_long_phone ON employments (enterprise_id) WHERE length(phone) >= 18;
