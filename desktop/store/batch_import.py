"""The province keeps a verified county batch (SQL only here): :func:`store_incoming`.

A county's records are stored under its office (``offices.is_local = 0``); records it sent
before (by its own row ids, kept in ``batch_refs``) are updated, not duplicated, and what a later
batch changes is kept in ``record_history``. Writes run inside the caller's transaction.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core.batch import APPLICATIONS, DECISIONS, ENTERPRISES, LETTERS, TABLE_COLUMNS, USERS, WORKERS, Table
from desktop.store import bulk_index, db, seals
from desktop.store.batch_tracking import LoanTaken, UnknownApplication, UnknownCheck, store_tracking
from desktop.store.batches import chunks, county_office_id, insert_batch
from desktop.store.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IncomingBatch:
    batch_uuid: str
    seq: int
    file_name: str
    file_sha256: str
    manifest: str  # the manifest's bytes as text
    report: str
    created_at: str


class RecordsRefused(Exception):
    """The records of a signed batch break a rule of the database (a unique letter code, a check)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


def store_incoming(store: Store, *, office_code: str, office_name: str, tables: Mapping[str, Table],
                   incoming: IncomingBatch) -> tuple[int, int, dict[str, int]]:
    """Keep a verified county batch: (office id, batch row id, rows written by table).

    Records the county sent before (by its own row ids, kept in batch_refs)
    are updated, not duplicated; a decision is never rewritten. Call inside a
    transaction: RecordsRefused leaves it to the caller to roll back.
    """
    try:
        return _store_incoming(store, office_code, office_name, tables, incoming)
    except UnknownApplication as exc:
        raise RecordsRefused(f"贷款（借款合同 {exc.contract_number[:40]}）所属的贷款申请省里尚未收到，"
                             "请县里把该申请一并报送") from exc
    except LoanTaken as exc:
        raise RecordsRefused(f"贷款（{exc.bank_branch[:40]} 借款合同 {exc.contract_number[:40]}）与省里已有的"
                             f"{exc.office[:40]}“{exc.enterprise[:60]}”的贷款是同一借款合同：请县里核对合同编号后"
                             "重新报送") from exc
    except UnknownCheck as exc:
        raise RecordsRefused("审核人对贷款期内核实的确认所针对的核实记录省里尚未收到，请县里重新报送") from exc
    except sqlite3.IntegrityError as exc:
        log.warning("batch records refused by the database: %s", exc)
        raise RecordsRefused(_integrity_detail(str(exc))) from exc
    except (KeyError, TypeError, ValueError, OverflowError, sqlite3.InterfaceError) as exc:
        log.warning("batch records of the wrong kind: %s: %s", type(exc).__name__, exc)
        raise RecordsRefused("记录中有类型或取值不对的数据") from exc


# What a constraint's columns are, as the officer knows them (SQLite names them table.column).
_COLUMNS = {
    "loans.bank_branch, loans.contract_number": "贷款的开户行和借款合同编号",
    "letters.verification_code": "确认书核验码",
    "letters.office_id, letters.year, letters.seq": "确认书文号",
    "enterprises.office_id, enterprises.uscc": "企业的统一社会信用代码",
    "persons.id_number": "公民身份号码",
    "employments.enterprise_id, employments.person_id": "同一企业的同一职工",
    "tracking_confirmations.check_id": "审核人对同一次核实的确认",
}


def _integrity_detail(text: str) -> str:
    """SQLite's (English) constraint message as a Chinese sentence, naming what the columns hold
    (the English stays in the log)."""
    where = _COLUMNS.get(text.split(":", 1)[1].strip() if ":" in text else "", "")
    shown = f"（{where}）" if where else ""
    if text.startswith("UNIQUE"):
        return f"与省里已有的记录重复{shown}"
    if text.startswith("NOT NULL"):
        return f"缺少必填的值{shown}"
    if text.startswith("FOREIGN KEY"):
        return "引用了不存在的记录"
    if text.startswith("CHECK"):
        return "有不符合数据库规则的值"
    return "记录不能保存"


