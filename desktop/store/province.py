"""The province's register in the database (SQL only here): every county's applications with
their decisions and letters, who each enterprise counts, the bank lists it made; and, on a
county, the rulings the province sent it. Identity conflicts and workers counted by two
enterprises are in :mod:`desktop.store.province_pairs` (their names are here too).

A county's records at the province belong to offices with ``is_local = 0``. Writes run inside
the caller's transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.store import db
from desktop.store.province_pairs import (  # noqa: F401 - the province's store, one name
    DUPLICATE_SORTS, DUPLICATE_STATES, Duplicate, DuplicateQuery, IdentityConflict, IdentitySource, Ruling, Side,
    duplicate_counts, duplicates, identity_conflict_count, identity_conflicts, record_ruling, settle_identity,
)
from desktop.store.store import Store

# The decision an application stands on: the one approved, else its latest.
_DECISION_OF = ("coalesce(a.approved_decision_id, (SELECT max(x.id) FROM decisions x"
                " WHERE x.application_id = a.id))")
_LETTER_OF = ("(SELECT max(y.id) FROM letters y WHERE y.application_id = a.id AND y.voided_at IS NULL)")


@dataclass(frozen=True)
class RegisterRow:
    application_id: int
    county_code: str
    county_name: str
    enterprise_id: int
    enterprise_name: str
    uscc: str
    contact_name: str
    contact_phone: str
    status: str
    loan_type: str
    amount_wan: float | None
    approved_at: str | None
    decision_id: int | None
    result: str | None  # "pass" / "fail"
    standard: str | None  # "normal" / "reduced"
    standard_label: str
    size_label: str
    staff_total: int | None
    qualifying_count: int | None
    share_percent: str
    priority_workers: int
    letter_id: int | None
    letter_number: str
    verification_code: str
    loans: int = 0  # loans the county recorded for the application (laoxie.batch/2)
    last_check_date: str | None = None  # the latest re-verification of those loans
    last_verdict: str | None = None  # met / at_risk / not_met
    needs_attention: bool = False  # below the standard (the approver's answer says whether confirmed)
    last_answer: str | None = None  # the county approver's answer to it: confirmed / returned


_LAST_CHECK = ("(SELECT c.id FROM tracking_checks c JOIN loans n ON n.id = c.loan_id WHERE n.application_id = a.id"
               " ORDER BY c.check_date DESC, c.id DESC LIMIT 1)")


_REGISTER_FROM = ("FROM applications a JOIN enterprises e ON e.id = a.enterprise_id JOIN offices o ON o.id = e.office_id"
                  f" LEFT JOIN decisions d ON d.id = {_DECISION_OF} LEFT JOIN letters l ON l.id = {_LETTER_OF}")
_REGISTER_ORDER = "ORDER BY o.code, e.name_key, a.id"


def _register_where(county: str | None, status: str | None, period: str | None,
                    search: str) -> tuple[str, list[Any]]:
    where = ["o.is_local = 0"]
    params: list[Any] = []
    if county:
        where.append("o.code = ?")
        params.append(county)
    if status:
        where.append("a.status = ?")
        params.append(status)
    if period:
        where.append("substr(a.approved_at, 1, 7) = ?")
        params.append(period)
    if search.strip():
        where.append("(e.name LIKE ? OR e.uscc LIKE ? OR l.number LIKE ? OR l.verification_code LIKE ?)")
        params.extend([f"%{search.strip()}%"] * 4)
    return " AND ".join(where), params


def register(store: Store, *, county: str | None = None, status: str | None = None, period: str | None = None,
             search: str = "", limit: int | None = None, offset: int = 0) -> list[RegisterRow]:
    """The counties' applications (``period``: YYYY-MM of approval), by county then enterprise name;
    ``limit``/``offset`` for a page. The page's ids are chosen first, so what is read out of the
    decisions' payloads (large: every worker) is read for that page only."""
    where, params = _register_where(county, status, period, search)
    if limit is not None:
        where = f"a.id IN (SELECT a.id {_REGISTER_FROM} WHERE {where} {_REGISTER_ORDER} LIMIT ? OFFSET ?)"
        params = [*params, limit, offset]
    rows = store.conn.execute(
        "SELECT a.id, o.code, o.name AS county_name, e.id AS enterprise_id, e.name, e.uscc, e.contact_name,"
        " e.contact_phone, a.status, a.loan_type, a.amount_wan, a.approved_at, d.id AS decision_id, d.final_result,"
        " d.standard, json_extract(d.payload, '$.standard.label') AS standard_label,"
        " json_extract(d.payload, '$.size.label') AS size_label, d.staff_total, d.qualifying_count,"
        " json_extract(d.payload, '$.share_percent') AS share_percent,"
        " (SELECT coalesce(sum(c.value), 0) FROM json_each(d.payload, '$.priority_counts') c) AS priority,"
        " l.id AS letter_id, l.number, l.verification_code,"
        " (SELECT count(*) FROM loans n WHERE n.application_id = a.id), k.check_date, k.verdict, k.needs_attention,"
        " (SELECT t.outcome FROM tracking_confirmations t WHERE t.check_id = k.id)"
        f" {_REGISTER_FROM} LEFT JOIN tracking_checks k ON k.id = {_LAST_CHECK}"
        f" WHERE {where} {_REGISTER_ORDER}", params,
    ).fetchall()
    return [RegisterRow(
        application_id=int(r[0]), county_code=str(r[1]), county_name=str(r[2]), enterprise_id=int(r[3]),
        enterprise_name=str(r[4]), uscc=str(r[5]), contact_name=str(r[6] or ""), contact_phone=str(r[7] or ""),
        status=str(r[8]), loan_type=str(r[9] or ""), amount_wan=r[10], approved_at=r[11], decision_id=r[12],
        result=r[13], standard=r[14], standard_label=str(r[15] or ""), size_label=str(r[16] or ""),
        staff_total=r[17], qualifying_count=r[18], share_percent=str(r[19] or ""), priority_workers=int(r[20] or 0),
        letter_id=r[21], letter_number=str(r[22] or ""), verification_code=str(r[23] or ""),
        loans=int(r[24]), last_check_date=r[25], last_verdict=r[26], needs_attention=bool(r[27]), last_answer=r[28],
    ) for r in rows]


