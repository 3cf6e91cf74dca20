"""Every row proves itself (issue 11 item 3): a change made to the office's file outside the
app, with nothing but plain sqlite3, is reported by 检查数据库 / `laoxie db check`, naming the
table, the row and the kind of change; so are a cut audit tail, a re-hashed chain and a
dropped trigger.  A file the app alone wrote reports nothing."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, main
from desktop.core.enterprise import EnterpriseDraft
from desktop.core.loans import LoanDraft
from desktop.services import backups
from desktop.services import loans as loan_service
from desktop.services.accounts import sign_in
from desktop.services.batch_export import export_batch
from desktop.services.dbcheck import CheckReport, check_database, check_workspace
from desktop.services.errors import ServiceError
from desktop.services.enterprises import add_enterprise
from desktop.services.workspace import Workspace
from desktop.store import Store
from desktop.store import agreements as agreement_store
from desktop.store import tracking as tracking_store
from desktop.store.tracking import ListRow
from desktop.store.audit import entry_hash
from desktop.store.letters import save_letter_pdf
from tests.batches import factory
from tests.conftest import PASSWORD

ROW_KINDS = ("changed", "added", "deleted")

# How an editor changes one row of each table: (SET clause, triggers in the way).
UPDATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "offices": ("name = '伪造的单位'", ()),
    "settings": ("value = value || ' '", ()),
    "users": ("role = CASE role WHEN 'admin' THEN 'clerk' ELSE 'admin' END", ()),
    "enterprises": ("staff_total = staff_total + 500", ()),
    "applications": ("amount_wan = 9999", ()),
    "persons": ("name = '李四'", ()),
    "roster_imports": ("file_name = '别的名册.xlsx'", ()),
    "employments": ("priority_group = 'registered_unemployed', priority_evidence = '伪造的证明'", ()),  # a priority mark
    "decisions": ("qualifying_count = qualifying_count + 7", ()),
    "letters": ("print_count = print_count + 1", ()),
    "letter_files": ("pdf = X'25504446'", ("letter_files_fixed",)),
    "batches": ("status = 'received'", ()),
    "batch_items": ("application_id = application_id + 1000", ()),
    "own_keys": ("retired_at = '2026-01-01T00:00:00+08:00'", ()),
    "peer_keys": ("office_name = '冒名的省厅'", ()),
    "batch_quarantine": ("reason = 'accepted'", ()),
    "batch_refs": ("local_id = local_id + 1", ()),
    "identity_conflicts": ("settled_name = '冒名'", ()),
    "duplicate_rulings": ("ruling = 'a_only'", ()),
    "province_rulings": ("counts_here = 1 - counts_here", ()),
    "bank_lists": ("rows = rows + 1", ()),
    "quarantine_rechecks": ("result = 'accepted'", ()),
    "record_history": ("changes = '{}'", ()),
    "province_counted": ("letter_id = NULL", ()),
    "loans": ("rate = '2.5'", ()),
    "tracking_lists": ("staff_total = staff_total + 100", ()),
    "tracking_list_rows": ("name = '冒名'", ()),
    "tracking_checks": ("verdict = 'met'", ("tracking_checks_fixed",)),
    "batch_tracking_refs": ("local_id = local_id + 1", ()),
    "agreements": ("ends = '2099-12-31'", ()),
    "tracking_confirmations": ("outcome = 'confirmed', reason = ''", ("tracking_confirmations_fixed",)),
    "tracking_insured": ("months = '[\"2026-09\"]'", ()),
}
# A row added by copying an existing one, with these columns changed so it fits the constraints.
INSERT_OVERRIDES: dict[str, dict[str, str]] = {
    "offices": {"code": "'222402'", "is_local": "0"},
    "settings": {"key": "'outside.key'"},
    "users": {"username": "'mallory'"},
    "enterprises": {"uscc": "'91222401MA0000001X'"},
    "applications": {},
    "persons": {"id_number": "'22240119800101001X'"},
    "roster_imports": {},
    "employments": {"person_id": "person_id + 100000"},
    "decisions": {},
    "letters": {"seq": "seq + 100", "verification_code": "'FORGED-0001'", "voided_at": "'2026-01-01'",
                "void_reason": "'x'"},
    "letter_files": {"letter_id": "letter_id + 1000"},
    "batches": {"batch_uuid": "'forged-uuid'"},
    "batch_items": {"application_id": "application_id + 2000"},
    "own_keys": {"retired_at": "'2026-01-01'"},
    "peer_keys": {"retired_at": "'2026-01-01'"},
    "batch_quarantine": {},
    "batch_refs": {"source_id": "source_id + 1000"},
    "identity_conflicts": {"arriving_name": "'另一个名字'"},
    "duplicate_rulings": {"superseded_at": "'2026-01-01'"},
    "province_rulings": {"ruling_uid": "'220000:999'"},
    "bank_lists": {},
    "quarantine_rechecks": {},
    "record_history": {},
    "province_counted": {"person_id": "person_id + 100000"},
    "loans": {"contract_number": "'FORGED-1'"},
    "tracking_lists": {},
    "tracking_list_rows": {"id_number": "'22240119800101001X'"},
    "tracking_checks": {},
    "batch_tracking_refs": {"source_id": "source_id + 1000"},
    "agreements": {},
    "tracking_confirmations": {"check_id": "check_id + 1000"},
    "tracking_insured": {"id_number": "'22240119800101001X'"},
}
DELETE_TRIGGERS: dict[str, tuple[str, ...]] = {
    "letters": ("letters_no_delete",), "letter_files": ("letter_files_kept",),
    "batch_quarantine": ("batch_quarantine_no_delete",), "record_history": ("record_history_kept",),
    "tracking_checks": ("tracking_checks_kept",), "agreements": ("agreements_no_delete",),
    "tracking_confirmations": ("tracking_confirmations_kept",),
}
TABLES = sorted(UPDATES)


def _build(folder: Path) -> Path:
    """A county office whose every table holds rows the app wrote."""
    county = factory.county_db(folder / "office.sqlite3")
    province = factory.province_db(folder / "province.sqlite3")
    factory.exchange_keys(county, province, folder)
    with sign_in(county, "clerk", PASSWORD) as ws:
        app_ids = factory.approved_applications(ws, 2, 6)
        with ws.store.transaction():
            letter_ids = [r[0] for r in ws.store.conn.execute("SELECT id FROM letters ORDER BY id")]
            for letter_id in letter_ids:
                save_letter_pdf(ws.store, letter_id, b"%%PDF-1.4 original %d" % letter_id)
            ws.audit("letter.original_kept", entity="letter", entity_id=letter_ids[0])
        stick = folder / "stick"
        stick.mkdir()
        export_batch(ws, stick, factory.PASSPHRASE, application_ids=app_ids, backup=False,
                     letters=factory.letters_with_fake_pdfs)
        with ws.store.transaction():  # the tables a county file rarely fills, written the app's way
            conn = ws.store.conn
            enterprise_id = conn.execute("SELECT min(id) FROM enterprises").fetchone()[0]
            batch_id = conn.execute("SELECT min(id) FROM batches").fetchone()[0]
            conn.execute("INSERT INTO roster_imports (enterprise_id, file_name, sha256, imported_at)"
                         " VALUES (?, '名册.xlsx', ?, '2026-06-01T09:00:00+08:00')", (enterprise_id, "a" * 64))
            conn.execute("INSERT INTO batch_quarantine (file_name, file_sha256, file_size, stored_as, reason,"
                         " report, quarantined_at) VALUES ('x.lxb', ?, 10, 'q/x.lxb', 'signature', '{}',"
                         " '2026-06-01T09:00:00+08:00')", ("b" * 64,))
            conn.execute("INSERT INTO batch_refs (office_id, entity, source_id, local_id, batch_id)"
                         " VALUES (?, 'enterprise', 7, ?, ?)", (ws.office.id, enterprise_id, batch_id))
            person_id = conn.execute("SELECT min(id) FROM persons").fetchone()[0]
            first, second = conn.execute("SELECT id FROM employments ORDER BY id LIMIT 2").fetchall()
            conn.execute("INSERT INTO identity_conflicts (person_id, known_name, arriving_name, arriving_office_id,"
                         " batch_id, found_at) VALUES (?, '张三', '张叁', ?, ?, '2026-06-01T09:00:00+08:00')",
                         (person_id, ws.office.id, batch_id))
            conn.execute("INSERT INTO duplicate_rulings (person_id, employment_a, employment_b, ruling, reason,"
                         " ruled_at) VALUES (?, ?, ?, 'not_duplicate', '两份合同均有效', '2026-06-01T09:00:00+08:00')",
                         (person_id, first[0], second[0]))
            conn.execute("INSERT INTO province_rulings (ruling_uid, id_number, name, enterprise_uscc, counts_here,"
                         " ruling, reason, other_office, other_enterprise, ruled_at, received_at) VALUES"
                         " ('220000:1', ?, '张三', ?, 1, 'a_only', '以先签合同为准', '图们市', '乙公司',"
                         " '2026-06-01', '2026-06-02')", (factory.id_number(1, "222401"), factory.uscc(1)))
            conn.execute("INSERT INTO bank_lists (period, file_name, file_sha256, rows, created_at)"
                         " VALUES ('2026-06', '名单.xlsx', ?, 12, '2026-06-30T09:00:00+08:00')", ("c" * 64,))
            conn.execute("INSERT INTO quarantine_rechecks (quarantine_id, result, rechecked_at)"
                         " VALUES ((SELECT max(id) FROM batch_quarantine), 'quarantined', '2026-06-02T09:00:00+08:00')")
            conn.execute("INSERT INTO record_history (entity, local_id, batch_id, changes, recorded_at) VALUES"
                         " ('enterprise', ?, ?, '{\"name\": [\"甲\", \"乙\"]}', '2026-06-02')", (enterprise_id, batch_id))
            conn.execute("INSERT INTO province_counted (enterprise_id, person_id, letter_id) VALUES"
                         " (?, ?, (SELECT min(id) FROM letters))", (enterprise_id, person_id))
            ws.store.set_setting("policy.example", "{}")
        loan_service.add_loan(ws, factory.uscc(0, ws.office.code), LoanDraft(
            bank_branch="国家开发银行吉林省分行", contract_number="C-1", amount_wan=Decimal(500),
            start_date=date(2026, 8, 1), term_months=36, rate=Decimal("3.00")))
        with ws.store.transaction():
            loan_id = ws.store.conn.execute("SELECT max(id) FROM loans").fetchone()[0]
            list_id = tracking_store.insert_list(
                ws.store, enterprise_id, period="2026-08", staff_total=30, file_name="名单.csv", sha256="d" * 64,
                rows=[ListRow(factory.id_number(1, "222424"), "张三", "汪清县", "222424", "fixed", "2026-01-01",
                              "2027-12-31", "2026-01-01", 1)], user_id=ws.actor.user_id, kind="insurance",
                insured={factory.id_number(1, "222424"): ["2026-07", "2026-08"]})
            check_id = tracking_store.insert_check(
                ws.store, loan_id, check_date="2026-08-31", verdict="not_met", needs_attention=True, qualifying=1,
                staff_total=30, latest_period="2026-08", ruleset_version="x", payload={"list": list_id},
                user_id=ws.actor.user_id)
            approver = ws.store.conn.execute("SELECT id FROM users WHERE role = 'approver'").fetchone()[0]
            tracking_store.insert_answer(ws.store, check_id, outcome="returned", reason="名单不全", user_id=approver)
            agreement_store.insert_agreement(ws.store, "222424", "延吉—汪清劳务协作协议", "2026-01-01", None, "",
                                             user_id=ws.actor.user_id)
            ws.audit("test.fill", detail={"tables": 4})
        # the loan and its check go in a batch of their own (the applications went in the first)
        export_batch(ws, stick, factory.PASSPHRASE, backup=False, letters=factory.letters_with_fake_pdfs)
    return county


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("row-proof"))


@pytest.fixture
def office(template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "office.sqlite3"
    shutil.copyfile(template, target)
    return target


def _check(path: Path) -> CheckReport:
    """检查数据库 as the window runs it: with the records kept beside the backups."""
    try:
        ws = Workspace.open(path)
    except ServiceError:  # the office's own row deleted: the file alone is checked
        with Store.open(path, create=False) as store:
            return check_database(store)
    with ws:
        return check_workspace(ws)


@pytest.fixture
def editor(office: Path) -> Iterator[sqlite3.Connection]:
    """Plain sqlite3, as DB Browser or a script would open the file."""
    conn = sqlite3.connect(office)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    yield conn
    conn.close()


def _key_column(conn: sqlite3.Connection, table: str) -> str:
    pks = [r[1] for r in sorted(conn.execute(f"PRAGMA table_info({table})"), key=lambda r: r[5]) if r[5]]
    return pks[0]


def _first_row(conn: sqlite3.Connection, table: str) -> int:
    row = conn.execute(f"SELECT rowid FROM {table} ORDER BY rowid LIMIT 1").fetchone()
    assert row is not None, f"the test office has no row in {table}"
    return int(row[0])


def _row_findings(report: CheckReport, table: str) -> list[dict[str, object]]:
    return [{"code": f.code, "table": f.params["table"], "row": f.params["row"]} for f in report.findings
            if f.code.startswith("row_") and f.params.get("table") == table]


def test_a_file_the_app_wrote_reports_nothing(office: Path) -> None:
    report = _check(office)
    assert report.ok, [f.text() for f in report.findings]
    assert "rows" in report.checked and "triggers" in report.checked
    assert report.fingerprint and str(report.audit_entries) in report.fingerprint


def test_every_table_of_the_record_is_covered(office: Path) -> None:
    """A table added later fails here until the test (and so the check) knows it."""
    from desktop.store.seals import EXEMPT, sealed_tables

    with Store.open(office, create=False) as store:
        sealed = {t.name for t in sealed_tables(store.conn)}
        every = {r[0] for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    assert every - set(EXEMPT) == sealed
    assert sealed == set(TABLES), f"tables without an outside-change test: {sorted(sealed - set(TABLES))}"


@pytest.mark.parametrize("table", TABLES)
def test_a_field_changed_outside_is_reported(office: Path, editor: sqlite3.Connection, table: str) -> None:
    assignment, in_the_way = UPDATES[table]
    rowid = _first_row(editor, table)
    for trigger in in_the_way:
        editor.execute(f"DROP TRIGGER {trigger}")
    editor.execute(f"UPDATE {table} SET {assignment} WHERE rowid = ?", (rowid,))
    editor.commit()
    found = _row_findings(_check(office), table)
    assert found, f"{table}: a changed row was not reported"
    if table not in ("batch_items", "settings", "batch_refs", "province_counted", "batch_tracking_refs"):  # keyed by their columns
        assert {"code": "row_changed", "table": table, "row": rowid} in found


@pytest.mark.parametrize("table", TABLES)
def test_a_row_added_outside_is_reported(office: Path, editor: sqlite3.Connection, table: str) -> None:
    editor.execute("PRAGMA foreign_keys = OFF")
    columns = [r[1] for r in editor.execute(f"PRAGMA table_info({table})")]
    key = _key_column(editor, table)
    overrides = dict(INSERT_OVERRIDES[table])
    if key not in overrides and editor.execute(f"PRAGMA table_info({table})").fetchall()[0][2] == "INTEGER":
        overrides.setdefault(key, f"(SELECT max({key}) + 1 FROM {table})")
    select = ", ".join(overrides.get(c, c) for c in columns)
    rowid = _first_row(editor, table)
    cur = editor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table}"
                         " WHERE rowid = ?", (rowid,))
    new_rowid = cur.lastrowid
    editor.commit()
    found = _row_findings(_check(office), table)
    assert any(f["code"] == "row_added" for f in found), f"{table}: an added row was not reported: {found}"
    if key == "id" or table == "letter_files":
        assert {"code": "row_added", "table": table, "row": new_rowid} in found


@pytest.mark.parametrize("table", TABLES)
def test_a_row_deleted_outside_is_reported(office: Path, editor: sqlite3.Connection, table: str) -> None:
    rowid = _first_row(editor, table)
    for trigger in DELETE_TRIGGERS.get(table, ()):
        editor.execute(f"DROP TRIGGER {trigger}")
    editor.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
    editor.commit()
    found = _row_findings(_check(office), table)
    assert any(f["code"] == "row_deleted" for f in found), f"{table}: a deleted row was not reported: {found}"


def test_a_dropped_trigger_is_reported(office: Path, editor: sqlite3.Connection) -> None:
    editor.execute("DROP TRIGGER letters_no_delete")
    editor.commit()
    report = _check(office)
    assert [(f.code, f.params["name"]) for f in report.findings] == [("trigger_missing", "letters_no_delete")]
    assert "letters_no_delete" in report.findings[0].text()


def test_a_changed_trigger_is_reported(office: Path, editor: sqlite3.Connection) -> None:
    editor.execute("DROP TRIGGER audit_log_no_update")
    editor.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN 0 BEGIN SELECT 1; END")
    editor.commit()
    assert [(f.code, f.params["name"]) for f in _check(office).findings] == [
        ("trigger_changed", "audit_log_no_update")]


def _cut_tail(editor: sqlite3.Connection, entries: int) -> int:
    """Delete the last entries of the audit log and put the trigger back, as a careful editor would."""
    sql = editor.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_delete'").fetchone()[0]
    editor.execute("DROP TRIGGER audit_log_no_delete")
    top = editor.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    editor.execute("DELETE FROM audit_log WHERE id > ?", (top - entries,))
    editor.execute(sql)
    editor.commit()
    return int(top - entries)


def test_the_audit_tail_cut_off_is_reported(office: Path) -> None:
    with sign_in(office, "clerk", PASSWORD) as ws:
        add_enterprise(ws, EnterpriseDraft(name="尾部企业", uscc=factory.uscc(900), county_code="222401",
                                           industry="other", staff_total=10))
    editor = sqlite3.connect(office)
    last = _cut_tail(editor, 1)
    editor.close()
    codes = {f.code: f.params for f in _check(office).findings}
    assert "audit_unrecorded" in codes and codes["audit_unrecorded"]["entry"] == last


def test_a_tail_cut_back_to_before_a_backup_is_reported(office: Path) -> None:
    with sign_in(office, "admin", PASSWORD) as ws:
        made = backups.make_backup(ws, "manual")  # the backup's record keeps the head outside the file
    editor = sqlite3.connect(office)
    last = _cut_tail(editor, 2)  # the backup's own entry and the sign-in before it
    editor.close()
    found = [f for f in _check(office).findings if f.code == "audit_tail_cut"]
    assert found and found[0].params["last"] == last and made.path.name in found[0].text()


def _rehash_from(editor: sqlite3.Connection, first: int) -> None:
    """Change one entry and recompute every hash after it with the app's own formula."""
    sql = editor.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_update'").fetchone()[0]
    editor.execute("DROP TRIGGER audit_log_no_update")
    editor.execute("UPDATE audit_log SET username = 'mallory' WHERE id = ?", (first,))
    editor.row_factory = sqlite3.Row
    prev = editor.execute("SELECT hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1", (first,)).fetchone()
    prev_hash = prev[0] if prev else "0" * 64
    for row in editor.execute("SELECT * FROM audit_log WHERE id >= ? ORDER BY id", (first,)).fetchall():
        extra = {k: row[k] for k in ("rows_to", "rows_hash") if k in row.keys()}
        digest = entry_hash(prev_hash, row["at"], row["office_id"], row["user_id"], row["username"],
                            row["action"], row["entity"], row["entity_id"], row["detail"], **extra)
        editor.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev_hash, digest, row["id"]))
        prev_hash = digest
    editor.execute(sql)
    editor.commit()