def _store_incoming(store: Store, office_code: str, office_name: str, tables: Mapping[str, Table],
                    incoming: IncomingBatch) -> tuple[int, int, dict[str, int]]:
    now = db.now_iso()
    office_id = _upsert_county(store, office_code, office_name, now)
    batch_id = insert_batch(
        store, office_id=office_id, direction="incoming", batch_uuid=incoming.batch_uuid, seq=incoming.seq,
        status="accepted", file_name=incoming.file_name, file_sha256=incoming.file_sha256,
        manifest=incoming.manifest, report=incoming.report, created_at=incoming.created_at, received_at=now,
        application_ids=(),
    )
    refs = _Refs(store, office_id, batch_id)
    written: dict[str, int] = {}
    users = refs.load("user")
    for r in tables[USERS].records():
        users[r["ref"]] = _upsert_user(store, refs, office_id, office_code, r, users.get(r["ref"]), now)
    written["users"] = len(tables[USERS].rows)

    enterprises = refs.load("enterprise")
    for r in tables[ENTERPRISES].records():
        enterprises[r["ref"]] = _upsert_enterprise(store, refs, office_id, r)
    written["enterprises"] = len(tables[ENTERPRISES].rows)

    applications = refs.load("application")
    for r in tables[APPLICATIONS].records():
        applications[r["ref"]] = _upsert_application(store, refs, r, enterprises, users, applications.get(r["ref"]))
    written["applications"] = len(tables[APPLICATIONS].rows)
    store.conn.executemany("INSERT OR IGNORE INTO batch_items (batch_id, application_id) VALUES (?, ?)",
                           [(batch_id, applications[r[0]]) for r in tables[APPLICATIONS].rows])

    decisions = refs.load("decision")
    new_decisions = 0
    for r in tables[DECISIONS].records():
        if r["ref"] not in decisions:
            decisions[r["ref"]] = _insert_decision(store, refs, r, applications, users)
            new_decisions += 1
    written["decisions"] = new_decisions
    store.conn.executemany(  # the decision the approver approved: known once the decisions are in
        "UPDATE applications SET approved_decision_id = ? WHERE id = ?",
        [(_mapped(decisions, r["approved_decision_ref"]), applications[r["ref"]])
         for r in tables[APPLICATIONS].records()],
    )

    written["workers"], settled = _upsert_workers(store, tables[WORKERS], enterprises, now, office_id, batch_id)
    if settled:
        written["identity_settled"] = settled

    letters = refs.load("letter")
    for r in tables[LETTERS].records():
        letters[r["ref"]] = _upsert_letter(store, refs, office_id, r, applications, decisions, users,
                                           letters.get(r["ref"]))
    written["letters"] = len(tables[LETTERS].rows)
    written.update(store_tracking(store, office_id, batch_id, tables, applications, users))
    return office_id, batch_id, written


def _upsert_county(store: Store, code: str, name: str, now: str) -> int:
    office_id = county_office_id(store, code)
    if office_id is None:
        cur = store.conn.execute(
            "INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)"
            " VALUES (?, ?, 'county', '', 0, ?, ?)", (code, name, now, now))
        return int(cur.lastrowid or 0)
    store.conn.execute("UPDATE offices SET name = ?, updated_at = ? WHERE id = ? AND name <> ?",
                       (name, now, office_id, name))
    return office_id


