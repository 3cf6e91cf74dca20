"""The province's side, end to end: three counties send their batches; one sends a worker another
county already counts, one renames a person another county sent. The province ends with the right
register, one duplicate and one identity conflict listed, a ruling that reaches the county, and a
bank workbook with the right rows."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import pyrage
import pyzipper
from pyrage import x25519

from desktop.batches import crypto
from desktop.cli import EXIT_FAILED, EXIT_OK, main
from desktop.core.batch import canonical_json
from desktop.core.decision import DuplicateChoice
from desktop.services import bank_list, eligibility, province
from desktop.services import batches as svc
from desktop.services import batch_export, batch_import
from desktop.services.accounts import sign_in
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import seals
from tests.batches import factory
from tests.batches.factory import PASSPHRASE, PASSWORD, Extra

SHARED = factory.id_number(999_001, "222424")  # counted by 延吉 and by 图们: a duplicate
MOVED = factory.id_number(999_002, "222426")  # 延吉 sends him; 敦化 later, under another name
COUNTIES = {
    "yanji": ("222401", "延吉市就业服务局", "延吉人社劳协确", "county"),
    "tumen": ("222402", "图们市就业服务局", "图们人社劳协确", "county2"),
    "dunhua": ("222403", "敦化市就业服务局", "敦化人社劳协确", "county3"),
}


@pytest.fixture(autouse=True)
def _unlock_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)


@dataclass
class Round:
    tmp: Path
    province: Path
    counties: dict[str, Path]
    stick: Path
    outcomes: list[batch_import.ImportOutcome]

    def province_ws(self, user: str = "clerk") -> Workspace:
        return sign_in(self.province, user, PASSWORD)

    def county_ws(self, name: str) -> Workspace:
        return sign_in(self.counties[name], "clerk", PASSWORD)


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> Round:
    tmp = tmp_path_factory.mktemp("round")
    stick = tmp / "stick"
    stick.mkdir()
    province_path = factory.province_db(tmp / "province.sqlite3")
    counties: dict[str, Path] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)
        for name, (code, office, prefix, key) in COUNTIES.items():
            path = factory.county_db(tmp / f"{name}.sqlite3", code, office, prefix)
            factory.exchange_keys(path, province_path, tmp, county_key=key)
            counties[name] = path
        plans = {
            "yanji": dict(first=0, extra={0: [Extra(SHARED, "金成哲"),
                                               Extra(MOVED, "朴永浩", "2025-07-01", "2026-12-31")]}),
            "tumen": dict(first=10, extra={10: [Extra(SHARED, "金成哲", "2026-03-01", "2028-02-29")]}),
            "dunhua": dict(first=20, review=date(2027, 3, 31),
                           extra={20: [Extra(MOVED, "朴勇浩", "2027-01-01", "2028-12-31")]}),
        }
        for name, plan in plans.items():
            with sign_in(counties[name], "clerk", PASSWORD) as ws:
                factory.approved_applications(ws, 2, 6, **plan)  # type: ignore[arg-type]
            with sign_in(counties[name], "clerk", PASSWORD) as ws:
                batch_export.export_batch(ws, stick, PASSPHRASE, letters=factory.letters_with_fake_pdfs, backup=False)
        with sign_in(province_path, "clerk", PASSWORD) as ws:
            outcomes = batch_import.import_batches(ws, svc.batch_files_in(stick), PASSPHRASE, backup=False)
        assert [o.status for o in outcomes] == ["accepted"] * 3, [o.message for o in outcomes]
    return Round(tmp, province_path, counties, stick, outcomes)


def test_the_register_holds_every_county_s_enterprises(round_trip: Round) -> None:
    with round_trip.province_ws() as ws:
        rows = province.register(ws)
        assert sorted((r.county_code, r.uscc) for r in rows) == sorted(
            (code, factory.uscc(e, code)) for code, first in (("222401", 0), ("222402", 10), ("222403", 20))
            for e in (first, first + 1))
        assert all(r.result == "pass" and r.letter_number and r.verification_code for r in rows)
        assert {r.county_code for r in province.register(ws, county="222402")} == {"222402"}
        assert len(province.register(ws, period="2027-03")) == 2
        assert [r.uscc for r in province.register(ws, search="测试企业0010")] == [factory.uscc(10, "222402")]


def test_the_rows_the_batches_brought_are_logged_as_their_triggers_would_log_them(round_trip: Round) -> None:
    """Persons and employments are sealed in bulk (seals.sealed_in_bulk), the rest row by row: every row
    of the three batches (new ones, a person sent again, a conflict) has its last logged digest."""
    with round_trip.province_ws() as ws:
        conn = ws.store.conn
        assert list(seals.compare_rows(conn)) == []
        for table in ("persons", "employments"):
            rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            logged = conn.execute("SELECT count(DISTINCT rid) FROM row_log WHERE tbl = ? AND digest IS NOT NULL",
                                  (table,)).fetchone()[0]
            assert rows > 20 and logged == rows, table
        # the per-row INSERT triggers are back after the bulk writes
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_temp_master WHERE type = 'trigger'")}
        assert {"seal_persons_insert", "seal_employments_insert"} <= names


def test_the_register_comes_in_pages_in_the_same_order(round_trip: Round) -> None:
    with round_trip.province_ws() as ws:
        whole = province.register(ws)
        pages = [province.register(ws, limit=4, offset=o) for o in (0, 4, 8)]
        assert [len(p) for p in pages] == [4, 2, 0]
        assert [r.application_id for p in pages for r in p] == [r.application_id for r in whole]
        assert pages[0] == whole[:4]  # the same rows, payload fields included
        assert province.register_count(ws) == (6, 3)
        assert province.register_count(ws, county="222402", search="测试企业0010") == (1, 1)
        assert [c for c, _ in province.register_counties(ws)] == ["222401", "222402", "222403"]


def test_a_second_county_does_not_rename_a_person_the_first_sent(round_trip: Round) -> None:
    with round_trip.province_ws() as ws:
        name = ws.store.conn.execute("SELECT name FROM persons WHERE id_number = ?", (MOVED,)).fetchone()[0]
        assert name == "朴永浩"
        conflicts = province.identity_conflicts(ws)
    assert [(c.id_number, c.known.name, c.known.county_code, c.arriving.name, c.arriving.county_code)
            for c in conflicts] == [(MOVED, "朴永浩", "222401", "朴勇浩", "222403")]


def test_one_worker_counted_twice_is_listed_with_both_sides(round_trip: Round) -> None:
    with round_trip.province_ws() as ws:
        found = province.duplicates(ws)
    assert len(found) == 1
    d = found[0]
    assert d.id_number == SHARED
    assert {d.a.county_code, d.b.county_code} == {"222401", "222402"}
    assert {d.a.uscc, d.b.uscc} == {factory.uscc(0, "222401"), factory.uscc(10, "222402")}
    assert d.a.letter_number and d.b.letter_number
    assert (d.overlap_start, d.overlap_end) == ("2026-03-01", "2027-12-31")
    assert d.ruling is None


def test_a_ruling_reaches_the_county(round_trip: Round) -> None:
    with round_trip.province_ws() as ws:
        with pytest.raises(ServiceError, match="无权"):  # a clerk lists; an approver rules
            province.rule(ws, province.duplicates(ws)[0].key, "a_only", "理由")
    with round_trip.province_ws("approver") as ws:
        d = province.duplicates(ws)[0]
        with pytest.raises(ServiceError):
            province.rule(ws, d.key, "a_only", "  ")
        province.rule(ws, d.key, "a_only", "图们的合同晚于延吉，且工资由延吉企业发放")
        ruled = province.duplicates(ws)[0]
        assert ruled.ruling is not None and ruled.ruling.ruling == "a_only"
        notice = province.write_notice(ws, "222402", round_trip.tmp / "notices", PASSPHRASE)
    with round_trip.county_ws("tumen") as ws:
        before = eligibility.check_enterprise(ws, factory.uscc(10, "222402"))
        taken = province.import_notice(ws, notice)
        assert taken == 1
        assert province.import_notice(ws, notice) == 0  # the same notice again changes nothing
        rulings = province.county_rulings(ws)
    assert [(r.id_number, r.counts_here, r.reason) for r in rulings] == [
        (SHARED, False, "图们的合同晚于延吉，且工资由延吉企业发放")]
    with round_trip.county_ws("tumen") as ws:  # the county's next check shows the ruling
        decision = eligibility.check_enterprise(ws, factory.uscc(10, "222402"))
    [worker] = [w for w in decision.workers if w.id_number == SHARED]
    assert not worker.counted
    assert [c.uscc for c in worker.facts.other_claims] == [factory.uscc(0, "222401")]
    assert worker.facts.duplicate_choice is DuplicateChoice.EXCLUDE_HERE
    assert decision.qualifying_count == before.qualifying_count - 1 and not decision.pending_choices
    assert [w.counted for w in before.workers if w.id_number == SHARED] == [True]


# -- the notice is the province's, signed ------------------------------------------------


def _signed_notice(round_trip: Round, folder: str) -> Path:
    """A notice to 图们 with the one ruling (made as the approver if there is none yet)."""
    with round_trip.province_ws("approver") as ws:
        if province.duplicates(ws)[0].ruling is None:
            province.rule(ws, province.duplicates(ws)[0].key, "a_only", "图们的合同晚于延吉")
        return province.write_notice(ws, "222402", round_trip.tmp / folder, PASSPHRASE)


def _take(round_trip: Round, notice: Path) -> int:
    with round_trip.county_ws("tumen") as ws:
        return province.import_notice(ws, notice)


def test_a_notice_carries_the_province_s_signature_over_every_field(round_trip: Round) -> None:
    notice = _signed_notice(round_trip, "signed")
    data = json.loads(notice.read_text(encoding="utf-8"))
    assert data["format"] == "laoxie.notice/2"
    signature = data.pop("signature")
    public = factory.decryption_key("province").receipt_signing_key().public
    crypto.suite().verify(public, canonical_json(data), signature.encode("ascii"), province.NOTICE_NAMESPACE)
    assert _take(round_trip, notice) >= 0  # the county takes it (new or already held)
    with round_trip.county_ws("tumen") as ws:
        entry = ws.store.conn.execute("SELECT detail FROM audit_log WHERE action = 'province.notice_import' "
                                      "ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert json.loads(entry)["fingerprint"] == public.fingerprint.sha256


@pytest.mark.parametrize("change", ["reason", "counts_here", "office", "signature_removed", "format_1"])
def test_an_altered_notice_is_refused_and_nothing_is_taken(round_trip: Round, change: str) -> None:
    notice = _signed_notice(round_trip, f"altered-{change}")
    data = json.loads(notice.read_text(encoding="utf-8"))
    if change == "reason":
        data["rulings"][0]["reason"] += "（改）"
    elif change == "counts_here":
        data["rulings"][0]["counts_here"] = not data["rulings"][0]["counts_here"]
    elif change == "office":
        data["province"]["name"] = "吉林省人社厅"
    elif change == "signature_removed":
        del data["signature"]
    else:
        data["format"] = "laoxie.notice/1"
    notice.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    with round_trip.county_ws("tumen") as ws:
        before = len(province.county_rulings(ws))
        entries = ws.store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        with pytest.raises(ServiceError) as refused:
            province.import_notice(ws, notice)
        assert len(province.county_rulings(ws)) == before
        assert ws.store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == entries
    unsigned = change in ("signature_removed", "format_1")
    assert refused.value.code == ("notice_unsigned" if unsigned else "notice_forged")
    assert ("没有省里的签名" if unsigned else "签名不是已登记的省级签名密钥所签") in str(refused.value)


def test_a_notice_signed_by_another_key_is_refused(round_trip: Round) -> None:
    notice = _signed_notice(round_trip, "other-key")
    data = json.loads(notice.read_text(encoding="utf-8"))
    data["rulings"][0]["reason"] = "伪造的裁定"
    data.pop("signature")
    other = factory.decryption_key("other_province").receipt_signing_key()
    data["signature"] = other.sign(canonical_json(data), province.NOTICE_NAMESPACE).decode("ascii")
    notice.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    with pytest.raises(ServiceError) as refused:
        _take(round_trip, notice)
    assert refused.value.code == "notice_forged"
    # a receipt's signature (another namespace) is no notice's either
    data.pop("signature")
    own = factory.decryption_key("province").receipt_signing_key()
    data["signature"] = own.sign(canonical_json(data), "laoxie-receipt@jilin").decode("ascii")
    notice.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    with pytest.raises(ServiceError, match="签名不是已登记的省级签名密钥所签"):
        _take(round_trip, notice)


def test_a_notice_is_refused_before_the_province_s_signing_key_is_registered(tmp_path: Path) -> None:
    county = factory.county_db(tmp_path / "county.sqlite3", "222402", "图们市就业服务局", "图们人社劳协确")
    notice = tmp_path / "n.json"
    body = {"format": "laoxie.notice/2", "province": {"code": "220000", "name": "吉林省就业服务局"},
            "office": "222402", "issued_at": "2026-12-05T10:00:00+08:00", "rulings": []}
    signer = factory.decryption_key("province").receipt_signing_key()
    notice.write_text(json.dumps({**body, "signature": signer.sign(canonical_json(body), province.NOTICE_NAMESPACE)
                                  .decode("ascii")}), encoding="utf-8")
    with sign_in(county, "clerk", PASSWORD) as ws, pytest.raises(ServiceError) as refused:
        province.import_notice(ws, notice)
    assert refused.value.code == "notice_key_missing" and "签名公钥" in str(refused.value)


def test_writing_a_notice_needs_the_key_s_passphrase(round_trip: Round) -> None:
    with round_trip.province_ws() as ws:
        with pytest.raises(ServiceError) as refused:
            province.write_notice(ws, "222402", round_trip.tmp / "no-pass", "错误的口令-123")
    assert refused.value.code == "key_passphrase_wrong"
    assert not (round_trip.tmp / "no-pass").exists() or not any((round_trip.tmp / "no-pass").iterdir())


def test_the_bank_list_has_the_period_s_approved_enterprises(round_trip: Round) -> None:
    out = round_trip.tmp / "bank"
    with round_trip.province_ws() as ws:
        result = bank_list.bank_list(ws, "2026-06", out, passphrase="开行-2026-吉林")
    assert result.rows == 4
    with pyzipper.AESZipFile(result.path) as z:
        z.setpassword("开行-2026-吉林".encode("utf-8"))
        names = z.namelist()
        workbook_name = next(n for n in names if n.endswith(".xlsx"))
        (out / "open").mkdir()
        (out / "open" / "list.xlsx").write_bytes(z.read(workbook_name))
        pdfs = [n for n in names if n.endswith(".pdf")]
    assert len(pdfs) == 4
    book = openpyxl.load_workbook(out / "open" / "list.xlsx")
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["企业名称", "统一社会信用代码", "所在县（市、区）"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref
    usccs = sorted(str(row[1].value) for row in sheet.iter_rows(min_row=2))
    assert usccs == sorted(factory.uscc(e, code) for code, first in (("222401", 0), ("222402", 10))
                           for e in (first, first + 1))
    assert all(row[1].data_type == "s" for row in sheet.iter_rows(min_row=2))
    if shutil.which("7z"):
        listing = subprocess.run(["7z", "t", f"-p开行-2026-吉林", str(result.path)], capture_output=True,
                                 text=True, check=False)
        assert listing.returncode == 0, listing.stdout + listing.stderr
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        done = subprocess.run([soffice, "--headless", "--convert-to", "csv", "--outdir", str(out / "csv"),
                               str(out / "open" / "list.xlsx")], capture_output=True, check=False, timeout=180)
        assert done.returncode == 0
        text = (out / "csv" / "list.csv").read_text(encoding="utf-8", errors="replace")
        assert sum(1 for line in text.splitlines() if line.strip()) == 5


def test_the_bank_list_is_encrypted_with_age_to_the_key_the_bank_registered(round_trip: Round) -> None:
    bank = x25519.Identity.generate()
    public = crypto.suite().encryption_public(str(bank.to_public()))
    out = round_trip.tmp / "bank-age"
    with round_trip.province_ws() as ws:
        with pytest.raises(ServiceError) as refused:  # nothing registered yet
            bank_list.bank_list(ws, "2026-06", out, age_recipient=bank_list.REGISTERED)
        assert refused.value.code == "bank_recipient_missing"
        with pytest.raises(ServiceError, match="无权"):  # a clerk does not register keys
            bank_list.register_recipient(ws, str(bank.to_public()))
    with round_trip.province_ws("admin") as ws:
        with pytest.raises(ServiceError) as refused:  # the digits read out do not match
            bank_list.register_recipient(ws, str(bank.to_public()), confirm="0000 0000 0000 0000 0000 0000")
        assert refused.value.code == "key_fingerprint_mismatch"
        with pytest.raises(ServiceError, match="不是 age 公钥"):
            bank_list.register_recipient(ws, "age1notakey")
        assert bank_list.recipient(ws) is None
        found = bank_list.register_recipient(ws, f"# 开行的公钥\n{bank.to_public()}\n", confirm=public.fingerprint.digits)
        assert (found.recipient, found.fingerprint, found.registered_by) == (
            str(bank.to_public()), public.fingerprint.sha256, "admin")
    with round_trip.province_ws() as ws:
        with pytest.raises(ServiceError) as refused:  # one protection, not both
            bank_list.bank_list(ws, "2026-06", out, passphrase="开行-2026-吉林", age_recipient=bank_list.REGISTERED)
        assert refused.value.code == "bank_protection_one"
        result = bank_list.bank_list(ws, "2026-06", out, age_recipient=bank_list.REGISTERED)
        entries = ws.store.conn.execute("SELECT action, detail FROM audit_log WHERE action LIKE 'province.bank_%'"
                                        " ORDER BY id").fetchall()
    assert result.path.name.endswith(".zip.age") and result.protection == "age"
    assert result.recipient == public.fingerprint.sha256
    with pytest.raises(pyrage.DecryptError):  # only the bank's key opens it
        pyrage.decrypt(result.path.read_bytes(), [x25519.Identity.generate()])
    opened = pyrage.decrypt(result.path.read_bytes(), [bank])
    with zipfile.ZipFile(io.BytesIO(opened)) as z:
        assert z.testzip() is None
        names = z.namelist()
        book = openpyxl.load_workbook(io.BytesIO(z.read(next(n for n in names if n.endswith(".xlsx")))))
    assert sum(n.endswith(".pdf") for n in names) == 4
    sheet = book.active
    assert sheet is not None
    assert sorted(str(row[1].value) for row in sheet.iter_rows(min_row=2)) == sorted(
        factory.uscc(e, code) for code, first in (("222401", 0), ("222402", 10)) for e in (first, first + 1))
    registered, made = (json.loads(d) for a, d in entries[-2:])
    assert [a for a, _ in entries[-2:]] == ["province.bank_key", "province.bank_list"]
    assert registered["recipient"] == public.fingerprint.sha256 and registered["confirmed_by_phone"] is True
    assert made["protection"] == "age" and made["recipient"] == public.fingerprint.sha256
    if shutil.which("age"):  # the bank's own tool, when installed
        key = round_trip.tmp / "bank-key.txt"
        key.write_text(f"{bank}\n", encoding="ascii")
        done = subprocess.run(["age", "-d", "-i", str(key), str(result.path)], capture_output=True, check=False)
        assert done.returncode == 0 and done.stdout == opened


# -- the same through the command line -----------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], db: Path, user: str, *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["--db", str(db), "--user", user, "--json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_the_command_line_lists_rules_and_makes_the_bank_list(
    round_trip: Round, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    monkeypatch.setenv("LAOXIE_KEY_PASSPHRASE", PASSPHRASE)
    code, out = cli(capsys, round_trip.province, "clerk", "province", "enterprises", "--county", "222403")
    assert code == EXIT_OK and out["total"] == 2
    assert {e["contact_phone"] for e in out["enterprises"]} == {"138****0020", "138****0021"}  # masked
    code, out = cli(capsys, round_trip.province, "clerk", "province", "duplicates")
    assert code == EXIT_OK and len(out["duplicates"]) == 1 and len(out["identity_conflicts"]) == 1
    shown = out["duplicates"][0]
    assert shown["id_number"] == SHARED[:6] + "********" + SHARED[-4:]  # masked
    code, out = cli(capsys, round_trip.province, "approver", "province", "rule", shown["key"], "not_duplicate",
                    "--reason", "两家企业分属不同时段，经核实不重复")
    assert code == EXIT_OK
    code, out = cli(capsys, round_trip.province, "clerk", "province", "notice", "--county", "222401",
                    "--out", str(round_trip.tmp / "cli-notices"))
    assert code == EXIT_OK
    code, out = cli(capsys, round_trip.counties["yanji"], "clerk", "batch", "notice", out["file"])
    assert code == EXIT_OK and out["new"] == 1 and out["rulings"][0]["counts_here"] is True
    code, out = cli(capsys, round_trip.province, "clerk", "province", "bank-list", "--period", "2026-06",
                    "--out", str(round_trip.tmp / "cli-bank"))
    assert code == EXIT_OK and out["bank_list"]["rows"] == 4
    with pyzipper.AESZipFile(out["bank_list"]["path"]) as z:
        z.setpassword(out["passphrase"].encode("ascii"))
        assert sum(n.endswith(".pdf") for n in z.namelist()) == 4
    bank = x25519.Identity.generate()
    code, out = cli(capsys, round_trip.province, "admin", "province", "bank-key", str(bank.to_public()))
    assert code == EXIT_OK and out["bank_key"]["recipient"] == str(bank.to_public())
    code, out = cli(capsys, round_trip.province, "clerk", "province", "bank-key")
    assert code == EXIT_OK and out["bank_key"]["recipient"] == str(bank.to_public())
    code, out = cli(capsys, round_trip.province, "clerk", "province", "bank-list", "--period", "2026-06",
                    "--out", str(round_trip.tmp / "cli-bank"), "--age-recipient", "registered")
    assert code == EXIT_OK and "passphrase" not in out and out["bank_list"]["protection"] == "age"
    with zipfile.ZipFile(io.BytesIO(pyrage.decrypt(Path(out["bank_list"]["path"]).read_bytes(), [bank]))) as z:
        assert sum(n.endswith(".pdf") for n in z.namelist()) == 4
    code, out = cli(capsys, round_trip.province, "clerk", "province", "bank-list", "--period", "2026-13",
                    "--out", str(round_trip.tmp / "cli-bank"))
    assert code == EXIT_FAILED and "2026-11" in out["error"]["message"]


# -- quarantine --------------------------------------------------------------------------


def unregistered_county_batch(tmp_path: Path) -> tuple[Path, Path, str]:
    """A province and a batch from 集安 whose key the province has not registered yet:
    (province file, batch file, the county's public key text)."""
    from desktop.services import keys

    county = factory.county_db(tmp_path / "ji_an.sqlite3", "220582", "集安市就业服务局", "集安人社劳协确")
    province_path = factory.province_db(tmp_path / "province.sqlite3")
    with sign_in(county, "admin", PASSWORD) as cws, sign_in(province_path, "admin", PASSWORD) as pws:
        factory.install_key(cws, "county4", tmp_path)
        factory.install_key(pws, "province", tmp_path)
        keys.import_province_key(cws, keys.public_key_file_text(pws))
        county_public = keys.public_key_file_text(cws)
    with sign_in(county, "clerk", PASSWORD) as ws:
        factory.approved_applications(ws, 1, 5, first=40)
        sent = batch_export.export_batch(ws, tmp_path, PASSPHRASE, letters=factory.letters_with_fake_pdfs, backup=False)
    return province_path, sent.path, county_public


def test_a_quarantined_batch_is_listed_and_rechecked_once_the_key_is_registered(tmp_path: Path) -> None:
    from desktop.services import keys

    province_path, batch_file, county_public = unregistered_county_batch(tmp_path)
    with sign_in(province_path, "clerk", PASSWORD) as ws:
        [outcome] = batch_import.import_batches(ws, [batch_file], PASSPHRASE, backup=False)
        assert outcome.status == "quarantined"
        [entry] = province.quarantine(ws)
        assert entry.row.file_name == batch_file.name and entry.row.office_code == "220582"
        assert entry.row.reason == "unknown_signer" and entry.reasons[0] != "unknown_signer"  # said in Chinese
        assert province.register(ws) == []
    with sign_in(province_path, "admin", PASSWORD) as ws:
        keys.register_county_key(ws, county_public)
    with sign_in(province_path, "clerk", PASSWORD) as ws:
        again = province.recheck_quarantined(ws, entry.row.id, PASSPHRASE)
        assert again.status == "accepted" and again.path.name == batch_file.name
        assert province.quarantine(ws) == []
        [kept] = province.quarantine(ws, include_rechecked=True)
        assert kept.row.id == entry.row.id
        assert [r.uscc for r in province.register(ws)] == [factory.uscc(40, "220582")]


def test_the_import_says_a_batch_brought_identity_conflicts(round_trip: Round) -> None:
    """The officer reads it where the batch was received, not only on the 重复人员 page."""
    notes = {o.office_code: [w.text() for w in o.warnings] for o in round_trip.outcomes}
    assert notes["222401"] == [] and notes["222402"] == []
    [note] = notes["222403"]
    assert "1 人" in note and "身份不一致" in note and "重复人员" in note


def test_an_identity_conflict_is_settled_by_an_approver(round_trip: Round) -> None:
    with round_trip.province_ws("approver") as ws:
        [conflict] = province.identity_conflicts(ws)
        with pytest.raises(ServiceError) as empty:
            province.settle_identity(ws, conflict.id, "朴永浩", " ")
        assert "如何核实" in str(empty.value) and "裁定" not in str(empty.value)  # a settling, not a ruling
        province.settle_identity(ws, conflict.id, "朴永浩", "与敦化市电话核对身份证，敦化名册笔误")
        assert province.identity_conflicts(ws) == []
        [settled] = province.identity_conflicts(ws, open_only=False)
        assert (settled.settled_name, settled.arriving.name) == ("朴永浩", "朴勇浩")
        assert ws.store.conn.execute("SELECT name FROM persons WHERE id_number = ?", (MOVED,)).fetchone()[0] == "朴永浩"


# -- a later batch (runs last: it changes the round trip's records) ----------------------


def test_a_later_batch_updates_a_record_and_keeps_what_it_was(round_trip: Round) -> None:
    with round_trip.county_ws("yanji") as ws, ws.store.transaction():
        ws.store.conn.execute("UPDATE enterprises SET contact_phone = '13904330000', contact_name = '崔新'"
                              " WHERE uscc = ?", (factory.uscc(1, "222401"),))
        changed_worker = ws.store.conn.execute(  # one counted worker's job changes; the others are sent unchanged
            "SELECT p.id_number FROM decisions d, json_each(d.payload, '$.workers') w JOIN employments m"
            " ON m.id = json_extract(w.value, '$.ref') JOIN persons p ON p.id = m.person_id"
            " WHERE json_extract(w.value, '$.counted') ORDER BY m.id LIMIT 1").fetchone()[0]
        ws.store.conn.execute("UPDATE employments SET job = '焊工（新）' WHERE person_id ="
                              " (SELECT id FROM persons WHERE id_number = ?)", (changed_worker,))
    with round_trip.province_ws() as ws:
        logged_before = ws.store.conn.execute("SELECT max(id) FROM row_log").fetchone()[0]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)
        with round_trip.county_ws("yanji") as ws:
            sent = batch_export.export_batch(ws, round_trip.tmp / "second", PASSPHRASE, include_unreceived=True,
                                             letters=factory.letters_with_fake_pdfs, backup=False)
        with round_trip.province_ws() as ws:
            [outcome] = batch_import.import_batches(ws, [sent.path], PASSPHRASE, backup=False)
    assert outcome.status == "accepted"
    with round_trip.province_ws() as ws:
        [row] = province.register(ws, search=factory.uscc(1, "222401"))
        assert (row.contact_name, row.contact_phone) == ("崔新", "13904330000")
        [change] = province.history(ws, row)
        assert change.entity == "enterprise" and change.batch_file == sent.path.name
        assert change.changes == {"contact_name": ["联系人1", "崔新"], "contact_phone": ["13800000001", "13904330000"]}
        [other] = province.register(ws, search=factory.uscc(0, "222401"))
        assert province.history(ws, other) == []  # sent again unchanged: nothing recorded
        # Only the changed worker's employment is written again; the unchanged ones and who counts are left alone.
        rewritten = ws.store.conn.execute(
            "SELECT tbl, count(*) FROM row_log WHERE id > ? AND tbl IN ('employments', 'persons', 'province_counted')"
            " GROUP BY tbl", (logged_before,)).fetchall()
        assert [tuple(r) for r in rewritten] == [("employments", 1)]
        assert ws.store.conn.execute(
            "SELECT m.job FROM employments m JOIN persons p ON p.id = m.person_id JOIN enterprises e"
            " ON e.id = m.enterprise_id WHERE p.id_number = ? AND e.uscc IN (?, ?)",
            (changed_worker, factory.uscc(0, "222401"), factory.uscc(1, "222401"))).fetchone()[0] == "焊工（新）"
        assert len(province.register(ws)) == 6


