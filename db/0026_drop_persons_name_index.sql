-- 0026 an import of 100,000 workers wrote 100,000 entries into an index that no query reads
-- (issue 15 items 1 and 2): persons (name) served no lookup (the name search is LIKE '%…%', read
-- with the roster's own rows; lists sort by name_key, which keeps its index).  Each new person
-- cost a random insert into it, the more so the more persons the office holds: about 0.3 s CPU of
-- an import into an office of 500,000 employments, 0.1 s into a new one.
DROP INDEX IF EXISTS persons_name;
