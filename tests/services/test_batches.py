"""County → province through the services, on real office files: the round trip keeps every
record; every kind of tampering is refused with its reason and leaves the province unchanged."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from collections.abc import Sequence
from typing import Any

import pyrage
import pytest

from desktop.batches import archive, crypto, files
from desktop.core.batch import (
    MANIFEST_NAME, SIGNATURE_NAME, SIGNATURE_NAMESPACE, WORKERS, FileEntry, Manifest, canonical_json,
)
from desktop.core.batch_receipt import Receipt
from desktop.core.decision import Result
from desktop.services import batches as svc
from desktop.services import batch_export, batch_import, batch_receipts, letters
from desktop.services.batch_export import LetterForBatch
from desktop.services import keys
from desktop.services.accounts import sign_in
from desktop.core.decision import apply_override
from desktop.store.db import now_iso
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import Store
from desktop.store import bulk_index, seals
from desktop.store import eligibility as store_eligibility
from tests.batches import factory
from tests.batches.crafted import header_end, open_members, reseal, resign
from tests.batches.factory import PASSPHRASE, PASSWORD


@pytest.fixture(autouse=True)
def _unlock_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)


@dataclass
class Exchange:
    tmp: Path
    county: Path
    province: Path
    stick: Path
    applications: list[int]

    def county_ws(self, user: str = "clerk") -> Workspace:
        return sign_in(self.county, user, PASSWORD)

    def province_ws(self, user: str = "clerk") -> Workspace:
        return sign_in(self.province, user, PASSWORD)

    def export(self, **kwargs: Any) -> batch_export.ExportResult:
        with self.county_ws() as ws:
            return batch_export.export_batch(ws, self.stick, PASSPHRASE, letters=factory.letters_with_fake_pdfs, **kwargs)

    def import_(self, *paths: Path) -> list[batch_import.ImportOutcome]:
        with self.province_ws() as ws:
            return batch_import.import_batches(ws, list(paths), PASSPHRASE)


@pytest.fixture
def exchange(tmp_path: Path) -> Exchange:
    """A county with three approved applications (one overridden by the approver), a province,
    keys exchanged both ways."""
    county = factory.county_db(tmp_path / "county.sqlite3")
    province = factory.province_db(tmp_path / "province.sqlite3")
    factory.exchange_keys(county, province, tmp_path)
    with sign_in(county, "clerk", PASSWORD) as ws:
        applications = factory.approved_applications(ws, 3, 12)
    with sign_in(county, "approver", PASSWORD) as ws:
        # The factory writes approved cases straight into the tables; an approver's override
        # ("原则上") is made while reviewing, so it is written the same way here.
        latest = store_eligibility.latest_decision(ws.store, applications[1])
        assert latest is not None
        changed = apply_override(latest.decision, Result.FAIL, "现场核查发现部分职工已离职", ws.actor.shown_name,
                                 approver_id=ws.actor.user_id, at=now_iso())
        with ws.store.transaction():
            new_id = store_eligibility.insert_decision(ws.store, changed, application_id=applications[1],
                                                       application_version=1, created_by=ws.actor.user_id)
            ws.store.conn.execute("UPDATE applications SET approved_decision_id = ? WHERE id = ?",
                                  (new_id, applications[1]))
    stick = tmp_path / "stick"
    stick.mkdir()
    return Exchange(tmp_path, county, province, stick, applications)


# -- the round trip -------------------------------------------------------------

ENTERPRISE_SQL = (
    "SELECT uscc, name, county_code, industry, staff_total, revenue_wan, assets_wan, size_override, size_reason,"
    " contact_name, contact_phone, address, created_at, updated_at FROM enterprises e WHERE {where} ORDER BY uscc")
APPLICATION_SQL = (
    "SELECT e.uscc, a.loan_type, a.amount_wan, a.applied_on, a.review_date, a.status, a.version,"
    " a.evidence_contracts, a.evidence_wages, a.form_data, a.return_reason, a.created_at, a.updated_at,"
    " pu.display_name, au.display_name FROM applications a JOIN enterprises e ON e.id = a.enterprise_id"
    " LEFT JOIN users pu ON pu.id = a.prepared_by LEFT JOIN users au ON au.id = a.approved_by"
    " WHERE {where} ORDER BY e.uscc")
DECISION_SQL = (
    "SELECT e.uscc, d.application_version, d.review_date, d.ruleset_version, d.standard, d.qualifying_count,"
    " d.staff_total, d.computed_result, d.final_result, d.override_reason, ou.display_name, d.payload,"
    " cu.display_name, d.created_at FROM decisions d JOIN applications a ON a.id = d.application_id"
    " JOIN enterprises e ON e.id = a.enterprise_id LEFT JOIN users ou ON ou.id = d.override_by"
    " LEFT JOIN users cu ON cu.id = d.created_by"
    " WHERE {where} AND d.id = (SELECT max(id) FROM decisions x WHERE x.application_id = a.id) ORDER BY e.uscc")
WORKER_SQL = (
    "SELECT e.uscc, p.id_number, p.name, p.sex, p.birth_date, m.hukou_text, m.hukou_code, m.contract_type,"
    " m.contract_start, m.contract_end, m.hire_date, m.job, m.monthly_wage, m.paid_months, m.social_insurance,"
    " m.phone, m.priority_group, m.priority_evidence, m.active, m.source_row, m.created_at, m.updated_at"
    " FROM employments m JOIN persons p ON p.id = m.person_id JOIN enterprises e ON e.id = m.enterprise_id"
    " WHERE {where} ORDER BY e.uscc, p.id_number")
LETTER_SQL = (
    "SELECT e.uscc, l.year, l.seq, l.number, l.verification_code, l.digest, l.issued_at, l.voided_at,"
    " l.void_reason, l.print_count, iu.display_name FROM letters l JOIN applications a ON a.id = l.application_id"
    " JOIN enterprises e ON e.id = a.enterprise_id LEFT JOIN users iu ON iu.id = l.issued_by"
    " WHERE {where} ORDER BY l.verification_code")


def counted_employments(path: Path) -> set[int]:
    with Store.open(path, create=False) as store:
        refs: set[int] = set()
        for (payload,) in store.conn.execute(
            "SELECT payload FROM decisions d WHERE d.id = (SELECT max(id) FROM decisions x"
            " WHERE x.application_id = d.application_id)"
        ):
            refs |= {w["ref"] for w in json.loads(payload)["workers"] if w["counted"]}
        return refs


def test_round_trip_keeps_every_record(exchange: Exchange) -> None:
    result = exchange.export()
    assert result.counts == {"enterprises": 3, "applications": 3, "decisions": 4, "workers": 30, "letters": 3,
                             "loans": 0, "checks": 0, "confirmations": 0}
    # 4 decisions: the latest of each application, and the one a letter was issued on before the override
    [outcome] = exchange.import_(result.path)
    assert outcome.accepted, outcome.message
    assert (outcome.office_code, outcome.seq, outcome.batch_uuid) == ("222401", 1, result.batch_uuid)

    county, province = exchange.county, exchange.province
    with Store.open(province, create=False) as store:
        office = store.conn.execute("SELECT id, code, name, kind, is_local FROM offices WHERE is_local = 0").fetchone()
    assert tuple(office)[1:] == ("222401", "延吉市就业服务局", "county", 0)
    theirs = f"e.office_id = {office[0]}"
    for sql in (ENTERPRISE_SQL, APPLICATION_SQL, DECISION_SQL, LETTER_SQL):
        mine = factory.table_rows(county, sql.format(where="1 = 1"))
        assert mine and mine == factory.table_rows(province, sql.format(where=theirs)), sql[:40]
    counted = ", ".join(map(str, sorted(counted_employments(county))))
    mine = factory.table_rows(county, WORKER_SQL.format(where=f"m.id IN ({counted})"))
    assert len(mine) == 30 and mine == factory.table_rows(province, WORKER_SQL.format(where=theirs))
    # the approver's override and its author came along
    overridden = factory.table_rows(province, DECISION_SQL.format(where=theirs + " AND d.final_result <> d.computed_result"))
    assert [(r[9], r[10]) for r in overridden] == [("现场核查发现部分职工已离职", "朴科长")]
    # the county's people are kept as accounts that cannot sign in
    users = factory.table_rows(province, f"SELECT username, active, password_hash FROM users WHERE office_id = {office[0]}")
    assert sorted(users) == [("222401/approver", 0, None), ("222401/clerk", 0, None)]
    incoming = factory.table_rows(province, "SELECT direction, batch_uuid, seq, status, file_sha256 FROM batches")
    assert incoming == [("incoming", result.batch_uuid, 1, "accepted", result.file_sha256)]
    assert len(factory.table_rows(province, "SELECT * FROM batch_items")) == 3
    # the encrypted file is archived (its letters' PDFs are in it)
    archived = province.parent / f"{province.stem}-batches" / "incoming" / result.path.name
    assert archived.read_bytes() == result.path.read_bytes()


def test_a_first_batch_into_an_empty_province_builds_the_indexes_after(
        exchange: Exchange, monkeypatch: pytest.MonkeyPatch) -> None:
    """A county's first batch adds more persons and employments than the province holds: their plain
    indexes are built after the inserts (bulk_index, from 5,000 rows; here from 1), and the province
    ends with the same indexes, the same records and every new row sealed."""
    monkeypatch.setattr(bulk_index, "MIN_ROWS", 1)
    dropped: list[str] = []
    built_after = bulk_index.built_after

    def watched(conn: Any, tables: Any, adding: int) -> Any:
        dropped.extend(tables)
        return built_after(conn, tables, adding)

    monkeypatch.setattr(bulk_index, "built_after", watched)
    schema = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    before = factory.table_rows(exchange.province, schema)
    [outcome] = exchange.import_(exchange.export().path)
    assert outcome.accepted, outcome.message
    assert dropped == ["persons", "employments"]
    assert factory.table_rows(exchange.province, schema) == before
    office = factory.table_rows(exchange.province, "SELECT id FROM offices WHERE is_local = 0")[0][0]
    counted = ", ".join(map(str, sorted(counted_employments(exchange.county))))
    mine = factory.table_rows(exchange.county, WORKER_SQL.format(where=f"m.id IN ({counted})"))
    assert len(mine) == 30 and mine == factory.table_rows(exchange.province,
                                                          WORKER_SQL.format(where=f"e.office_id = {office}"))
    with Store.open(exchange.province, create=False) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert list(seals.compare_rows(store.conn)) == []
        # the indexes are used again: a person found by the tail of the ID number
        plan = " ".join(str(r[-1]) for r in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM persons WHERE substr(id_number, -4) = '0018'"))
        assert "persons_id_tail" in plan


def test_export_records_the_batch_and_the_personal_data_export(exchange: Exchange) -> None:
    result = exchange.export()
    assert result.path.name.startswith("222401-0001-") and result.path.name.endswith(".laoxie-batch.age")
    assert not list(exchange.stick.glob("*.part"))
    assert files.file_digest(result.path) == (result.size, result.file_sha256)
    rows = factory.table_rows(exchange.county, "SELECT direction, seq, status, file_sha256 FROM batches")
    assert rows == [("outgoing", 1, "written", result.file_sha256)]
    assert audit_actions(exchange.county)[-3:] == ["db.backup", "batch.export", "pii.export"]
    [(detail,)] = factory.table_rows(exchange.county, "SELECT detail FROM audit_log WHERE action = 'pii.export'")
    assert json.loads(detail)["count"] == 30
    with exchange.county_ws() as ws:
        assert svc.candidates(ws) == []
        with pytest.raises(ServiceError) as caught:
            batch_export.export_batch(ws, exchange.stick, PASSPHRASE)
        assert caught.value.code == "batch_nothing_to_send"
        again = svc.candidates(ws, include_unreceived=True)
        assert [c.sent_in for c in again] == [(result.path.name,)] * 3


def test_manifest_carries_the_audit_chain_head_and_rule_set(exchange: Exchange) -> None:
    with exchange.county_ws() as ws:
        head = ws.store.audit_chain_head()
        result = batch_export.export_batch(ws, exchange.stick, PASSPHRASE, backup=False, letters=factory.letters_with_fake_pdfs)
    members = open_members(result.path.read_bytes())
    manifest = Manifest.from_bytes(members[MANIFEST_NAME])
    assert manifest.audit_chain_head == head
    assert manifest.office_code == "222401" and manifest.recipient_code == "220000" and manifest.seq == 1
    assert len(manifest.ruleset_versions) == 1 and manifest.counts["letters"] == 3
    assert set(manifest.files) == set(members) - {MANIFEST_NAME, SIGNATURE_NAME}
    summary = members["enterprises.csv"].decode("utf-8")
    assert summary.startswith("\ufeff企业名称,统一社会信用代码") and summary.count("\r\n") == 4


def test_export_again_writes_the_same_bytes(exchange: Exchange) -> None:
    result = exchange.export()
    result.path.unlink()  # the stick was lost
    with exchange.county_ws() as ws:
        again = batch_export.export_again(ws, result.batch_uuid, exchange.stick)
        with pytest.raises(ServiceError) as caught:
            batch_export.export_again(ws, result.batch_uuid, exchange.stick)
    assert caught.value.code == "batch_target_exists"
    assert again == result.path and hashlib.sha256(again.read_bytes()).hexdigest() == result.file_sha256


def test_a_failed_write_leaves_no_file_and_no_record(exchange: Exchange, monkeypatch: pytest.MonkeyPatch) -> None:
    def stick_pulled(target: Path, data: bytes) -> Path:
        files.part_path(target).write_bytes(data[: len(data) // 2])
        files.discard(files.part_path(target))
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(files, "write_part", stick_pulled)
    with pytest.raises(ServiceError) as caught:
        exchange.export()
    assert caught.value.code == "batch_write_failed" and "不完整" in str(caught.value)
    assert list(exchange.stick.iterdir()) == []
    assert factory.table_rows(exchange.county, "SELECT * FROM batches") == []


def test_a_stick_pulled_out_before_the_write_leaves_nothing_anywhere(exchange: Exchange) -> None:
    """The folder on the stick goes while the batch is being made: it is not made again on this
    computer (where the stick was mounted) with the batch in it, and nothing is recorded."""
    def pulled_out(ws: Workspace, application_ids: Sequence[int]) -> list[LetterForBatch]:
        exchange.stick.rmdir()
        return factory.letters_with_fake_pdfs(ws, application_ids)

    with exchange.county_ws() as ws, pytest.raises(ServiceError) as caught:
        batch_export.export_batch(ws, exchange.stick, PASSPHRASE, letters=pulled_out)
    assert caught.value.code == "batch_folder_gone" and str(exchange.stick) in str(caught.value)
    assert not exchange.stick.exists()
    assert list(exchange.tmp.rglob("*.laoxie-batch.age*")) == []
    assert factory.table_rows(exchange.county, "SELECT * FROM batches") == []


def test_a_chosen_folder_that_is_gone_is_not_taken_for_a_file_name(exchange: Exchange) -> None:
    """The window's folder, gone before the export looked at it: refused, not written as a file of that name."""
    exchange.stick.rmdir()
    with exchange.county_ws() as ws, pytest.raises(ServiceError) as caught:
        batch_export.export_batch(ws, exchange.stick, PASSPHRASE, letters=factory.letters_with_fake_pdfs,
                                  folder=True)
    assert caught.value.code == "batch_folder_gone" and "U 盘" in str(caught.value)
    assert not exchange.stick.exists() and list(exchange.tmp.rglob("*.laoxie-batch.age*")) == []
    assert factory.table_rows(exchange.county, "SELECT * FROM batches") == []


