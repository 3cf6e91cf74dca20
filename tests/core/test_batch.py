"""The batch format as values: canonical JSON, the manifest read strictly, the checks, the receipt."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

import pytest

from desktop.core import batch as b
from desktop.core.batch import BatchFormatError, FileEntry, Fingerprint, Manifest, Table
from desktop.core.batch_checks import AcceptedBatch, data_reasons, file_reasons, sequence_gap, sequence_reasons
from desktop.core.batch_reasons import REASONS, Reason
from desktop.core.batch_receipt import Receipt, receipt_file_name
from desktop.core.messages import MESSAGES

BATCH_ID = "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"


def manifest(**changes: Any) -> Manifest:
    base = Manifest(
        suite="ed25519-sshsig+age-x25519", office_code="222401", office_name="延吉市就业服务局",
        recipient_code="220000", recipient_name="吉林省就业服务局", recipient_fingerprint="SHA256:abc",
        batch_id=BATCH_ID, seq=3, created_at="2026-07-01T10:00:00+08:00", created_by="clerk", app_version="0.1.0",
        ruleset_versions=("labor-coop-2022@1",), counts=dict.fromkeys(b.COUNT_KEYS, 1),
        audit_chain_head="a" * 64, signer_fingerprint="SHA256:def",
        files={"data/workers.json": FileEntry("b" * 64, 10), "letters/X-1.pdf": FileEntry("c" * 64, 20)},
    )
    return replace(base, **changes)


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert b.canonical_json({"b": 1, "a": ["延吉", None, 1.5]}) == '{"a":["延吉",null,1.5],"b":1}'.encode()
    with pytest.raises(ValueError):
        b.canonical_json({"x": float("nan")})


def test_manifest_round_trip_and_byte_form() -> None:
    m = manifest()
    data = m.to_bytes()
    assert Manifest.from_bytes(data) == m
    assert data == b.canonical_json(json.loads(data))  # what is signed is exactly the canonical form
    assert json.loads(data)["files"]["data/workers.json"] == {"sha256": "b" * 64, "size": 10}


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda d: d.update(extra=1), "未知的键 extra"),
    (lambda d: d.pop("seq"), "缺少 seq"),
    (lambda d: d.update(format="laoxie.batch/3"), "不受支持"),
    (lambda d: d.update(format="laoxie.batch/1"), "counts 含未知的键 checks, confirmations, loans"),  # /1: none
    (lambda d: d["counts"].pop("checks"), "counts 缺少 checks"),
    (lambda d: d.update(seq=0), "正整数"),
    (lambda d: d.update(seq=True), "seq"),
    (lambda d: d.update(batch_id="not-a-uuid"), "batch_id"),
    (lambda d: d["office"].update(code="2224"), "office.code"),
    (lambda d: d["counts"].pop("letters"), "counts 缺少 letters"),
    (lambda d: d["files"].update({"../evil": {"sha256": "b" * 64, "size": 1}}), "不允许"),
    (lambda d: d["files"].update({"manifest.json": {"sha256": "b" * 64, "size": 1}}), "不允许"),
    (lambda d: d["files"]["data/workers.json"].update(sha256="B" * 64), "sha256"),
    (lambda d: d["files"]["data/workers.json"].update(size=-1), "非负整数"),
])
def test_manifest_is_read_strictly(change: Any, fragment: str) -> None:
    raw = manifest().to_dict()
    change(raw)
    with pytest.raises(BatchFormatError) as caught:
        Manifest.from_dict(raw)
    assert fragment in caught.value.detail


def test_manifest_that_is_not_json() -> None:
    with pytest.raises(BatchFormatError, match="JSON"):
        Manifest.from_bytes(b"\xff\xfe not json")


@pytest.mark.parametrize(("name", "safe"), [
    ("data/workers.json", True), ("letters/ABCDE-1.pdf", True), ("enterprises.csv", True),
    ("../evil", False), ("/etc/passwd", False), ("a/../b", False), ("a\\b", False), ("", False),
    ("C:/x", False), (".hidden", False), ("a//b", False), ("名单.json", False), ("a/", False),
])
def test_member_names(name: str, safe: bool) -> None:
    assert (b.member_name_problem(name) is None) is safe


def test_fingerprint_forms() -> None:
    fp = Fingerprint.of(b"some public key bytes")
    digest = hashlib.sha256(b"some public key bytes").digest()
    assert fp.sha256.startswith("SHA256:") and not fp.sha256.endswith("=")
    assert [len(g) for g in fp.digits.split(" ")] == [4] * 6 and fp.digits.replace(" ", "").isdigit()
    assert fp.digits.split(" ")[0] == f"{int.from_bytes(digest[:5], 'big') % 10000:04d}"
    assert [len(g) for g in fp.grouped.split(" ")] == [4] * 5
    assert fp.matches(fp.digits) and fp.matches(fp.digits.replace(" ", "-")) and fp.matches(fp.sha256)
    assert fp.matches(fp.grouped.lower()) and not fp.matches("0000 0000 0000 0000 0000 0000")
    assert Fingerprint.of(b"other") != fp


def test_every_reason_has_a_message() -> None:
    for code in REASONS:
        assert "batch_" + code in MESSAGES
    with pytest.raises(ValueError):
        Reason("no_such_reason")
    reason = Reason("file_missing", {"name": "data/workers.json"})
    assert reason.as_dict() == {"code": "file_missing", "params": {"name": "data/workers.json"},
                                "message": "清单列出的文件 data/workers.json 不在批次中"}


def test_files_against_the_manifest() -> None:
    m = manifest()
    present = dict(m.files)
    assert file_reasons(m, present) == []
    present["data/workers.json"] = FileEntry("d" * 64, 10)
    del present["letters/X-1.pdf"]
    present["extra.txt"] = FileEntry("e" * 64, 1)
    assert [(r.code, r.params["name"]) for r in file_reasons(m, present)] == [
        ("file_altered", "data/workers.json"), ("file_missing", "letters/X-1.pdf"), ("file_extra", "extra.txt")]
    # the size alone also counts
    assert file_reasons(m, {**m.files, "letters/X-1.pdf": FileEntry("c" * 64, 21)})[0].code == "file_altered"


def test_sequence_checks() -> None:
    m = manifest(seq=3)
    assert sequence_reasons(m, "延吉", []) == []
    assert sequence_reasons(m, "延吉", [AcceptedBatch("x", 2, "t")]) == []
    [replayed] = sequence_reasons(m, "延吉", [AcceptedBatch(BATCH_ID, 3, "2026-07-02")])
    assert replayed.code == "replayed" and "2026-07-02" in replayed.text()
    assert sequence_reasons(m, "延吉", [AcceptedBatch("y", 3, "t")])[0].code == "older_sequence"
    assert sequence_reasons(m, "延吉", [AcceptedBatch("y", 5, "t")])[0].params["last"] == 5
    assert sequence_gap(m, "延吉", [AcceptedBatch("x", 2, "t")]) is None
    gap = sequence_gap(m, "延吉", [])
    assert gap is not None and gap.params["missing"] == "1–2"


def table(name: str, *rows: list[Any]) -> bytes:
    return b.table_bytes(name, rows)


def test_tables_are_read_strictly() -> None:
    data = table(b.USERS, [1, "clerk", "金经办", "clerk"])
    assert b.parse_table(b.USERS, data).records() == [
        {"ref": 1, "username": "clerk", "display_name": "金经办", "role": "clerk"}]
    with pytest.raises(BatchFormatError, match="列应为"):
        b.parse_table(b.USERS, b.canonical_json({"columns": ["ref"], "rows": []}))
    with pytest.raises(BatchFormatError, match="每行"):
        b.parse_table(b.USERS, b.canonical_json({"columns": list(b.TABLE_COLUMNS[b.USERS]), "rows": [[1]]}))
    with pytest.raises(BatchFormatError, match="未知的键"):
        b.parse_table(b.USERS, b.canonical_json({"columns": [], "rows": [], "x": 1}))


def minimal_tables(**rows: list[list[Any]]) -> dict[str, Table]:
    def row(name: str, **values: Any) -> list[Any]:
        return [values.get(c) for c in b.TABLE_COLUMNS[name]]

    defaults = {
        b.ENTERPRISES: [row(b.ENTERPRISES, ref=1)],
        b.USERS: [row(b.USERS, ref=5)],
        b.APPLICATIONS: [row(b.APPLICATIONS, ref=10, enterprise_ref=1, prepared_by_ref=5)],
        b.DECISIONS: [row(b.DECISIONS, ref=20, application_ref=10, payload='{"schema":"laoxie.decision/1"}')],
        b.WORKERS: [row(b.WORKERS, enterprise_ref=1, id_number="11010519491231002X")],
        b.LETTERS: [row(b.LETTERS, ref=30, application_ref=10, decision_ref=20, pdf="letters/A-30.pdf")],
        b.LOANS: [row(b.LOANS, ref=40, application_ref=10, warnings="[]", created_by_ref=5)],
        b.CHECKS: [row(b.CHECKS, ref=50, loan_ref=40, payload="{}", created_by_ref=5)],
        b.CONFIRMATIONS: [row(b.CONFIRMATIONS, ref=60, check_ref=50, outcome="confirmed", answered_by_ref=5)],
    }
    names = {"tracking_checks": b.CHECKS, "confirmations": b.CONFIRMATIONS}
    defaults.update({names.get(k) or getattr(b, k.upper()): v for k, v in rows.items()})
    return {name: Table(b.TABLE_COLUMNS[name], r) for name, r in defaults.items()}


def test_data_that_holds_together() -> None:
    assert data_reasons(minimal_tables(), ["letters/A-30.pdf"]) == []
    older = {name: t for name, t in minimal_tables().items() if name not in (b.LOANS, b.CHECKS, b.CONFIRMATIONS)}
    assert data_reasons(older, ["letters/A-30.pdf"]) == []  # a laoxie.batch/1 batch: no loans or checks


def test_each_format_version_has_its_tables() -> None:
    assert set(b.table_columns(b.FORMAT)) == set(b.DATA_FILES)
    older = b.table_columns(b.FORMAT_V1)
    assert set(older) == set(b.DATA_FILES) - {b.LOANS, b.CHECKS, b.CONFIRMATIONS}
    assert older[b.WORKERS] == b.TABLE_COLUMNS[b.WORKERS][:-2]  # /2 added the claim and the 户口簿 answer
    v1_workers = b.canonical_json({"columns": list(older[b.WORKERS]), "rows": []})
    assert b.parse_table(b.WORKERS, v1_workers, b.FORMAT_V1).columns == older[b.WORKERS]
    with pytest.raises(BatchFormatError, match="列应为"):
        b.parse_table(b.WORKERS, v1_workers)  # not the columns of /2


@pytest.mark.parametrize(("tables", "letters", "fragment"), [
    (dict(applications=[[10, 2] + [None] * 19]), ["letters/A-30.pdf"], "enterprise_ref = 2"),
    (dict(enterprises=[[1] + [None] * 14, [1] + [None] * 14]), ["letters/A-30.pdf"], "不重复"),
    (dict(workers=[[1, "110105194912310021"] + [None] * 22]), ["letters/A-30.pdf"], None),
    (dict(workers=[[1, "1101051949"] + [None] * 22]), ["letters/A-30.pdf"], "18 位"),
    (dict(tracking_checks=[[50, 41] + [None] * 7 + ["{}", 5, None]]), ["letters/A-30.pdf"], "loan_ref = 41"),
    (dict(tracking_checks=[[50, 40] + [None] * 7 + ["[]", 5, None]]), ["letters/A-30.pdf"], "payload"),
    (dict(tracking_checks=[[50, 40] + [None] * 7 + ["{}", 6, None]]), ["letters/A-30.pdf"], "created_by_ref = 6"),
    (dict(loans=[[40, "10"] + [None] * 16]), ["letters/A-30.pdf"], "application_ref"),
    (dict(confirmations=[[60, 50, "confirmed", "", None, None]]), ["letters/A-30.pdf"], "answered_by_ref = None"),
    (dict(confirmations=[[60, "50", "confirmed", "", 5, None]]), ["letters/A-30.pdf"], "check_ref"),
    # an answer to a check sent in an earlier batch
    (dict(confirmations=[[60, 77, "confirmed", "", 5, None]]), ["letters/A-30.pdf"], None),
    # a loan of an application sent in an earlier batch: the province looks it up when storing
    (dict(loans=[[40, 99] + [None] * 12 + ["[]", None, 5, None]]), ["letters/A-30.pdf"], None),
    (dict(decisions=[[20, 10] + [None] * 12 + ['{"schema":"other"}']]), ["letters/A-30.pdf"], "payload"),
    ({}, [], "PDF"),
    ({}, ["letters/A-30.pdf", "letters/B-31.pdf"], "PDF"),
])
def test_data_that_does_not(tables: dict[str, Any], letters: list[str], fragment: str | None) -> None:
    reasons = data_reasons(minimal_tables(**tables), letters)
    if fragment is None:  # the shape is checked, not the check digit (the county did that)
        assert reasons == []
    else:
        assert [r.code for r in reasons] == ["data_invalid"] and fragment in reasons[0].text()


def receipt(**changes: Any) -> Receipt:
    base = Receipt(status="accepted", batch_file_sha256="1" * 64, batch_file_name="222401-0003-1f2e3d4c.laoxie-batch.age",
                   received_at="2026-07-05T09:00:00+08:00", province_code="220000", province_name="吉林省就业服务局",
                   batch_id=BATCH_ID, office_code="222401", seq=3, manifest_sha256="2" * 64,
                   counts=dict.fromkeys(b.COUNT_KEYS, 2))
    return replace(base, **changes)


def test_a_receipt_of_an_older_batch_keeps_its_counts() -> None:
    older = receipt(counts=dict.fromkeys(b.COUNT_KEYS_V1, 2))
    assert Receipt.from_bytes(older.to_bytes()) == older


def test_receipt_round_trip() -> None:
    for r in (receipt(), receipt(status="quarantined", batch_id=None, office_code=None, seq=None,
                                 manifest_sha256=None, counts=None,
                                 reasons=({"code": "truncated", "message": "文件不完整"},))):
        assert Receipt.from_bytes(r.to_bytes()) == r
    assert "\n  " in receipt().to_bytes().decode()  # indented: a person may open it


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda d: d.update(status="maybe"), "status"),
    (lambda d: d.update(manifest_sha256=None), "manifest_sha256"),
    (lambda d: d.update(format="laoxie.receipt/9"), "不受支持"),
    (lambda d: d.update(surprise=True), "未知的键"),
])
def test_receipt_is_read_strictly(change: Any, fragment: str) -> None:
    raw = receipt().to_dict()
    change(raw)
    with pytest.raises(BatchFormatError) as caught:
        Receipt.from_bytes(json.dumps(raw).encode())
    assert fragment in caught.value.detail


def test_file_names() -> None:
    name = b.batch_file_name("222401", 7, BATCH_ID)
    assert name == "222401-0007-1f2e3d4c.laoxie-batch.age"
    assert receipt_file_name(name) == "222401-0007-1f2e3d4c.receipt.json"
    assert receipt_file_name(name, accepted=False) == "222401-0007-1f2e3d4c.refused.receipt.json"