def _dunhua_sends_again(round_trip: Round, folder: str) -> batch_import.ImportOutcome:
    with round_trip.county_ws("dunhua") as ws:
        sent = batch_export.export_batch(ws, round_trip.tmp / folder, PASSPHRASE, include_unreceived=True,
                                         letters=factory.letters_with_fake_pdfs, backup=False)
    with round_trip.province_ws() as ws:
        [outcome] = batch_import.import_batches(ws, [sent.path], PASSPHRASE, backup=False)
    assert outcome.status == "accepted", outcome.message
    return outcome


def test_a_settled_identity_is_not_reopened_by_the_same_variant_but_a_new_one_opens(round_trip: Round) -> None:
    """敦化 keeps sending 朴勇浩 after the province settled on 朴永浩: that variant was ruled on and is
    not listed again (the batch's audit entry says how many such); another name for him is new."""
    with round_trip.province_ws("approver") as ws:
        if province.identity_conflicts(ws):  # settled by the test above unless run alone
            [conflict] = province.identity_conflicts(ws)
            province.settle_identity(ws, conflict.id, "朴永浩", "与敦化市电话核对身份证，敦化名册笔误")
    again = _dunhua_sends_again(round_trip, "dunhua-again")
    assert again.warnings == ()
    with round_trip.province_ws() as ws:
        assert province.identity_conflicts(ws) == []
        assert len(province.identity_conflicts(ws, open_only=False)) == 1
        detail = json.loads(ws.store.conn.execute(
            "SELECT detail FROM audit_log WHERE action = 'batch.import' ORDER BY id DESC LIMIT 1").fetchone()[0])
        assert detail["written"]["identity_settled"] == 1
    with round_trip.county_ws("dunhua") as ws, ws.store.transaction():
        ws.store.conn.execute("UPDATE persons SET name = '朴勇镐' WHERE id_number = ?", (MOVED,))
    other = _dunhua_sends_again(round_trip, "dunhua-other")
    assert [w.code for w in other.warnings] == ["batch_identity_conflicts"]
    with round_trip.province_ws() as ws:
        [opened] = province.identity_conflicts(ws)
        assert (opened.known.name, opened.arriving.name, opened.arriving.county_code) == ("朴永浩", "朴勇镐", "222403")


def test_a_quarantined_batch_names_its_county_as_received_before(round_trip: Round) -> None:
    """延吉's first batch brought once more is refused (its number is taken): the quarantine names the
    county by the office the province knows, not by the bare code."""
    [first] = [o for o in round_trip.outcomes if o.office_code == "222401"]
    copy = round_trip.tmp / "again" / first.path.name
    copy.parent.mkdir()
    shutil.copyfile(first.path, copy)
    with round_trip.province_ws() as ws:
        [outcome] = batch_import.import_batches(ws, [copy], PASSPHRASE, backup=False)
        assert outcome.status == "quarantined"
        [entry] = province.quarantine(ws)
    assert (entry.row.office_code, entry.county_name) == ("222401", "延吉市就业服务局")