def test_a_read_back_that_differs_is_refused(exchange: Exchange, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "file_digest", lambda path: (1, "0" * 64))
    with pytest.raises(ServiceError) as caught:
        exchange.export()
    assert caught.value.code == "batch_write_failed"
    assert list(exchange.stick.iterdir()) == []


def test_wrong_passphrase_is_said_plainly(exchange: Exchange) -> None:
    with exchange.county_ws() as ws, pytest.raises(ServiceError) as caught:
        batch_export.export_batch(ws, exchange.stick, "not the passphrase")
    assert caught.value.code == "key_passphrase_wrong" and "口令不对" in str(caught.value)
    assert list(exchange.stick.iterdir()) == []


def test_a_pc_too_busy_for_rage_is_not_told_the_passphrase_is_wrong(
        exchange: Exchange, monkeypatch: pytest.MonkeyPatch) -> None:
    class BusyRage:  # rage timed this PC as too slow for the key's scrypt every time
        def decrypt(self, data: bytes, passphrase: str) -> bytes:
            raise pyrage.DecryptError("Excessive work parameter for passphrase.\n"
                                      "Decryption would take around 64 seconds.")

    monkeypatch.setattr(crypto, "UNLOCK_CACHE", None)
    monkeypatch.setattr(crypto, "age_passphrase", BusyRage())
    monkeypatch.setattr(crypto, "BUSY_PAUSES", ())
    monkeypatch.setattr(crypto.age_scrypt, "_MAXMEM", 1024)  # nor can Python's scrypt get its memory
    with exchange.county_ws() as ws, pytest.raises(ServiceError) as caught:
        batch_export.export_batch(ws, exchange.stick, PASSPHRASE)
    assert caught.value.code == "key_passphrase_busy"
    assert "口令不对" not in str(caught.value) and "太忙" in str(caught.value)
    assert list(exchange.stick.iterdir()) == []