class _Refs:
    def __init__(self, store: Store, office_id: int, batch_id: int) -> None:
        self.store, self.office_id, self.batch_id = store, office_id, batch_id

    def load(self, entity: str) -> dict[int, int]:
        return {int(r[0]): int(r[1]) for r in self.store.conn.execute(
            "SELECT source_id, local_id FROM batch_refs WHERE office_id = ? AND entity = ?", (self.office_id, entity))}

    def keep(self, entity: str, source_id: int, local_id: int) -> None:
        self.store.conn.execute(
            "INSERT INTO batch_refs (office_id, entity, source_id, local_id, batch_id) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (office_id, entity, source_id) DO UPDATE SET local_id = excluded.local_id,"
            " batch_id = excluded.batch_id",
            (self.office_id, entity, source_id, local_id, self.batch_id),
        )


def _mapped(mapping: Mapping[int, int], ref: int | None) -> int | None:
    return mapping[ref] if ref is not None else None


def _upsert_user(store: Store, refs: _Refs, office_id: int, office_code: str, r: Mapping[str, Any],
                 existing: int | None, now: str) -> int:
    """A county's user named in its records: kept as an inactive account without a password."""
    if existing is not None:
        store.conn.execute("UPDATE users SET display_name = ?, role = ?, updated_at = ? WHERE id = ?",
                           (r["display_name"], r["role"], now, existing))
        return existing
    cur = store.conn.execute(
        "INSERT INTO users (office_id, username, display_name, role, password_hash, active, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, NULL, 0, ?, ?)",
        (office_id, f"{office_code}/{r['username']}", r["display_name"], r["role"], now, now),
    )
    user_id = int(cur.lastrowid or 0)
    refs.keep("user", int(r["ref"]), user_id)
    return user_id


_ENTERPRISE_COLUMNS = TABLE_COLUMNS[ENTERPRISES][1:]


_UNTRACKED = ("created_at", "updated_at")


def _keep_changes(store: Store, refs: _Refs, entity: str, local_id: int, before: Mapping[str, Any],
                  after: Mapping[str, Any]) -> None:
    """What a later batch changes in a record is kept (record_history), never lost."""
    changes = {c: [before[c], after[c]] for c in after if c not in _UNTRACKED and before[c] != after[c]}
    if changes:
        store.conn.execute(
            "INSERT INTO record_history (entity, local_id, batch_id, changes, recorded_at) VALUES (?, ?, ?, ?, ?)",
            (entity, local_id, refs.batch_id, json.dumps(changes, ensure_ascii=False, sort_keys=True), db.now_iso()))


def _current(store: Store, table: str, columns: Sequence[str], where: str, params: Sequence[Any]) -> dict[str, Any] | None:
    row = store.conn.execute(f"SELECT id, {', '.join(columns)} FROM {table} WHERE {where}", params).fetchone()
    return None if row is None else dict(zip(("id", *columns), tuple(row), strict=True))


def _upsert_enterprise(store: Store, refs: _Refs, office_id: int, r: Mapping[str, Any]) -> int:
    values = [r[c] for c in _ENTERPRISE_COLUMNS]
    before = _current(store, "enterprises", _ENTERPRISE_COLUMNS, "office_id = ? AND uscc = ?", (office_id, r["uscc"]))
    if before is not None:
        _keep_changes(store, refs, "enterprise", int(before["id"]), before, dict(zip(_ENTERPRISE_COLUMNS, values,
                                                                                     strict=True)))
    row = store.conn.execute(
        f"INSERT INTO enterprises (office_id, {', '.join(_ENTERPRISE_COLUMNS)}, name_key)"
        f" VALUES (?, {', '.join('?' for _ in _ENTERPRISE_COLUMNS)}, enterprise_sort_key(?))"
        " ON CONFLICT (office_id, uscc) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in (*_ENTERPRISE_COLUMNS, "name_key") if c != "uscc")
        + " RETURNING id",
        (office_id, *values, r["name"]),
    ).fetchone()
    enterprise_id = int(row[0])
    refs.keep("enterprise", int(r["ref"]), enterprise_id)
    return enterprise_id


