"""Demo offices made for different counties can be received side by side by one province.

The province keeps a loan once by its bank and contract number and refuses a second county's
loan with the same contract as a duplicate: the demo's contracts must differ between counties.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop.batches import crypto
from desktop.services import batch_export, batch_import, loans
from desktop.services import batches as svc
from desktop.services.accounts import sign_in
from desktop.services.demo import build_demo
from tests.batches import factory
from tests.batches.factory import PASSPHRASE, PASSWORD

TODAY = date(2026, 12, 5)
COUNTIES = (("222401", "延吉市就业服务局", "延吉人社劳协确", "county"),
            ("222402", "图们市就业服务局", "图们人社劳协确", "county2"))


def test_two_demo_counties_are_received_by_one_province(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.core.passwords.N", 2**8)
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)
    stick = tmp_path / "stick"
    stick.mkdir()
    province = factory.province_db(tmp_path / "province.sqlite3")
    contracts: list[set[tuple[str, str]]] = []
    for code, office, prefix, key in COUNTIES:
        path = tmp_path / f"{code}.sqlite3"
        build_demo(path, password=PASSWORD, county_code=code, office_name=office, letter_prefix=prefix, today=TODAY)
        factory.exchange_keys(path, province, tmp_path, county_key=key)
        with sign_in(path, "clerk", PASSWORD) as ws:
            contracts.append({(x.bank_branch, x.contract_number) for x in loans.list_loans(ws)})
            batch_export.export_batch(ws, stick, PASSPHRASE, letters=factory.letters_with_fake_pdfs, backup=False)
    with sign_in(province, "clerk", PASSWORD) as ws:
        outcomes = batch_import.import_batches(ws, svc.batch_files_in(stick), PASSPHRASE, backup=False)
    assert [o.status for o in outcomes] == ["accepted"] * 2, [o.message for o in outcomes]
    assert len(contracts[0]) == len(contracts[1]) == 2 and not contracts[0] & contracts[1]