def test_export_needs_the_province_key(tmp_path: Path) -> None:
    county = factory.county_db(tmp_path / "c.sqlite3")
    with sign_in(county, "clerk", PASSWORD) as ws, pytest.raises(ServiceError) as caught:
        batch_export.export_batch(ws, tmp_path, PASSPHRASE)
    assert caught.value.code == "province_key_missing"


def test_a_county_does_not_import_and_the_province_does_not_export(exchange: Exchange) -> None:
    with exchange.county_ws() as ws, pytest.raises(ServiceError) as caught:
        batch_import.import_batches(ws, [exchange.stick / "x"], PASSPHRASE)
    assert caught.value.code == "batch_province_only"
    with exchange.province_ws() as ws, pytest.raises(ServiceError) as caught:
        batch_export.export_batch(ws, exchange.stick, PASSPHRASE)
    assert caught.value.code == "batch_county_only"


# -- receipts -----------------------------------------------------------------------


def test_the_receipt_marks_the_batch_received(exchange: Exchange) -> None:
    result = exchange.export()
    [outcome] = exchange.import_(result.path)
    assert outcome.receipt == exchange.stick / result.path.name.replace(".laoxie-batch.age", ".receipt.json")
    receipt = json.loads(outcome.receipt.read_text(encoding="utf-8"))
    assert receipt["status"] == "accepted" and receipt["manifest_sha256"] == result.manifest_sha256
    with exchange.county_ws() as ws:
        marked = batch_receipts.import_receipt(ws, outcome.receipt)
        assert marked.changed and marked.batch.status == "received" and marked.batch.received_at
        assert not batch_receipts.import_receipt(ws, outcome.receipt).changed
        assert svc.candidates(ws, include_unreceived=True) == []