_APPLICATION_COLUMNS = (
    "enterprise_id", "loan_type", "amount_wan", "applied_on", "review_date", "status", "version",
    "evidence_contracts", "evidence_wages", "form_data", "prepared_by", "approved_by", "return_reason",
    "submitted_at", "approved_at", "created_at", "updated_at",
)


def _upsert_application(store: Store, refs: _Refs, r: Mapping[str, Any], enterprises: Mapping[int, int],
                        users: Mapping[int, int], existing: int | None) -> int:
    values = (
        enterprises[r["enterprise_ref"]], r["loan_type"], r["amount_wan"], r["applied_on"], r["review_date"],
        r["status"], r["version"], r["evidence_contracts"], r["evidence_wages"], r["form_data"],
        _mapped(users, r["prepared_by_ref"]), _mapped(users, r["approved_by_ref"]), r["return_reason"],
        r["submitted_at"], r["approved_at"], r["created_at"], r["updated_at"],
    )
    if existing is not None:
        before = _current(store, "applications", _APPLICATION_COLUMNS, "id = ?", (existing,))
        if before is not None:
            _keep_changes(store, refs, "application", existing, before,
                          dict(zip(_APPLICATION_COLUMNS, values, strict=True)))
        store.conn.execute(
            f"UPDATE applications SET {', '.join(f'{c} = ?' for c in _APPLICATION_COLUMNS)} WHERE id = ?",
            (*values, existing))
        return existing
    cur = store.conn.execute(
        f"INSERT INTO applications ({', '.join(_APPLICATION_COLUMNS)})"
        f" VALUES ({', '.join('?' for _ in _APPLICATION_COLUMNS)})", values)
    application_id = int(cur.lastrowid or 0)
    refs.keep("application", int(r["ref"]), application_id)
    return application_id


def _insert_decision(store: Store, refs: _Refs, r: Mapping[str, Any], applications: Mapping[int, int],
                     users: Mapping[int, int]) -> int:
    cur = store.conn.execute(
        "INSERT INTO decisions (application_id, application_version, review_date, ruleset_version, standard,"
        " qualifying_count, staff_total, computed_result, final_result, override_reason, override_by, payload,"
        " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (applications[r["application_ref"]], r["application_version"], r["review_date"], r["ruleset_version"],
         r["standard"], r["qualifying_count"], r["staff_total"], r["computed_result"], r["final_result"],
         r["override_reason"], _mapped(users, r["override_by_ref"]), r["payload"],
         _mapped(users, r["created_by_ref"]), r["created_at"]),
    )
    decision_id = int(cur.lastrowid or 0)
    refs.keep("decision", int(r["ref"]), decision_id)
    return decision_id


_EMPLOYMENT_COLUMNS = (
    "hukou_text", "hukou_code", "contract_type", "contract_start", "contract_end", "hire_date", "job",
    "monthly_wage", "paid_months", "social_insurance", "phone", "priority_group", "priority_evidence", "active",
    "source_row", "created_at", "updated_at",
)


