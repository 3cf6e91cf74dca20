-- 0022 loans and their re-verifications travel to the province in batches (laoxie.batch/2, issue 14
-- item 5). One map, both sides, like batch_refs (whose entity list a CHECK fixes):
-- * at a county: the batch that last carried each of its loans, checks and approvers' answers to
--   checks (source_id = local_id = the row's own id), so a batch sends what has not gone yet;
-- * at the province: a county's loan, check or answer id -> the row kept here (a loan sent again updates its
--   row; a check or an answer is never changed, so one already kept is not stored again).
CREATE TABLE batch_tracking_refs (
    office_id INTEGER NOT NULL REFERENCES offices (id),
    entity    TEXT NOT NULL CHECK (entity IN ('loan', 'tracking_check', 'tracking_confirmation')),
    source_id INTEGER NOT NULL,
    local_id  INTEGER NOT NULL,
    batch_id  INTEGER NOT NULL REFERENCES batches (id),
    PRIMARY KEY (office_id, entity, source_id)
);
CREATE INDEX batch_tracking_refs_batch ON batch_tracking_refs (batch_id);
