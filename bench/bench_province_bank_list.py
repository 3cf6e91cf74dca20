"""Issue 16's target: the list for 省开行 for 500 enterprises with their letters in <= 10 s.

Set-up (not timed): 10 counties of 50 approved enterprises (20 roster rows each) send their batches
to a province file; every letter travels with a PDF the size of a real one (one letter issued
through the workflow with a 200-row annex, its bytes reused with the letter's number appended, so
the PDFs are incompressible like real ones). All 500 are approved in the month 2026-06.

Measured, alternately:

* **ours**: ``bank_list.bank_list`` (the register query, the workbook with its styles, frozen header
  and filters, the letters' PDFs read from the database, the AES-256 ZIP, the file written with
  fsync and read back, the record and the audit entry); and the same with age to a bank's key;
* **floor**: the plainest program writing the same file: openpyxl in write-only mode with the same
  rows (no styles), pyzipper's AES-256 ZIP of the workbook and the same PDFs (already in memory), one
  ``write_bytes``; for age, zipfile and ``pyrage.encrypt``.

Usage: python bench/bench_province_bank_list.py [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import alternate, record  # noqa: E402
from desktop.batches import crypto  # noqa: E402
from desktop.services import bank_list, batch_export, batch_import, batches  # noqa: E402
from desktop.services.accounts import sign_in  # noqa: E402
from desktop.services.batch_export import LetterForBatch, stored_letters  # noqa: E402
from tests.batches import factory  # noqa: E402

TARGET_S = 10.0
COUNTIES = ("220102", "220103", "220104", "220105", "220106", "220112", "220113", "220122", "220182", "220183")
ENTERPRISES = 50
ROSTER = 20
PERIOD = "2026-06"


def real_letter_pdf(tmp: Path) -> bytes:
    county = factory.county_db(tmp / "letter.sqlite3")
    factory.issued_through_the_workflow(county, 1, 200)
    with sign_in(county, "clerk", factory.PASSWORD) as ws:
        return bytes(ws.store.conn.execute("SELECT pdf FROM letter_files").fetchone()[0])


def build(tmp: Path) -> tuple[Path, int]:
    crypto.UNLOCK_CACHE = factory.UNLOCKED
    pdf = real_letter_pdf(tmp)
    province = factory.province_db(tmp / "province.sqlite3")
    stick = tmp / "stick"
    stick.mkdir()

    def letters(ws: object, ids: object) -> list[LetterForBatch]:
        return [LetterForBatch(letter.row, pdf + str(letter.row["number"]).encode("utf-8"))
                for letter in stored_letters(ws, ids, with_pdfs=False)]  # type: ignore[arg-type]

    for i, code in enumerate(COUNTIES):
        path = factory.county_db(tmp / f"county-{code}.sqlite3", code, f"测试{code}就业服务局", f"测{code}劳协确")
        factory.exchange_keys(path, province, tmp)
        with sign_in(path, "clerk", factory.PASSWORD) as ws:
            factory.approved_applications(ws, ENTERPRISES, ROSTER, first=i * ENTERPRISES)
            batch_export.export_batch(ws, stick, factory.PASSPHRASE, letters=letters, backup=False)
    with sign_in(province, "clerk", factory.PASSWORD) as ws:
        outcomes = batch_import.import_batches(ws, batches.batch_files_in(stick), factory.PASSPHRASE, backup=False)
    assert all(o.accepted for o in outcomes), [o.message for o in outcomes]
    return province, len(pdf)


def floor_file(rows: list[list[object]], pdfs: list[tuple[str, bytes]], target: Path, *,
               passphrase: str | None, recipient: str | None) -> None:
    import pyrage
    import pyzipper
    from openpyxl import Workbook
    from pyrage import x25519

    book = Workbook(write_only=True)
    sheet = book.create_sheet("list")
    sheet.append([name for name, _ in bank_list.BANK_COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    packed = io.BytesIO()
    if passphrase is not None:
        with pyzipper.AESZipFile(packed, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as z:
            z.setpassword(passphrase.encode("utf-8"))
            z.writestr("list.xlsx", buffer.getvalue())
            for name, data in pdfs:
                z.writestr(name, data, compress_type=pyzipper.ZIP_STORED)
        target.write_bytes(packed.getvalue())
    else:
        with zipfile.ZipFile(packed, "w") as z:
            z.writestr("list.xlsx", buffer.getvalue(), compress_type=zipfile.ZIP_DEFLATED)
            for name, data in pdfs:
                z.writestr(name, data)
        target.write_bytes(pyrage.encrypt(packed.getvalue(), [x25519.Recipient.from_str(str(recipient))]))


def main() -> int:
    from pyrage import x25519

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        started = time.perf_counter()
        province, pdf_size = build(tmp)
        bank = x25519.Identity.generate()
        with sign_in(province, "admin", factory.PASSWORD) as ws:
            bank_list.register_recipient(ws, str(bank.to_public()))
        print(f"set-up: {len(COUNTIES) * ENTERPRISES} enterprises with letters of {pdf_size / 1024:.0f} KiB,"
              f" {time.perf_counter() - started:.0f} s", flush=True)
        with sign_in(province, "clerk", factory.PASSWORD) as ws:
            rows = bank_list.bank_rows(ws, PERIOD)
            from desktop.store import province as store_province

            pdf_map = store_province.letter_pdfs(ws.store, [r.letter_id for r in rows if r.letter_id is not None])
            plain_rows = [[r.enterprise_name, r.uscc, r.county_name, r.contact_name, r.contact_phone, r.size_label,
                           r.staff_total, r.qualifying_count, r.share_percent, r.priority_workers, r.standard_label,
                           r.result, r.letter_number, r.verification_code, r.loan_type, r.amount_wan, r.approved_at]
                          for r in rows]
            pdfs = [(f"{r.uscc}.pdf", pdf_map[r.letter_id]) for r in rows if r.letter_id in pdf_map]
            results: list[bank_list.BankListResult] = []
            for age in (False, True):
                out = tmp / ("age" if age else "aes")

                def ours(age: bool = age, out: Path = out) -> float:
                    t0 = time.perf_counter()
                    results.append(bank_list.bank_list(
                        ws, PERIOD, out, passphrase=None if age else "开行-2026-吉林-bench",
                        age_recipient=bank_list.REGISTERED if age else None))
                    return time.perf_counter() - t0

                def floor(age: bool = age) -> float:
                    t0 = time.perf_counter()
                    floor_file(plain_rows, pdfs, tmp / "floor.bin", passphrase=None if age else "开行-2026-吉林-bench",
                               recipient=str(bank.to_public()) if age else None)
                    return time.perf_counter() - t0

                mine, theirs = alternate(ours, floor, args.runs)
                last = results[-1]
                assert last.rows == len(rows) == len(COUNTIES) * ENTERPRISES and last.letters == len(rows)
                how = "age" if age else "AES-256 ZIP"
                print(f"{how}: {last.path.stat().st_size / 2**20:.1f} MiB, {last.rows} enterprises, "
                      f"{last.letters} letters", flush=True)
                record(f"province: bank list, {last.rows} enterprises with letters ({how})", mine, floor=theirs,
                       goal_value=TARGET_S)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
