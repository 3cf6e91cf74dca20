"""Issue 16's target: importing 60 county batches totalling 600,000 employments in <= 60 s.

Set-up (not timed): 60 county files (Jilin's 60 counties, one office each), each with 50 enterprises of
223 roster rows (200 counted: one in ten from outside the paired areas is not), an approved
application, its recorded decision and a letter (2 KB stand-in PDFs), written by the test factory;
each county exports its batch to one "stick" folder. So the stick holds 60 batches of 10,000 counted
employments (the workers a batch carries in ``data/workers.json``; every roster row is also in the
decisions' payloads): about 600,000 employments reach the province (590,000 in the run docs/scale.md
gives: in the counties that are themselves among the factory's paired areas, workers from their own
county do not count). One county signing key is registered for all 60 offices (each county's own key would
cost the same to verify; making 60 protected keys costs a minute of scrypt).

Measured, alternately on fresh copies of the same empty province file:

* **ours**: ``batch_import.import_batches`` of the folder (unlock the key, a verified backup first, and for
  every file: decrypt, unpack, verify signature and hashes, check the tables, store everything in one
  transaction each with history, identities and ``province_counted``, the audit entry, the receipt);
* **floor**: the plainest program doing the same reading and writing: pyrage decrypts each file,
  zipfile unpacks it, json parses each table, and the rows go with ``executemany`` into plain SQLite
  tables of the same columns (no checks, no triggers, no seals, no audit), one transaction a file.

After the last run, on the province file it made (figures for docs/scale.md, no goal): the file's
size, a verified backup (``backups.make_backup``: SQLite's backup API, then the copy checked) and
检查数据库 (``dbcheck.check_workspace``: integrity, every sealed row against its digest, the chain).

``LAOXIE_BENCH_SIZE=quick`` (``make bench``): 6 counties (60,000 employments), the target scaled.

Usage: python bench/bench_province_import.py [--counties 60] [--runs 1]
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sqlite3
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import alternate, quick, record  # noqa: E402
from desktop.batches import crypto  # noqa: E402
from desktop.services import batch_export, batch_import, batches, keys  # noqa: E402
from desktop.services.accounts import sign_in  # noqa: E402
from desktop.services.errors import ServiceError  # noqa: E402
from tests.batches import factory  # noqa: E402

TARGET_S = 60.0
COUNTIES_FULL = 60
ENTERPRISES = 50
ROSTER = 223  # 200 counted


def county_codes(n: int) -> list[str]:
    """The first ``n`` of Jilin's 60 counties (resources/areas/jilin.json)."""
    counties = json.loads((ROOT / "resources" / "areas" / "jilin.json").read_text(encoding="utf-8"))["counties"]
    return [c["code"] for c in counties][:n]


def build(tmp: Path, counties: int) -> tuple[Path, Path, int]:
    """The empty province file (keys registered) and the stick with one batch from each county."""
    crypto.UNLOCK_CACHE = factory.UNLOCKED
    province = factory.province_db(tmp / "province.sqlite3")
    stick = tmp / "stick"
    stick.mkdir()
    employments = 0
    with sign_in(province, "admin", factory.PASSWORD) as pws:
        factory.install_key(pws, "province", tmp)
        province_file = keys.public_key_file_text(pws)
    for i, code in enumerate(county_codes(counties)):
        started = time.perf_counter()
        path = factory.county_db(tmp / f"county-{code}.sqlite3", code, f"测试{code}就业服务局", f"测{code}劳协确")
        with sign_in(path, "admin", factory.PASSWORD) as cws, sign_in(province, "admin", factory.PASSWORD) as pws:
            for attempt in range(3):  # age refuses a scrypt work factor that looks excessive on a loaded machine
                try:
                    factory.install_key(cws, "county", tmp)
                    break
                except ServiceError:
                    if attempt == 2:
                        raise
            keys.register_county_key(pws, keys.public_key_file_text(cws), office_code=code,
                                     office_name=f"测试{code}就业服务局")
            keys.import_province_key(cws, province_file)
        with sign_in(path, "clerk", factory.PASSWORD) as ws:
            factory.approved_applications(ws, ENTERPRISES, ROSTER, first=i * ENTERPRISES)
            result = batch_export.export_batch(ws, stick, factory.PASSPHRASE, letters=factory.letters_with_fake_pdfs,
                                               backup=False)
            employments += result.counts["workers"]
        path.unlink()
        print(f"  county {i + 1}/{counties} ({code}) built and exported in {time.perf_counter() - started:.1f} s",
              flush=True)
    return province, stick, employments