def register_count(store: Store, *, county: str | None = None, status: str | None = None,
                   period: str | None = None, search: str = "") -> tuple[int, int]:
    """(applications, counties) the register's filters match."""
    where, params = _register_where(county, status, period, search)
    row = store.conn.execute(f"SELECT count(*), count(DISTINCT o.code) {_REGISTER_FROM} WHERE {where}",
                             params).fetchone()
    return int(row[0]), int(row[1])


def register_counties(store: Store) -> list[tuple[str, str]]:
    """(code, name) of every county that sent applications, by code."""
    return [(str(r[0]), str(r[1])) for r in store.conn.execute(
        "SELECT DISTINCT o.code, o.name FROM applications a JOIN enterprises e ON e.id = a.enterprise_id"
        " JOIN offices o ON o.id = e.office_id WHERE o.is_local = 0 ORDER BY o.code")]


@dataclass(frozen=True)
class Answers:
    """What the county's clerk answered for the workers of an enterprise (issue 17): priority groups
    claimed and verified (counted workers, as the decision has them), and where an ID's area differs
    from the written 户籍地, 已核对户口簿 or excluded."""

    priority_claimed: int | None  # None: a decision from before claims were kept apart
    priority_verified: int | None
    hukou_checked: int
    hukou_excluded: int


def answers(store: Store, enterprise_id: int, decision_id: int | None) -> Answers:
    claimed = verified = None
    if decision_id is not None:
        row = store.conn.execute(
            "SELECT json_extract(payload, '$.priority_claims.claimed'), json_extract(payload,"
            " '$.priority_claims.verified') FROM decisions WHERE id = ?", (decision_id,)).fetchone()
        if row is not None:
            claimed, verified = row[0], row[1]
    checked, excluded = store.conn.execute(
        "SELECT coalesce(sum(hukou_check = 'checked'), 0), coalesce(sum(hukou_check = 'excluded'), 0)"
        " FROM employments WHERE enterprise_id = ?", (enterprise_id,)).fetchone()
    return Answers(claimed, verified, int(checked), int(excluded))


def letter_pdfs(store: Store, letter_ids: Sequence[int]) -> dict[int, bytes]:
    """The stored original PDFs of these letters (those that have one)."""
    found: dict[int, bytes] = {}
    ids = list(letter_ids)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        found.update((int(r[0]), bytes(r[1])) for r in store.conn.execute(
            f"SELECT letter_id, pdf FROM letter_files WHERE letter_id IN ({', '.join('?' for _ in chunk)})", chunk))
    return found