def test_a_letter_voided_and_issued_again_after_the_province_received_it_goes_in_a_later_batch(
    exchange: Exchange,
) -> None:
    """The province had the application and its letter; the county voided the letter (a wrong name)
    and issued a new one: the application is offered again (ticked), and the later batch brings the
    void and the new letter, so the province matches the new paper letter and not the voided one."""
    result = exchange.export()
    [outcome] = exchange.import_(result.path)
    assert outcome.receipt is not None
    first, others = exchange.applications[0], exchange.applications[1:]
    with exchange.county_ws("approver") as ws:
        batch_receipts.import_receipt(ws, outcome.receipt)
        assert svc.candidates(ws, include_unreceived=True) == []
        old = letters.letter_in_force(ws, first)
        assert old is not None
        letters.void(ws, old.id, "企业名称有误")
        new = letters.issue(ws, first)
        [again] = svc.candidates(ws)
        assert again.application_id == first and again.changed and again.sent_in == (result.path.name,)
        assert not {c.application_id for c in svc.candidates(ws, include_unreceived=True)} & set(others)
    later = exchange.export()
    assert later.counts["applications"] == 1 and later.counts["letters"] == 2
    assert exchange.import_(later.path)[0].accepted
    held = dict(factory.table_rows(exchange.province, "SELECT number, voided_at IS NOT NULL FROM letters"))
    assert held[old.number] == 1 and held[new.number] == 0
    with exchange.county_ws() as ws:
        assert svc.candidates(ws, include_unreceived=True) == []  # sent since it changed: not offered again


def test_a_refusal_receipt_marks_the_batch_refused_and_a_replay_receipt_changes_nothing(exchange: Exchange) -> None:
    result = exchange.export()
    damaged = exchange.stick / "damaged" / result.path.name
    damaged.parent.mkdir()
    damaged.write_bytes(result.path.read_bytes()[:-100])
    [refused] = exchange.import_(damaged)
    [accepted] = exchange.import_(result.path)
    [replayed] = exchange.import_(result.path)
    assert replayed.reason_codes == ("replayed",)
    assert replayed.receipt is not None and replayed.receipt.name.endswith(".refused.receipt.json")
    assert accepted.receipt is not None and json.loads(accepted.receipt.read_text("utf-8"))["status"] == "accepted"
    with exchange.county_ws() as ws:
        assert refused.receipt is not None
        first = batch_receipts.import_receipt(ws, refused.receipt)
        assert first.batch.status == "refused" and "truncated" in first.batch.report
        assert not batch_receipts.import_receipt(ws, replayed.receipt).changed
        assert batch_receipts.import_receipt(ws, accepted.receipt).batch.status == "received"


def _receipt_code(exchange: Exchange, path: Path) -> str:
    with exchange.county_ws() as ws, pytest.raises(ServiceError) as caught:
        batch_receipts.import_receipt(ws, path)
    assert "回执" in str(caught.value)  # said in Chinese
    return caught.value.code


def test_a_forged_receipt_is_not_taken(exchange: Exchange) -> None:
    result = exchange.export()
    [outcome] = exchange.import_(result.path)
    assert outcome.receipt is not None
    genuine = json.loads(outcome.receipt.read_text("utf-8"))
    assert genuine["format"] == "laoxie.receipt/2" and "BEGIN SSH SIGNATURE" in genuine["signature"]
    path = exchange.tmp / "forged.receipt.json"
    for field, value in (("manifest_sha256", "1" * 64), ("status", "quarantined"), ("received_at", "2030-01-01")):
        path.write_text(json.dumps({**genuine, field: value}), encoding="utf-8")
        assert _receipt_code(exchange, path) == "receipt_forged", field
    path.write_text("{not json", encoding="utf-8")
    assert _receipt_code(exchange, path) == "receipt_invalid"
    with exchange.county_ws() as ws:
        assert batch_receipts.import_receipt(ws, outcome.receipt).batch.status == "received"  # the genuine one


def test_the_county_file_alone_cannot_make_a_receipt(exchange: Exchange) -> None:
    """Everything an accepted-receipt says is in the county's own file (it made the manifest); only the
    province's signature is not. A receipt written from the county file is refused, signed or not."""
    result = exchange.export()
    manifest = factory.table_rows(exchange.county, "SELECT manifest FROM batches WHERE id = ?", (result.batch_id,))
    made = Receipt(
        status="accepted", batch_file_sha256=result.file_sha256, batch_file_name=result.path.name,
        received_at="2026-07-05T09:00:00+08:00", province_code="220000", province_name="吉林省就业服务局",
        batch_id=result.batch_uuid, office_code="222401", seq=result.seq,
        manifest_sha256=hashlib.sha256(manifest[0][0].encode("utf-8")).hexdigest(), counts=result.counts,
    )
    path = exchange.tmp / "made.receipt.json"
    old = {k: v for k, v in json.loads(made.to_bytes()).items()} | {"format": "laoxie.receipt/1"}
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")  # what was taken before
    assert _receipt_code(exchange, path) == "receipt_unsigned"
    path.write_bytes(made.to_bytes())
    assert _receipt_code(exchange, path) == "receipt_unsigned"
    county_signed = replace(made, signature=factory.signing_key("county").sign(
        made.signed_bytes(), "laoxie-receipt@jilin").decode("ascii"))
    path.write_bytes(county_signed.to_bytes())
    assert _receipt_code(exchange, path) == "receipt_forged"
    province_key_signed = replace(made, signature=factory.decryption_key("other_province").receipt_signing_key().sign(
        made.signed_bytes(), "laoxie-receipt@jilin").decode("ascii"))
    path.write_bytes(province_key_signed.to_bytes())
    assert _receipt_code(exchange, path) == "receipt_forged"
    with exchange.county_ws() as ws:
        assert svc.outgoing_batches(ws)[0].status == "written"  # never marked received


