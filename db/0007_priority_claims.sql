-- 0007 priority groups: what the enterprise claims and what the clerk verified are kept apart
-- (吉人社联〔2022〕19号 三（二）; DOMAIN.md 3.3).
--
-- priority_claim: the group the enterprise wrote in its roster's 重点群体 column (企业申报);
--   a later roster replaces it.  It counts toward the reduced standard and 优先放贷 only
--   where the policy data says unverified claims count (default: no).
-- priority_group + priority_evidence: the group the clerk verified, with the evidence
--   reference seen (e.g. "核对县脱贫人口名单（2026-11）"); only the clerk sets these.
--
-- Existing data: a group with an evidence reference was marked by the clerk and stays
-- verified (whether the roster also claimed it is not known: its claim is left empty); a
-- group without evidence came from the roster's column and becomes a claim.

ALTER TABLE employments ADD COLUMN priority_claim TEXT CHECK (priority_claim IN
    ('poverty_alleviated', 'employment_difficulty', 'registered_unemployed', 'unemployed_graduate'));

UPDATE employments SET priority_claim = priority_group, priority_group = NULL
 WHERE priority_group IS NOT NULL AND priority_evidence = '';

-- A verified group always carries its evidence reference.
CREATE TRIGGER employments_verified_has_evidence_insert BEFORE INSERT ON employments
WHEN NEW.priority_group IS NOT NULL AND NEW.priority_evidence = ''
BEGIN
    SELECT RAISE(ABORT, 'a verified priority group needs an evidence reference');
END;
CREATE TRIGGER employments_verified_has_evidence_update BEFORE UPDATE OF priority_group, priority_evidence
ON employments
WHEN NEW.priority_group IS NOT NULL AND NEW.priority_evidence = ''
BEGIN
    SELECT RAISE(ABORT, 'a verified priority group needs an evidence reference');
END;

CREATE INDEX employments_claim ON employments (enterprise_id, priority_claim);