def floor_import(files: list[Path], identity_text: str, target: Path) -> None:
    """Decrypt, unpack, parse and insert the same rows into plain tables: no checks, no triggers."""
    import pyrage
    from pyrage import x25519

    identity = x25519.Identity.from_str(identity_text)
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    made: set[str] = set()
    for path in files:
        packed = pyrage.decrypt(path.read_bytes(), [identity])
        with zipfile.ZipFile(io.BytesIO(packed)) as z, conn:
            for name in z.namelist():
                if not name.startswith("data/"):
                    z.read(name)
                    continue
                table = json.loads(z.read(name))
                t = name[5:-5]
                if t not in made:
                    conn.execute(f"CREATE TABLE {t} ({', '.join(table['columns'])})")
                    made.add(t)
                marks = ", ".join("?" * len(table["columns"]))
                conn.executemany(f"INSERT INTO {t} VALUES ({marks})", table["rows"])
    conn.close()


def after_import(path: Path, employments: int) -> None:
    """The province file's size, a verified backup and the database check, once."""
    from desktop.services import backups, dbcheck

    with sign_in(path, "admin", factory.PASSWORD) as ws:
        size = path.stat().st_size
        t0 = time.perf_counter()
        backups.make_backup(ws, "manual")
        backup_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = dbcheck.check_workspace(ws)
        check_s = time.perf_counter() - t0
    record(f"province file after {employments:,} employments (MiB)", size / 2**20, unit="MiB")
    record(f"province: verified backup, {employments:,} employments", backup_s)
    record(f"province: 检查数据库, {employments:,} employments", check_s)
    print(f"database check found {len(report.findings)} findings", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counties", type=int, default=6 if quick() else COUNTIES_FULL)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    target_s = TARGET_S * args.counties / COUNTIES_FULL
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        started = time.perf_counter()
        province, stick, employments = build(tmp, args.counties)
        files = batches.batch_files_in(stick)
        size = sum(f.stat().st_size for f in files)
        print(f"set-up: {args.counties} batches, {employments:,} employments, {size / 2**20:.0f} MiB of batch files,"
              f" in {time.perf_counter() - started:.0f} s", flush=True)
        identity = factory.decryption_key("province").private_text().splitlines()[-1]
        run = [0]
        sizes: list[int] = []

        def ours() -> float:
            run[0] += 1
            copy = tmp / f"province-{run[0]}.sqlite3"
            shutil.copyfile(province, copy)
            with sign_in(copy, "clerk", factory.PASSWORD) as ws:
                t0 = time.perf_counter()
                outcomes = batch_import.import_batches(ws, files, factory.PASSPHRASE,
                                                       receipts_to=tmp / f"receipts-{run[0]}")
                elapsed = time.perf_counter() - t0
            refused = [o.message for o in outcomes if not o.accepted]
            if refused:
                raise SystemExit(f"refused: {refused[:3]}")
            sizes.append(copy.stat().st_size)
            print(f"import run {run[0]}: {elapsed:.1f} s", flush=True)
            if run[0] == args.runs:
                after_import(copy, employments)
            for extra in tmp.glob(f"province-{run[0]}*"):
                shutil.rmtree(extra) if extra.is_dir() else extra.unlink()
            return elapsed

        def floor() -> float:
            target = tmp / "floor.sqlite3"
            t0 = time.perf_counter()
            floor_import(files, identity, target)
            elapsed = time.perf_counter() - t0
            for extra in tmp.glob("floor.sqlite3*"):
                extra.unlink()
            return elapsed

        mine, theirs = alternate(ours, floor, args.runs)
        print(f"province file after the import: {max(sizes) / 2**20:.0f} MiB", flush=True)
        record(f"province: import {args.counties} batches, {employments:,} employments", mine, floor=theirs,
               goal_value=round(target_s, 1))
        print(f"per 10,000 employments: {mine / employments * 10_000:.2f} s; at 600,000 scaled linearly:"
              f" {mine / employments * 600_000:.0f} s (target {TARGET_S:.0f} s)")
        return 0 if mine <= target_s else 1


if __name__ == "__main__":
    raise SystemExit(main())
