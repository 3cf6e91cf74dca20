-- 0024 the roster view reads a page at a time (issue 15, 5): an index in the roster's own order
-- (an enterprise's active workers by their row on the roster) serves the first page without
-- sorting the enterprise's rows, and counts them without reading the table.
CREATE INDEX employments_roster ON employments (enterprise_id, active, source_row);