def test_a_chain_rehashed_consistently_is_reported_against_the_backup_record(office: Path) -> None:
    with sign_in(office, "admin", PASSWORD) as ws:
        made = backups.make_backup(ws, "manual")
    editor = sqlite3.connect(office)
    _rehash_from(editor, 3)
    editor.close()
    report = _check(office)
    assert [f.code for f in report.findings] == ["audit_rewritten"], [f.text() for f in report.findings]
    assert made.path.name in report.findings[0].text()


def test_a_chain_rehashed_consistently_is_reported_against_a_written_down_fingerprint(
    office: Path, capsys: pytest.CaptureFixture[str], cli_env: None
) -> None:
    assert main(["--db", str(office), "db", "check", "--json"]) == EXIT_OK
    fingerprint = json.loads(capsys.readouterr().out)["check"]["fingerprint"]
    editor = sqlite3.connect(office)
    _rehash_from(editor, 2)
    editor.close()
    assert main(["--db", str(office), "db", "check", "--json"]) == EXIT_OK  # nothing outside to compare with
    capsys.readouterr()
    assert main(["--db", str(office), "db", "check", "--anchor", fingerprint]) == EXIT_FAILED
    assert "记下的指纹" in capsys.readouterr().out


def test_the_cli_names_table_row_and_kind(office: Path, editor: sqlite3.Connection,
                                          capsys: pytest.CaptureFixture[str], cli_env: None) -> None:
    rowid = _first_row(editor, "employments")
    editor.execute("UPDATE employments SET monthly_wage = 99999 WHERE id = ?", (rowid,))
    editor.commit()
    assert main(["--db", str(office), "db", "check"]) == EXIT_FAILED
    out = capsys.readouterr().out
    assert "employments" in out and f"第 {rowid} 行" in out and "改动" in out


