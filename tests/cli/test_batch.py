"""`laoxie keys …` and `laoxie batch …`: set-up, export, import, receipt, as a clerk would type them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop.batches import crypto
from desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from desktop.services.accounts import sign_in
from tests.batches import factory
from tests.batches.factory import PASSPHRASE, PASSWORD


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    monkeypatch.setenv("LAOXIE_KEY_PASSPHRASE", PASSPHRASE)


def run(capsys: pytest.CaptureFixture[str], db: Path, user: str, *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["--db", str(db), "--user", user, "--json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_set_up_export_import_and_receipt(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    county = factory.county_db(tmp_path / "county.sqlite3")
    province = factory.province_db(tmp_path / "province.sqlite3")

    # each side makes its key and hands over the public key
    code, out = run(capsys, county, "admin", "keys", "create")
    assert code == EXIT_OK and out["key"]["purpose"] == "signing"
    county_digits = out["key"]["fingerprint_digits"]
    code, out = run(capsys, province, "admin", "keys", "create")
    assert code == EXIT_OK and out["key"]["purpose"] == "encryption"
    province_digits = out["key"]["fingerprint_digits"]
    assert run(capsys, county, "admin", "keys", "export-public", "--out", str(tmp_path / "county.pub"))[0] == EXIT_OK
    assert run(capsys, province, "admin", "keys", "export-public", "--out", str(tmp_path / "province.txt"))[0] == 0
    assert (tmp_path / "county.pub").read_text("utf-8").endswith(" laoxie:222401:延吉市就业服务局\n")

    # the fingerprints are read out over the phone; a mismatch registers nothing
    code, out = run(capsys, province, "admin", "keys", "register-county", str(tmp_path / "county.pub"),
                    "--fingerprint", "1111 2222 3333 4444 5555 6666")
    assert code == EXIT_FAILED and out["error"]["code"] == "key_fingerprint_mismatch"
    code, out = run(capsys, province, "admin", "keys", "register-county", str(tmp_path / "county.pub"),
                    "--fingerprint", county_digits)
    assert code == EXIT_OK and out["key"]["office_code"] == "222401"
    code, out = run(capsys, county, "admin", "keys", "import-province", str(tmp_path / "province.txt"),
                    "--fingerprint", province_digits.replace(" ", ""))
    assert code == EXIT_OK and (out["key"]["office_code"], out["key"]["office_name"]) == ("220000", "吉林省就业服务局")
    code, out = run(capsys, county, "clerk", "keys", "show")
    assert [k["fingerprint_digits"] for k in out["own"]] == [county_digits]
    peers = {k["purpose"]: k for k in out["peers"]}
    assert sorted(peers) == ["encryption", "signing"] and peers["encryption"]["fingerprint_digits"] == province_digits
    assert peers["signing"]["office_code"] == "220000"  # the province's receipt key, from the same file

    factory.issued_through_the_workflow(county, 2, 6)
    code, out = run(capsys, county, "clerk", "batch", "candidates")
    assert code == EXIT_OK and len(out["candidates"]) == 2
    stick = tmp_path / "stick"
    stick.mkdir()
    code, out = run(capsys, county, "clerk", "batch", "export", "--out", str(stick))
    assert code == EXIT_OK and out["batch"]["counts"]["applications"] == 2 == out["batch"]["counts"]["letters"]
    batch_file = Path(out["batch"]["path"])

    code, out = run(capsys, province, "clerk", "batch", "import", str(stick))
    assert code == EXIT_OK and out["accepted"] == 1
    [imported] = out["imported"]
    assert imported["status"] == "accepted" and imported["office_code"] == "222401" and imported["seq"] == 1
    code, out = run(capsys, province, "clerk", "batch", "import", str(batch_file))
    assert code == EXIT_FAILED and out["imported"][0]["reasons"][0]["code"] == "replayed"
    code, out = run(capsys, province, "clerk", "batch", "list")
    assert [b["status"] for b in out["incoming"]] == ["accepted"] and len(out["quarantine"]) == 1
    assert (out["incoming"][0]["office_name"], out["incoming"][0]["office_code"]) == ("延吉市就业服务局", "222401")

    code, out = run(capsys, county, "clerk", "batch", "receipt", imported["receipt"])
    assert code == EXIT_OK and out["batch"]["status"] == "received" and out["changed"] is True
    code, out = run(capsys, county, "clerk", "batch", "list")
    assert [b["status"] for b in out["outgoing"]] == ["received"]

    # the private key for safe keeping, and the file for checking signatures by hand
    assert run(capsys, county, "admin", "keys", "export-private", "--out", str(tmp_path / "county.key.age"))[0] == 0
    assert (tmp_path / "county.key.age").read_text("ascii").startswith("-----BEGIN AGE ENCRYPTED FILE-----")
    assert run(capsys, province, "admin", "keys", "allowed-signers", "--out", str(tmp_path / "signers"))[0] == 0
    assert 'namespaces="laoxie-batch@jilin" ssh-ed25519 ' in (tmp_path / "signers").read_text("utf-8")


def test_wrong_passphrase_and_missing_rights(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    county = factory.county_db(tmp_path / "county.sqlite3")
    province = factory.province_db(tmp_path / "province.sqlite3")
    factory.exchange_keys(county, province, tmp_path)
    with sign_in(county, "clerk", PASSWORD) as ws:
        factory.approved_applications(ws, 1, 3)
    code, out = run(capsys, county, "clerk", "keys", "create")
    assert code == EXIT_FAILED and out["error"]["code"] == "forbidden"
    code, out = run(capsys, county, "admin", "keys", "create")
    assert code == EXIT_FAILED and out["error"]["code"] == "key_exists"
    monkeypatch.setenv("LAOXIE_KEY_PASSPHRASE", "not the passphrase")
    code, out = run(capsys, county, "clerk", "batch", "export", "--out", str(tmp_path))
    assert code == EXIT_FAILED and out["error"]["code"] == "key_passphrase_wrong"
    assert "口令不对" in out["error"]["message"]
    monkeypatch.delenv("LAOXIE_KEY_PASSPHRASE")
    code = main(["--db", str(county), "--user", "clerk", "batch", "export", "--out", str(tmp_path)])
    assert code == EXIT_USAGE and "LAOXIE_KEY_PASSPHRASE" in capsys.readouterr().err


def test_a_refused_batch_is_reported_in_chinese(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    province = factory.province_db(tmp_path / "province.sqlite3")
    with sign_in(province, "admin", PASSWORD) as ws:
        factory.install_key(ws, "province", tmp_path)
    junk = tmp_path / "222401-0001-00000000.laoxie-batch.age"
    junk.write_bytes(b"age-encryption.org/v1\n-> X25519 abc\n")
    code = main(["--db", str(province), "--user", "clerk", "batch", "import", str(junk)])
    text = capsys.readouterr().out
    assert code == EXIT_FAILED
    assert "已隔离" in text and "文件不完整" in text and "回执" in text
