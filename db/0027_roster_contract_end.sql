-- 0027 the roster view sorted by contract end (the contracts about to end first, issue 15, 5):
-- an index in that order over an enterprise's active workers serves a page without sorting
-- every row of the enterprise (a county of 110,000 workers took 0.25-0.5 s to sort).
CREATE INDEX employments_contract_end ON employments (enterprise_id, active, contract_end);