def test_a_county_without_the_province_receipt_key_is_told_to_import_it(exchange: Exchange, tmp_path: Path) -> None:
    result = exchange.export()
    [outcome] = exchange.import_(result.path)
    assert outcome.receipt is not None
    with Store.open(exchange.county, create=False) as store, store.transaction():
        store.conn.execute("UPDATE peer_keys SET retired_at = '2026-07-01' WHERE purpose = 'signing'")
    assert _receipt_code(exchange, outcome.receipt) == "receipt_key_missing"
    with sign_in(exchange.county, "admin", PASSWORD) as ws, sign_in(exchange.province, "admin", PASSWORD) as pws:
        text = keys.public_key_file_text(pws)
        assert "receipt-key: ssh-ed25519 " in text
        keys.import_province_key(ws, text)
    with exchange.county_ws() as ws:
        assert batch_receipts.import_receipt(ws, outcome.receipt).batch.status == "received"


# -- tampering: each refused with its reason, the province unchanged -------------------


def province_state(path: Path) -> tuple[object, ...]:
    """Everything in the province file but the audit and row logs, the quarantine and the backup bookkeeping."""
    rows = factory.dump(path, skip=("audit_log", "row_log", "batch_quarantine"))
    rows["settings"] = [r for r in rows["settings"] if r[0] != "backup.last_good"]
    return tuple(sorted(rows.items()))


def audit_actions(path: Path, after: int = 0) -> list[str]:
    return [r[0] for r in factory.table_rows(path, "SELECT action FROM audit_log WHERE id > ? ORDER BY id", (after,))]


def last_audit_id(path: Path) -> int:
    return int(factory.table_rows(path, "SELECT coalesce(max(id), 0) FROM audit_log")[0][0])