def keep_letter_pdfs(store: Store, office_id: int, pdfs: Mapping[str, bytes]) -> int:
    """Keep the PDFs a county's batch carried ("letters/<code>-<ref>.pdf") with the letters they print,
    as the originals; a letter that has one keeps it. Returns how many were new."""
    refs = {int(r[0]): int(r[1]) for r in store.conn.execute(
        "SELECT source_id, local_id FROM batch_refs WHERE office_id = ? AND entity = 'letter'", (office_id,))}
    now = db.now_iso()
    rows = []
    for member, pdf in pdfs.items():
        ref = member.rsplit("-", 1)[-1].removesuffix(".pdf")
        if ref.isdigit() and int(ref) in refs:
            rows.append((refs[int(ref)], pdf, hashlib.sha256(pdf).hexdigest(), now))
    # rowcount, not total_changes: that also counts the row log's TEMP triggers (desktop/store/seals.py)
    cur = store.conn.executemany("INSERT OR IGNORE INTO letter_files (letter_id, pdf, sha256, created_at)"
                                 " VALUES (?, ?, ?, ?)", rows)
    return max(cur.rowcount, 0)


def decision_explanation(store: Store, decision_id: int) -> list[str]:
    """The steps of a decision as the county's program wrote them (Chinese sentences)."""
    row = store.conn.execute("SELECT json_extract(payload, '$.explanation') FROM decisions WHERE id = ?",
                             (decision_id,)).fetchone()
    if row is None or row[0] is None:
        return []
    import json

    return [str(line) for line in json.loads(row[0])]


def letter_content(store: Store, letter_id: int) -> tuple[str, str, str, str | None]:
    """(number, verification code, digest, content) of a stored letter."""
    r = store.conn.execute("SELECT number, verification_code, digest, content FROM letters WHERE id = ?",
                           (letter_id,)).fetchone()
    return str(r[0]), str(r[1]), str(r[2]), r[3]


@dataclass(frozen=True)
class Change:
    entity: str
    batch_file: str
    recorded_at: str
    changes: dict[str, list[Any]]  # column -> [before, after]


def history(store: Store, enterprise_id: int, application_id: int | None = None) -> list[Change]:
    """What later batches changed in an enterprise (and its application), oldest first."""
    import json

    rows = store.conn.execute(
        "SELECT h.entity, b.file_name, h.recorded_at, h.changes FROM record_history h JOIN batches b ON b.id = h.batch_id"
        " WHERE (h.entity = 'enterprise' AND h.local_id = ?) OR (h.entity = 'application' AND h.local_id = ?)"
        " ORDER BY h.id", (enterprise_id, application_id if application_id is not None else -1)).fetchall()
    return [Change(str(r[0]), str(r[1]), str(r[2]), json.loads(r[3])) for r in rows]


# --------------------------------------------------------------------------
# Who each enterprise counts (the pairs are in desktop.store.province_pairs)


def refresh_counted(store: Store, batch_id: int) -> int:
    """Rebuild who the enterprises a batch brought count (province_counted, migration 0016):
    the decision each one's latest application stands on, with that application's letter.
    Only the difference is written (a batch that sends the same workers again changes nothing);
    returns the rows deleted and inserted."""
    enterprises = [int(r[0]) for r in store.conn.execute(
        "SELECT DISTINCT a.enterprise_id FROM batch_items bi JOIN applications a ON a.id = bi.application_id"
        " WHERE bi.batch_id = ?", (batch_id,))]
    changed = 0
    store.conn.execute("CREATE TEMP TABLE IF NOT EXISTS counted_now (enterprise_id INTEGER, person_id INTEGER,"
                       " letter_id INTEGER, PRIMARY KEY (enterprise_id, person_id))")
    try:
        for start in range(0, len(enterprises), 900):
            chunk = enterprises[start:start + 900]
            marks = ", ".join("?" for _ in chunk)
            store.conn.execute("DELETE FROM temp.counted_now")
            store.conn.execute(
                "INSERT OR IGNORE INTO temp.counted_now (enterprise_id, person_id, letter_id)"
                " SELECT s.enterprise_id, p.id, s.letter_id FROM (SELECT a.enterprise_id, " + _DECISION_OF
                + " AS decision_id, " + _LETTER_OF + " AS letter_id FROM applications a"
                f"  WHERE a.enterprise_id IN ({marks})"
                "  AND a.id = (SELECT max(z.id) FROM applications z WHERE z.enterprise_id = a.enterprise_id)) s"
                " JOIN decisions d ON d.id = s.decision_id, json_each(d.payload, '$.workers') w"
                " JOIN persons p ON p.id_number = json_extract(w.value, '$.id_number')"
                " WHERE json_extract(w.value, '$.counted')", chunk)
            changed += store.conn.execute(
                f"DELETE FROM province_counted WHERE enterprise_id IN ({marks}) AND NOT EXISTS (SELECT 1"
                " FROM temp.counted_now n WHERE n.enterprise_id = province_counted.enterprise_id"
                " AND n.person_id = province_counted.person_id AND n.letter_id IS province_counted.letter_id)",
                chunk).rowcount
            changed += store.conn.execute(
                "INSERT OR IGNORE INTO province_counted (enterprise_id, person_id, letter_id)"
                " SELECT enterprise_id, person_id, letter_id FROM temp.counted_now").rowcount
    finally:
        store.conn.execute("DROP TABLE IF EXISTS temp.counted_now")
    return changed