def test_the_app_keeps_writing_after_the_check(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Updates, deletes and re-adds the app makes itself stay provable."""
    with sign_in(office, "clerk", PASSWORD) as ws:
        with ws.store.transaction():
            ws.store.conn.execute("UPDATE employments SET job = '焊工' WHERE id IN (1, 2)")
            ws.store.conn.execute("DELETE FROM batch_items")
            ws.store.set_setting("policy.example", '{"v": 2}')
            ws.audit("test.edit")
    assert _check(office).ok


def test_a_file_from_before_the_scheme_is_sealed_when_it_is_opened(tmp_path: Path) -> None:
    """The migration computes the first digests of every row already there, bound by one entry."""
    from desktop.core.office import Actor
    from desktop.store import audit
    from desktop.store.db import SEALING_MIGRATION, available_migrations, open_connection, transaction

    path = tmp_path / "old.sqlite3"
    migrations = available_migrations()
    before = migrations[: [m.name for m in migrations].index(SEALING_MIGRATION)]
    conn = open_connection(path, migrations=before)
    with transaction(conn):
        conn.execute("INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)"
                     " VALUES ('222401', '延吉市就业服务局', 'county', '延吉', 1, 'now', 'now')")
        conn.execute("INSERT INTO settings (key, value) VALUES ('lock.idle_minutes', '10')")
        conn.execute("INSERT INTO users (office_id, username, role, created_at, updated_at)"
                     " VALUES (1, 'admin', 'admin', 'now', 'now')")
        conn.executemany(
            "INSERT INTO enterprises (office_id, uscc, name, county_code, industry, staff_total, created_at,"
            " updated_at) VALUES (1, ?, ?, '222401', 'other', 30, 'now', 'now')",
            [(factory.uscc(n), f"企业{n}") for n in range(5)])
        audit.append(conn, Actor(username="old"), "office.init", office_id=1)
    conn.close()
    with Store.open(path, create=False) as store:
        [sealed] = [e for e in store.audit_entries() if e["action"] == "db.seal"]
        assert json.loads(sealed["detail"])["rows"] == {"enterprises": 5, "offices": 1, "settings": 1, "users": 1}
        assert check_database(store).ok, [f.text() for f in check_database(store).findings]
    editor = sqlite3.connect(path)
    editor.execute("UPDATE enterprises SET name = '改过的' WHERE id = 3")
    editor.commit()
    editor.close()
    with Store.open(path, create=False) as store:
        found = [(f.code, f.params["table"], f.params["row"]) for f in check_database(store).findings]
    assert found == [("row_changed", "enterprises", 3)]