def kept_files(exchange: Exchange) -> list[str]:
    """The accepted files the province keeps (batch_import._Archive), and any part being written."""
    folder = exchange.province.parent / f"{exchange.province.stem}-batches" / "incoming"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_an_accepted_file_that_cannot_be_kept_is_said_and_leaves_no_part(
        exchange: Exchange, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(target: Path, data: bytes) -> Path:
        files.part_path(target).write_bytes(data[:10])  # a part begun, then the disk is full
        files.discard(files.part_path(target))
        raise OSError(28, "No space left on device")

    path = exchange.export().path
    monkeypatch.setattr(files, "write_part", full_disk)
    before = province_state(exchange.province)
    [outcome] = exchange.import_(path)
    assert outcome.status == "unreadable", outcome.message
    assert "无法在本机保存收到的批次文件" in outcome.message and "数据库未因该文件作任何改动" in outcome.message
    assert province_state(exchange.province) == before  # as the message says: its records were not stored
    assert kept_files(exchange) == []
    monkeypatch.undo()
    assert exchange.import_(path)[0].accepted  # once the disk has room
    assert kept_files(exchange) == [path.name]


def refused_unchanged(exchange: Exchange, data: bytes, name: str = "222401-0001-tampered.laoxie-batch.age"
                      ) -> batch_import.ImportOutcome:
    """Import ``data`` as a file on the stick; it must be quarantined and change nothing else."""
    path = exchange.stick / name
    path.write_bytes(data)
    before, audit_from = province_state(exchange.province), last_audit_id(exchange.province)
    quarantined_before = len(factory.table_rows(exchange.province, "SELECT * FROM batch_quarantine"))
    kept_before = kept_files(exchange)
    [outcome] = exchange.import_(path)
    assert outcome.status == "quarantined"
    assert province_state(exchange.province) == before
    assert kept_files(exchange) == kept_before  # not kept as accepted, and no part of it left (written meanwhile)
    # besides the sign-in of the import's user and the backup before the run (none when one was
    # taken the same second): the quarantine itself
    actions = audit_actions(exchange.province, audit_from)
    assert [a for a in actions if a not in ("user.login", "db.backup")] == ["batch.quarantine"]
    rows = factory.table_rows(exchange.province, "SELECT reason, file_sha256, stored_as, report FROM batch_quarantine")
    assert len(rows) == quarantined_before + 1
    reason, sha, stored, report = rows[-1]
    assert reason == outcome.reason_codes[0] and sha == hashlib.sha256(data).hexdigest()
    assert Path(stored).read_bytes() == data  # kept, never dropped
    assert [r["code"] for r in json.loads(report)["reasons"]] == list(outcome.reason_codes)
    assert outcome.receipt is not None and json.loads(outcome.receipt.read_text("utf-8"))["status"] == "quarantined"
    return outcome


@pytest.fixture
def sent(exchange: Exchange) -> tuple[Exchange, bytes]:
    return exchange, exchange.export().path.read_bytes()


def flip(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


@pytest.mark.parametrize("where", ["first chunk", "middle", "last byte"])
def test_a_flipped_byte_in_the_encrypted_data_is_refused_as_corrupt(sent: tuple[Exchange, bytes], where: str) -> None:
    exchange, data = sent
    start = header_end(data) + 16
    position = {"first chunk": start + 5, "middle": (start + len(data)) // 2, "last byte": len(data) - 1}[where]
    outcome = refused_unchanged(exchange, flip(data, position))
    assert outcome.reason_codes == ("corrupt",) and outcome.batch_uuid is None
    # what the officer reads (and the receipt carries back) is Chinese: age's own English words are
    # only in the report's parameters and the log
    message = outcome.reasons[0].text()
    assert "损坏" in message and not any("a" <= c.lower() <= "z" for c in message), message


@pytest.mark.parametrize("position", [0, 30, 60, 100, -40])
def test_a_flipped_byte_in_the_header_is_refused(sent: tuple[Exchange, bytes], position: int) -> None:
    exchange, data = sent
    at = position if position >= 0 else header_end(data) + position
    outcome = refused_unchanged(exchange, flip(data, at))
    # the recipient stanza cannot tell "damaged" from "for someone else" (age hides the recipient)
    assert outcome.reason_codes[0] in {"not_a_batch", "corrupt", "wrong_recipient"}


@pytest.mark.parametrize("keep", [0.5, 0.99, "chunk", "header"])
def test_a_truncated_file_is_refused_as_truncated(sent: tuple[Exchange, bytes], keep: float | str) -> None:
    exchange, data = sent
    start = header_end(data) + 16
    cut = {"chunk": start, "header": 50}.get(keep) if isinstance(keep, str) else int(len(data) * keep)
    assert isinstance(cut, int) and cut < len(data)
    outcome = refused_unchanged(exchange, data[:cut])
    assert outcome.reason_codes == ("truncated",)


def test_a_batch_for_another_recipient_is_refused(sent: tuple[Exchange, bytes]) -> None:
    exchange, data = sent
    outcome = refused_unchanged(exchange, reseal(open_members(data), recipient="other_province"))
    assert outcome.reason_codes == ("wrong_recipient",)
    assert "不是加密给本省的" in outcome.message


def test_not_a_batch_at_all(exchange: Exchange) -> None:
    outcome = refused_unchanged(exchange, b"PK\x03\x04 a zip someone renamed")
    assert outcome.reason_codes == ("not_a_batch",)


def test_an_altered_file_is_refused(sent: tuple[Exchange, bytes]) -> None:
    exchange, data = sent
    members = open_members(data)
    members[WORKERS] = members[WORKERS].replace("职工".encode(), "员工".encode(), 1)
    outcome = refused_unchanged(exchange, reseal(members))
    assert outcome.reasons[0].code == "file_altered" and outcome.reasons[0].params == {"name": WORKERS}
    assert outcome.batch_uuid is not None and outcome.office_code == "222401"  # the manifest could be read


def test_a_removed_file_is_refused(sent: tuple[Exchange, bytes]) -> None:
    exchange, data = sent
    members = open_members(data)
    letter = next(n for n in members if n.startswith("letters/"))
    del members[letter]
    outcome = refused_unchanged(exchange, reseal(members))
    assert [(r.code, r.params["name"]) for r in outcome.reasons] == [("file_missing", letter)]


def test_an_added_file_is_refused(sent: tuple[Exchange, bytes]) -> None:
    exchange, data = sent
    members = open_members(data)
    members["letters/extra.pdf"] = b"%PDF-1.4 not listed"
    outcome = refused_unchanged(exchange, reseal(members))
    assert [(r.code, r.params["name"]) for r in outcome.reasons] == [("file_extra", "letters/extra.pdf")]


def test_a_manifest_changed_after_signing_is_refused(sent: tuple[Exchange, bytes]) -> None:
    exchange, data = sent
    members = open_members(data)
    manifest = json.loads(members[MANIFEST_NAME])
    manifest["seq"] = 7
    members[MANIFEST_NAME] = canonical_json(manifest)
    outcome = refused_unchanged(exchange, reseal(members))
    assert outcome.reason_codes == ("bad_signature",)


def test_a_manifest_re_signed_with_another_key_is_refused(sent: tuple[Exchange, bytes]) -> None:
    exchange, data = sent
    members = open_members(data)
    members[WORKERS] = members[WORKERS].replace("职工".encode(), "员工".encode(), 1)
    outcome = refused_unchanged(exchange, reseal(resign(members, "other_county")))
    assert outcome.reason_codes == ("unknown_signer",)
    assert factory.key_material("other_county").fingerprint in outcome.message


def test_a_missing_signature_is_refused(sent: tuple[Exchange, bytes]) -> None:
    exchange, data = sent
    members = open_members(data)
    del members[SIGNATURE_NAME]
    assert refused_unchanged(exchange, reseal(members)).reason_codes == ("signature_missing",)


def test_an_unregistered_county_is_refused(exchange: Exchange, tmp_path: Path) -> None:
    other = factory.county_db(tmp_path / "other.sqlite3", "222402", "图们市就业服务局", "图们人社劳协确")
    with sign_in(other, "admin", PASSWORD) as ws:
        factory.install_key(ws, "county2", tmp_path)
        with sign_in(exchange.province, "admin", PASSWORD) as pws:
            keys.import_province_key(ws, keys.public_key_file_text(pws))
    with sign_in(other, "clerk", PASSWORD) as ws:
        factory.approved_applications(ws, 1, 5)
        result = batch_export.export_batch(ws, exchange.stick, PASSPHRASE, letters=factory.letters_with_fake_pdfs)
    outcome = refused_unchanged(exchange, result.path.read_bytes(), result.path.name)
    assert outcome.reason_codes == ("unknown_signer",) and "图们市就业服务局" in outcome.message


def test_a_path_that_climbs_out_is_refused(sent: tuple[Exchange, bytes]) -> None:
    exchange, data = sent
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, body in open_members(data).items():
            z.writestr(name, body)
        z.writestr("../../evil.bat", b"echo pwned")
    suite = crypto.suite()
    sealed = suite.encrypt(buffer.getvalue(), suite.encryption_public(factory.key_material("province").public))
    outcome = refused_unchanged(exchange, sealed)
    assert outcome.reason_codes == ("bad_archive",)


def test_signed_records_that_do_not_hold_together_are_refused(sent: tuple[Exchange, bytes]) -> None:
    exchange, data = sent
    members = open_members(data)
    table = json.loads(members[WORKERS])
    table["rows"][0][0] = 999  # a worker of an enterprise not in the batch
    members[WORKERS] = canonical_json(table)
    outcome = refused_unchanged(exchange, reseal(resign(members)))
    assert outcome.reason_codes == ("data_invalid",) and "enterprise_ref" in outcome.message


def test_records_the_database_refuses_roll_back_everything(exchange: Exchange, tmp_path: Path) -> None:
    other = factory.county_db(tmp_path / "tumen.sqlite3", "222402", "图们市就业服务局", "图们人社劳协确")
    factory.exchange_keys(other, exchange.province, tmp_path, county_key="county2")
    with sign_in(other, "clerk", PASSWORD) as ws:
        [app_id] = factory.approved_applications(ws, 1, 4, first=50, letters=False)
        # a letter whose verification code the province already holds for another county's letter
        ws.store.conn.execute(
            "INSERT INTO letters (office_id, application_id, decision_id, year, seq, number, verification_code,"
            " digest, issued_at) SELECT ?, ?, max(id), 2026, 1, '图们人社劳协确〔2026〕1号', '222401-000000-K7Q2',"
            " ?, '2026-07-01T10:00:00+08:00' FROM decisions", (ws.office.id, app_id, "0" * 64))
        second = batch_export.export_batch(ws, exchange.stick, PASSPHRASE, letter_pdfs=False)
    assert exchange.import_(exchange.export().path)[0].accepted
    outcome = refused_unchanged(exchange, second.path.read_bytes(), second.path.name)
    assert outcome.reason_codes == ("data_invalid",) and "与省里已有的记录重复（确认书核验码）" in outcome.message
    assert "UNIQUE" not in outcome.message  # SQLite's English stays in the log
    assert factory.table_rows(exchange.province, "SELECT count(*) FROM offices WHERE code = '222402'") == [(0,)]


def test_a_replayed_batch_is_refused(sent: tuple[Exchange, bytes]) -> None:
    exchange, data = sent
    path = exchange.stick / "first.laoxie-batch.age"
    path.write_bytes(data)
    assert exchange.import_(path)[0].accepted
    outcome = refused_unchanged(exchange, data, "copy.laoxie-batch.age")
    assert outcome.reason_codes == ("replayed",)
    # the same batch re-encrypted (a different file) is still the same batch
    assert refused_unchanged(exchange, reseal(open_members(data)), "re-encrypted.age").reason_codes == ("replayed",)


def test_an_older_sequence_number_is_refused(exchange: Exchange) -> None:
    with exchange.county_ws() as ws:
        first = batch_export.export_batch(ws, exchange.stick, PASSPHRASE, application_ids=exchange.applications[:1],
                                          letter_pdfs=False)
        second = batch_export.export_batch(ws, exchange.stick, PASSPHRASE, application_ids=exchange.applications[1:],
                                           letter_pdfs=False)
    assert (first.seq, second.seq) == (1, 2)
    [accepted] = exchange.import_(second.path)
    assert accepted.accepted and [w.code for w in accepted.warnings] == ["batch_sequence_gap"]
    outcome = refused_unchanged(exchange, first.path.read_bytes(), first.path.name)
    assert outcome.reason_codes == ("older_sequence",)
    assert outcome.reasons[0].params["last"] == 2


def test_a_batch_refused_once_is_accepted_when_a_sound_copy_comes(sent: tuple[Exchange, bytes]) -> None:
    exchange, data = sent
    refused_unchanged(exchange, data[:-10])
    path = exchange.stick / "sound.laoxie-batch.age"
    path.write_bytes(data)
    assert exchange.import_(path)[0].accepted


def test_two_counties_and_a_folder_of_batches(exchange: Exchange, tmp_path: Path) -> None:
    other = factory.county_db(tmp_path / "tumen.sqlite3", "222402", "图们市就业服务局", "图们人社劳协确")
    factory.exchange_keys(other, exchange.province, tmp_path, county_key="county2")
    with sign_in(other, "clerk", PASSWORD) as ws:
        factory.approved_applications(ws, 2, 6, first=50)
        batch_export.export_batch(ws, exchange.stick, PASSPHRASE, letters=factory.letters_with_fake_pdfs)
    exchange.export()
    (exchange.stick / "notes.txt").write_text("not a batch", encoding="utf-8")
    with exchange.province_ws() as ws:
        found = svc.batch_files_in(exchange.stick)
        outcomes = batch_import.import_batches(ws, found, PASSPHRASE)
        assert [(o.office_code, o.status) for o in outcomes] == [("222401", "accepted"), ("222402", "accepted")]
        assert len(svc.incoming_batches(ws)) == 2
    offices = factory.table_rows(exchange.province, "SELECT code FROM offices WHERE is_local = 0 ORDER BY code")
    assert offices == [("222401",), ("222402",)]


def test_a_resent_application_updates_instead_of_duplicating(exchange: Exchange) -> None:
    first = exchange.export()
    second = exchange.export(include_unreceived=True)  # the receipt had not come back yet
    outcomes = exchange.import_(first.path, second.path)
    assert [o.status for o in outcomes] == ["accepted", "accepted"]
    counts = factory.table_rows(exchange.province, "SELECT (SELECT count(*) FROM applications),"
                                " (SELECT count(*) FROM decisions), (SELECT count(*) FROM letters),"
                                " (SELECT count(*) FROM employments)")
    assert counts == [(3, 4, 3, 30)]


def test_an_unreadable_file_is_reported_not_quarantined(exchange: Exchange) -> None:
    [outcome] = exchange.import_(exchange.stick / "gone.laoxie-batch.age")
    assert outcome.status == "unreadable" and "无法读取" in outcome.message
    assert factory.table_rows(exchange.province, "SELECT * FROM batch_quarantine") == []


def test_import_needs_the_right_passphrase(sent: tuple[Exchange, bytes]) -> None:
    exchange, data = sent
    with exchange.province_ws() as ws, pytest.raises(ServiceError) as caught:
        batch_import.import_batches(ws, [exchange.stick / "x"], "wrong passphrase")
    assert caught.value.code == "key_passphrase_wrong"



def test_letters_issued_the_real_way_travel_with_their_pdfs_and_can_be_verified(tmp_path: Path) -> None:
    from desktop.services import letter_verify, letters

    county = factory.county_db(tmp_path / "county.sqlite3")
    province = factory.province_db(tmp_path / "province.sqlite3")
    factory.exchange_keys(county, province, tmp_path)
    ids = factory.issued_through_the_workflow(county, 2, 8)
    with sign_in(county, "clerk", PASSWORD) as ws:
        codes = [letters.letter_in_force(ws, a).verification_code for a in ids]  # type: ignore[union-attr]
        result = batch_export.export_batch(ws, tmp_path, PASSPHRASE)
    members = open_members(result.path.read_bytes())
    pdfs = sorted(n for n in members if n.startswith("letters/"))
    assert len(pdfs) == 2 and all(members[n].startswith(b"%PDF") for n in pdfs)
    assert all(any(code in n for n in pdfs) for code in codes)
    with sign_in(province, "clerk", PASSWORD) as ws:
        [outcome] = batch_import.import_batches(ws, [result.path], PASSPHRASE)
        assert outcome.accepted, outcome.message
        # a paper letter's code is checked against what the county sent
        found = letter_verify.verify(ws, codes[0])
        assert found.state == "valid" and found.digest_ok and found.uscc == factory.uscc(0)
    approved = factory.table_rows(province, "SELECT count(*) FROM applications WHERE approved_decision_id IS NOT NULL"
                                  " AND approved_at IS NOT NULL AND submitted_at IS NOT NULL")
    assert approved == [(2,)]


def test_a_letter_whose_content_does_not_match_is_refused(tmp_path: Path) -> None:
    county = factory.county_db(tmp_path / "county.sqlite3")
    province = factory.province_db(tmp_path / "province.sqlite3")
    factory.exchange_keys(county, province, tmp_path)
    factory.issued_through_the_workflow(county, 1, 5)
    with sign_in(county, "clerk", PASSWORD) as ws:
        result = batch_export.export_batch(ws, tmp_path, PASSPHRASE, letter_pdfs=False)
    members = open_members(result.path.read_bytes())
    table = json.loads(members["data/letters.json"])
    content_at = table["columns"].index("content")
    table["rows"][0][content_at] = table["rows"][0][content_at].replace('"qualifying_count":', '"qualifying_count":1', 1)
    members["data/letters.json"] = canonical_json(table)
    exchange = Exchange(tmp_path, county, province, tmp_path, [])
    outcome = refused_unchanged(exchange, reseal(resign(members)))
    assert outcome.reason_codes == ("data_invalid",) and "核验码" in outcome.message


def test_a_failed_rename_after_recording_says_to_export_again(exchange: Exchange,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    real_commit = files.commit

    def pulled_out(part: Path, target: Path) -> Path:
        if target.parent == exchange.stick:
            raise OSError(19, "No such device")
        return real_commit(part, target)

    monkeypatch.setattr(files, "commit", pulled_out)
    with pytest.raises(ServiceError) as caught:
        exchange.export()
    assert caught.value.code == "batch_commit_failed" and "再次导出" in str(caught.value)
    assert list(exchange.stick.iterdir()) == []
    monkeypatch.setattr(files, "commit", real_commit)
    [(batch_uuid, sha)] = factory.table_rows(exchange.county, "SELECT batch_uuid, file_sha256 FROM batches")
    with exchange.county_ws() as ws:
        path = batch_export.export_again(ws, batch_uuid, exchange.stick)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    assert exchange.import_(path)[0].accepted


def _kept(path: Path) -> dict[int, bytes]:
    return {int(i): bytes(pdf) for i, pdf in factory.table_rows(path, "SELECT letter_id, pdf FROM letter_files")}


def test_the_batch_carries_the_original_kept_when_the_letter_was_issued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from desktop.services import letters

    county = factory.county_db(tmp_path / "county.sqlite3")
    province = factory.province_db(tmp_path / "province.sqlite3")
    factory.exchange_keys(county, province, tmp_path)
    ids = factory.issued_through_the_workflow(county, 2, 8)
    kept = _kept(county)
    assert len(kept) == 2

    def not_drawn(ws: Workspace, letter_id: int) -> bytes:
        raise AssertionError("a letter with a kept original is not drawn again")

    monkeypatch.setattr(letters, "preview_pdf", not_drawn)
    with sign_in(county, "clerk", PASSWORD) as ws:
        letters.print_pdf(ws, letters.letter_in_force(ws, ids[0]).id)  # type: ignore[union-attr]
        letters.print_pdf(ws, letters.letter_in_force(ws, ids[0]).id)  # type: ignore[union-attr]  # a copy
        result = batch_export.export_batch(ws, tmp_path, PASSPHRASE)
    members = open_members(result.path.read_bytes())
    carried = {int(n.rsplit("-", 1)[1].removesuffix(".pdf")): pdf for n, pdf in members.items()
               if n.startswith("letters/")}
    assert carried == kept  # the originals as issued, even for a letter printed twice since
    with sign_in(province, "clerk", PASSWORD) as ws:
        [outcome] = batch_import.import_batches(ws, [result.path], PASSPHRASE)
    assert outcome.accepted, outcome.message


def test_letters_issued_before_originals_were_kept_are_drawn_for_the_batch(tmp_path: Path) -> None:
    import sqlite3

    county = factory.county_db(tmp_path / "county.sqlite3")
    province = factory.province_db(tmp_path / "province.sqlite3")
    factory.exchange_keys(county, province, tmp_path)
    factory.issued_through_the_workflow(county, 2, 8)
    conn = sqlite3.connect(county)  # as a file issued before 0005: no letter_files rows
    try:
        conn.execute("DROP TRIGGER letter_files_kept")
        conn.execute("DELETE FROM letter_files")
        conn.commit()
    finally:
        conn.close()
    with sign_in(county, "clerk", PASSWORD) as ws:
        result = batch_export.export_batch(ws, tmp_path, PASSPHRASE)
    pdfs = [pdf for n, pdf in open_members(result.path.read_bytes()).items() if n.startswith("letters/")]
    assert len(pdfs) == 2 and all(pdf.startswith(b"%PDF") for pdf in pdfs)
    assert _kept(county) == {}  # the export draws, it keeps nothing
    with sign_in(province, "clerk", PASSWORD) as ws:
        [outcome] = batch_import.import_batches(ws, [result.path], PASSPHRASE)
    assert outcome.accepted, outcome.message


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_batches_receipts_and_their_folders_are_the_owners_alone(exchange: Exchange) -> None:
    old = os.umask(0o022)  # what would make them readable by everyone
    try:
        result = exchange.export()
        [outcome] = exchange.import_(result.path)
    finally:
        os.umask(old)
    county_folder = exchange.county.parent / f"{exchange.county.stem}-batches"
    province_folder = exchange.province.parent / f"{exchange.province.stem}-batches"
    files_made = [result.path, county_folder / "outgoing" / result.path.name,
                  province_folder / "incoming" / result.path.name, outcome.receipt]
    assert {oct(Path(f).stat().st_mode & 0o777) for f in files_made if f is not None} == {"0o600"}
    folders = [county_folder, county_folder / "outgoing", province_folder, province_folder / "incoming"]
    assert {oct(f.stat().st_mode & 0o777) for f in folders} == {"0o700"}
