-- 0023 a payment list's months paid, one row a person (issue 14, 2): 0020 kept one row a person and
-- month, twelve rows a person for a year's list; the months are now a JSON list of "YYYY-MM" in order.
CREATE TABLE tracking_insured (
    id        INTEGER PRIMARY KEY,
    list_id   INTEGER NOT NULL REFERENCES tracking_lists (id),
    id_number TEXT NOT NULL,
    months    TEXT NOT NULL,              -- JSON list of "YYYY-MM", in order
    UNIQUE (list_id, id_number)
);
INSERT INTO tracking_insured (list_id, id_number, months)
    SELECT list_id, id_number, json_group_array(month)
    FROM (SELECT list_id, id_number, month FROM tracking_insured_months ORDER BY list_id, id_number, month)
    GROUP BY list_id, id_number;
DROP TABLE tracking_insured_months;