# --------------------------------------------------------------------------
# County: the rulings the province sent


@dataclass(frozen=True)
class CountyRuling:
    ruling_uid: str
    id_number: str
    name: str
    enterprise_uscc: str
    counts_here: bool
    ruling: str
    reason: str
    other_office: str
    other_enterprise: str
    ruled_at: str
    received_at: str
    other_uscc: str = ""


def insert_county_rulings(store: Store, rulings: Sequence[CountyRuling]) -> int:
    """Keep the rulings not seen before; returns how many were new."""
    cur = store.conn.executemany(  # rowcount: total_changes would count the row log's triggers too
        "INSERT OR IGNORE INTO province_rulings (ruling_uid, id_number, name, enterprise_uscc, counts_here, ruling,"
        " reason, other_office, other_enterprise, ruled_at, received_at, other_uscc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(r.ruling_uid, r.id_number, r.name, r.enterprise_uscc, int(r.counts_here), r.ruling, r.reason,
          r.other_office, r.other_enterprise, r.ruled_at, r.received_at, r.other_uscc) for r in rulings])
    return max(cur.rowcount, 0)


def county_rulings(store: Store) -> list[CountyRuling]:
    return _county_rulings(store, "", ())


def county_rulings_for(store: Store, enterprise_id: int) -> list[CountyRuling]:
    """The province's rulings on this enterprise's workers, the latest for each person last."""
    return _county_rulings(store, " WHERE enterprise_uscc = (SELECT uscc FROM enterprises WHERE id = ?)",
                           (enterprise_id,))


def _county_rulings(store: Store, where: str, params: Sequence[Any]) -> list[CountyRuling]:
    return [CountyRuling(str(r[0]), str(r[1]), str(r[2]), str(r[3]), bool(r[4]), str(r[5]), str(r[6]), str(r[7]),
                         str(r[8]), str(r[9]), str(r[10]), str(r[11])) for r in store.conn.execute(
        "SELECT ruling_uid, id_number, name, enterprise_uscc, counts_here, ruling, reason, other_office,"
        " other_enterprise, ruled_at, received_at, other_uscc FROM province_rulings" + where + " ORDER BY ruled_at, id",
        params)]


# --------------------------------------------------------------------------
# Bank lists


def insert_bank_list(store: Store, *, period: str, file_name: str, file_sha256: str, rows: int,
                     user_id: int | None) -> int:
    cur = store.conn.execute(
        "INSERT INTO bank_lists (period, file_name, file_sha256, rows, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)", (period, file_name, file_sha256, rows, user_id, db.now_iso()))
    return int(cur.lastrowid or 0)


# --------------------------------------------------------------------------
# Quarantine: checked again


def mark_rechecked(store: Store, quarantine_id: int, result: str, user_id: int | None) -> None:
    store.conn.execute("INSERT INTO quarantine_rechecks (quarantine_id, result, rechecked_by, rechecked_at)"
                       " VALUES (?, ?, ?, ?)", (quarantine_id, result, user_id, db.now_iso()))


def rechecked(store: Store) -> dict[int, tuple[str, str]]:
    """Quarantine rows checked again: id -> (when, result) of the latest check."""
    return {int(r[0]): (str(r[1]), str(r[2])) for r in store.conn.execute(
        "SELECT quarantine_id, rechecked_at, result FROM quarantine_rechecks ORDER BY id")}