def _upsert_workers(store: Store, table: Table, enterprises: Mapping[int, int], now: str, office_id: int,
                    batch_id: int) -> tuple[int, int]:
    """(rows written, persons whose name/birth date was settled before and is not listed again)."""
    columns = table.columns
    at = {c: i for i, c in enumerate(columns)}
    persons: dict[str, tuple[str, str, str | None, str | None]] = {}
    for row in table.rows:
        persons[row[at["id_number"]]] = (row[at["id_number"]], row[at["name"]], row[at["sex"]], row[at["birth_date"]])
    conn = store.conn
    picks = [at[c] for c in _EMPLOYMENT_COLUMNS]
    group_at, evidence_at = _EMPLOYMENT_COLUMNS.index("priority_group"), _EMPLOYMENT_COLUMNS.index("priority_evidence")

    carried = "priority_claim" in at  # laoxie.batch/2: the enterprise's claim and the 户口簿 answer

    def values(row: Sequence[Any]) -> list[Any]:
        picked = [row[i] for i in picks]
        if carried:
            return [*picked, row[at["priority_claim"]], row[at["hukou_check"]]]
        # A county on an older version sent the roster's group without evidence: a claim, not verified.
        claim = None
        if picked[group_at] is not None and not picked[evidence_at]:
            claim, picked[group_at] = picked[group_at], None
        return [*picked, claim]

    columns = (*_EMPLOYMENT_COLUMNS, "priority_claim", *(("hukou_check",) if carried else ()))
    # A county's first batch adds 100,000 persons and employments: their new rows are sealed by one
    # statement per table after the inserts rather than by the per-row trigger (seals.sealed_in_bulk).
    # Into a province that holds fewer of them than the batch adds, their plain indexes are built after.
    with seals.sealed_in_bulk(conn, ("persons", "employments")), \
            bulk_index.built_after(conn, ("persons", "employments"), len(table.rows)):
        settled = _keep_persons(store, persons, office_id, batch_id, now)
        _insert_employments(conn, columns, [
            (enterprises[row[at["enterprise_ref"]]], row[at["id_number"]], *values(row)) for row in table.rows])
    return len(table.rows), settled


