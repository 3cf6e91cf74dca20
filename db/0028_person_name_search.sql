-- 0028 the roster view's name search without reading every person (issue 15, 5). Chinese
-- names are two to four characters, too short for a trigram index.  A name of up to three
-- characters contains a text of two or more from its second character (a prefix range on
-- substr(name, 2)) or from its first (the range of the text's second character on, then the
-- first compared, from the index too), so this one index serves both; the few longer names (four characters and
-- more) are read through their own partial index.  It takes the place of persons (name), which
-- 0026 dropped as no query read it: one index on every person written, as before 0026.
CREATE INDEX persons_name_2 ON persons (substr(name, 2), substr(name, 1, 1));
CREATE INDEX persons_name_long ON persons (name) WHERE length(name) > 3;
