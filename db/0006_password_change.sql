-- 0006 a password someone else chose (a new user's first one, an admin's reset)
-- must be changed by its user at the next sign-in, in the window or on the command line.

ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));