def _insert_employments(conn: sqlite3.Connection, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Rows of (enterprise id, ID number, *columns), the person already stored, in the batch's order.

    They are held in a TEMP table and added by one INSERT … SELECT, not one INSERT a row: a statement
    on employments that a trigger may abort (employments_verified_has_evidence_*) keeps a statement
    journal, and per row that copied every index page it touched (2.5 s for 100,000 rows, 0.9 s so)."""
    conn.execute(f"DROP TABLE IF EXISTS temp.{_STAGED}")
    conn.execute(f"CREATE TEMP TABLE {_STAGED} (enterprise_id, id_number, {', '.join(columns)})")
    try:
        conn.executemany(f"INSERT INTO temp.{_STAGED} VALUES ({', '.join('?' for _ in range(len(columns) + 2))})",
                         rows)
        conn.execute(  # a person not found: NULL, refused by the NOT NULL of person_id
            f"INSERT INTO employments (enterprise_id, person_id, {', '.join(columns)})"
            f" SELECT s.enterprise_id, p.id, {', '.join(f's.{c}' for c in columns)}"
            f" FROM temp.{_STAGED} s LEFT JOIN persons p ON p.id_number = s.id_number WHERE true ORDER BY s.rowid"
            " ON CONFLICT (enterprise_id, person_id) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in columns)
            # A row the county sent again unchanged is left as it is: no write, no new seal in row_log.
            + f" WHERE ({', '.join(f'employments.{c}' for c in columns)}) IS NOT"
            f" ({', '.join(f'excluded.{c}' for c in columns)})")
    finally:
        conn.execute(f"DROP TABLE IF EXISTS temp.{_STAGED}")


_STAGED = "batch_incoming_employments"


def _keep_persons(store: Store, persons: Mapping[str, tuple[str, str, str | None, str | None]], office_id: int,
                  batch_id: int, now: str) -> int:
    """The person row of each ID number, made when new. A person already known under another name or
    birth date is not renamed: the difference is kept as an identity conflict for a person to settle,
    unless the province already settled that very variant from this county (returns how many were).
    Only a missing sex or birth date is filled in."""
    conn = store.conn
    known: dict[str, tuple[int, str, str | None]] = {}
    numbers = list(persons)
    factory = conn.row_factory
    conn.row_factory = None
    try:
        for chunk, marks in chunks(numbers):
            for number, person_id, name, birth in conn.execute(
                f"SELECT id_number, id, name, birth_date FROM persons WHERE id_number IN ({marks})", chunk
            ):
                known[number] = (person_id, name, birth)
    finally:
        conn.row_factory = factory
    conn.executemany(
        "INSERT INTO persons (id_number, name, sex, birth_date, created_at, updated_at, name_key)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, person_sort_key(?2))",
        [(*p, now, now) for number, p in persons.items() if number not in known],
    )
    conn.executemany(
        "UPDATE persons SET sex = coalesce(sex, ?), birth_date = coalesce(birth_date, ?), updated_at = ?"
        " WHERE id = ? AND ((sex IS NULL AND ? IS NOT NULL) OR (birth_date IS NULL AND ? IS NOT NULL))",
        [(p[2], p[3], now, known[n][0], p[2], p[3]) for n, p in persons.items() if n in known],
    )
    conflicts = []
    for number, (_, name, _sex, birth) in persons.items():
        if number not in known:
            continue
        person_id, known_name, known_birth = known[number]
        if name != known_name or (birth is not None and known_birth is not None and birth != known_birth):
            conflicts.append((person_id, known_name, known_birth, person_id, name, birth, office_id, batch_id, now))
    settled = _settled_variants(conn, [c[0] for c in conflicts], office_id)
    fresh = [c for c in conflicts if (c[0], c[4], c[5]) not in settled]
    conn.executemany(
        "INSERT OR IGNORE INTO identity_conflicts (person_id, known_name, known_birth_date, known_office_id,"
        " arriving_name, arriving_birth_date, arriving_office_id, batch_id, found_at)"
        " VALUES (?, ?, ?, (SELECT e.office_id FROM employments m JOIN enterprises e ON e.id = m.enterprise_id"
        "  WHERE m.person_id = ? ORDER BY m.id LIMIT 1), ?, ?, ?, ?, ?)",
        fresh,
    )
    return len(conflicts) - len(fresh)


def _settled_variants(conn: sqlite3.Connection, person_ids: Sequence[int],
                      office_id: int) -> set[tuple[int, str, str | None]]:
    """(person, name, birth date) the province already settled as this county's variant: the name and
    birth date a settled conflict's either side brought from this county, exactly (no birth date
    matches only no birth date)."""
    found: set[tuple[int, str, str | None]] = set()
    for chunk, marks in chunks(person_ids):
        found.update((int(r[0]), r[1], r[2]) for r in conn.execute(
            f"SELECT person_id, arriving_name, arriving_birth_date FROM identity_conflicts"
            f" WHERE settled_at IS NOT NULL AND arriving_office_id = ? AND person_id IN ({marks})"
            f" UNION SELECT person_id, known_name, known_birth_date FROM identity_conflicts"
            f" WHERE settled_at IS NOT NULL AND known_office_id = ? AND person_id IN ({marks})",
            [office_id, *chunk, office_id, *chunk]))
    return found


def _upsert_letter(store: Store, refs: _Refs, office_id: int, r: Mapping[str, Any], applications: Mapping[int, int],
                   decisions: Mapping[int, int], users: Mapping[int, int], existing: int | None) -> int:
    if existing is not None:  # a letter changes only by being voided or printed again
        store.conn.execute(
            "UPDATE letters SET voided_at = ?, void_reason = ?, voided_by = ?, print_count = ? WHERE id = ?",
            (r["voided_at"], r["void_reason"], _mapped(users, r["voided_by_ref"]), r["print_count"], existing))
        return existing
    cur = store.conn.execute(
        "INSERT INTO letters (office_id, application_id, decision_id, year, seq, number, verification_code, digest,"
        " content, issued_by, issued_at, voided_at, void_reason, voided_by, print_count)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (office_id, applications[r["application_ref"]], decisions[r["decision_ref"]], r["year"], r["seq"],
         r["number"], r["verification_code"], r["digest"], r["content"], _mapped(users, r["issued_by_ref"]),
         r["issued_at"],
         r["voided_at"], r["void_reason"], _mapped(users, r["voided_by_ref"]), r["print_count"]),
    )
    letter_id = int(cur.lastrowid or 0)
    refs.keep("letter", int(r["ref"]), letter_id)
    return letter_id
