-- 0016 province: who each enterprise counts, kept at import so the duplicate search is an indexed
-- join, not a read of every decision's payload. One row per enterprise and person the decision its
-- latest application stands on (the approved one, else the latest) counts, with that application's
-- letter in force. Rebuilt for an enterprise whenever a batch brings it.
CREATE TABLE province_counted (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    person_id     INTEGER NOT NULL REFERENCES persons (id),
    letter_id     INTEGER REFERENCES letters (id),
    PRIMARY KEY (enterprise_id, person_id)
);
CREATE INDEX province_counted_person ON province_counted (person_id, enterprise_id);

INSERT OR IGNORE INTO province_counted (enterprise_id, person_id, letter_id)
SELECT s.enterprise_id, p.id, s.letter_id
FROM (SELECT a.enterprise_id,
             coalesce(a.approved_decision_id,
                      (SELECT max(x.id) FROM decisions x WHERE x.application_id = a.id)) AS decision_id,
             (SELECT max(y.id) FROM letters y WHERE y.application_id = a.id AND y.voided_at IS NULL) AS letter_id
      FROM applications a JOIN enterprises e ON e.id = a.enterprise_id JOIN offices o ON o.id = e.office_id
      WHERE o.is_local = 0
        AND a.id = (SELECT max(z.id) FROM applications z WHERE z.enterprise_id = a.enterprise_id)) s
JOIN decisions d ON d.id = s.decision_id, json_each(d.payload, '$.workers') w
JOIN persons p ON p.id_number = json_extract(w.value, '$.id_number')
WHERE json_extract(w.value, '$.counted');
