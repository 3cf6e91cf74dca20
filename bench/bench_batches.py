"""Batches (issue 15 item 4): export and import of a batch of 500 enterprises (100,000 counted
workers, 500 letters) against the standard tools doing the same work; goal <= 3× each.

A county office file gets 500 enterprises with 223 roster rows each (200 counted, 23 from
outside the paired areas), an approved application, its recorded decision and a letter issued
by the letters service (the original PDF, 200-row annex, drawn once and kept) each.

Ours: ``export_batch`` (read, sign, pack, encrypt, write to a "stick" folder with fsync and
read-back, record; with the backup it takes first) and ``import_batches`` on a province file
(decrypt, unpack, verify, check, store everything in one transaction, write the receipt;
with its backup).  Each timed run starts from copies of the same county and province files, so
every export is the county's first batch and every import the province's first receipt of those
workers (a batch sent again stores little and is not what this measures).

The floor, on the same content: the data held in a plain SQLite file (one table per data
file, the PDFs as blobs); export = SELECT each table and write it as JSON, the manifest of
SHA-256s, ``ssh-keygen -Y sign``, ``zip``, ``age -r`` to the stick and fsync; import =
``age -d``, ``unzip``, ``ssh-keygen -Y verify``, ``sha256sum -c``, then every table's rows
and the PDFs inserted into a new SQLite file in one transaction.  Ours and the floor run
alternately; medians.

The passphrase unlock (scrypt, calibrated by age to about a second where the key was
protected) happens once a session and is reported apart: ours (``keys.unlock_signing_key``)
against pyrage's passphrase decryption alone.  The timed exports and imports reuse the
unlocked keys.  The quick size (make bench) is 100 enterprises.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import quick, record  # noqa: E402
from desktop.batches import archive, crypto  # noqa: E402
from desktop.core.batch import SIGNATURE_NAMESPACE  # noqa: E402
from desktop.services import batch_export, batch_import, keys  # noqa: E402
from desktop.services.accounts import sign_in  # noqa: E402
from tests.batches import factory  # noqa: E402

ENTERPRISES = 100 if quick() else 500
ROSTER = 223  # rows an enterprise: 200 counted, 23 from outside the paired areas (not counted)
RUNS = 3
GOAL_RATIO = 3.0


def run(argv: list[str], cwd: Path, stdin: bytes | None = None) -> None:
    subprocess.run(argv, cwd=cwd, input=stdin, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class Floor:
    """The same batch made and opened with plain SQLite, json, zip, age and ssh-keygen."""

    def __init__(self, folder: Path, members: dict[str, bytes], county: Path, province: Path) -> None:
        self.folder = folder
        folder.mkdir()
        self.manifest = json.loads(members["manifest.json"])
        self.office_code = self.manifest["office"]["code"]
        with sign_in(county, "clerk", factory.PASSWORD) as ws:
            signing = keys.unlock_signing_key(ws, factory.PASSPHRASE)
            _, recipient = keys.province_key(ws)
        with sign_in(province, "clerk", factory.PASSWORD) as ws:
            identity = keys.unlock_decryption_key(ws, factory.PASSPHRASE).private_text()
            allowed = keys.allowed_signers_text(ws)
        self.key = folder / "county.key"
        self.key.write_text(signing.private_text(), encoding="ascii")
        self.key.chmod(0o600)
        self.recipient = recipient.text
        (folder / "identity.txt").write_text(identity, encoding="ascii")
        (folder / "allowed_signers").write_text(allowed, encoding="utf-8")
        self.data = folder / "county-data.sqlite3"
        self.tables = {name: json.loads(data) for name, data in members.items() if name.startswith("data/")}
        self.others = {name: data for name, data in members.items()
                       if not name.startswith("data/") and not name.startswith("manifest.json")}
        self._store(self.data, self.tables, self.others)
        self.n = 0

    @staticmethod
    def _store(path: Path, tables: dict[str, dict], others: dict[str, bytes]) -> None:
        db = sqlite3.connect(path)
        with db:
            for name, table in tables.items():
                columns = ", ".join(f'"{c}"' for c in table["columns"])
                marks = ", ".join("?" * len(table["columns"]))
                db.execute(f'CREATE TABLE "{name}" ({columns})')
                db.executemany(f'INSERT INTO "{name}" VALUES ({marks})', table["rows"])
            db.execute("CREATE TABLE files (name TEXT PRIMARY KEY, data BLOB)")
            db.executemany("INSERT INTO files VALUES (?, ?)", others.items())
        db.close()

    def export(self, stick: Path) -> tuple[float, Path]:
        self.n += 1
        work = self.folder / f"out-{self.n}"
        started = time.perf_counter()
        work.mkdir()
        db = sqlite3.connect(self.data)
        entries = {}
        for name, table in self.tables.items():
            cursor = db.execute(f'SELECT * FROM "{name}"')
            data = json.dumps({"columns": table["columns"], "rows": cursor.fetchall()}, ensure_ascii=False,
                              separators=(",", ":")).encode("utf-8")
            entries[name] = data
        for name, data in db.execute("SELECT name, data FROM files"):
            entries[name] = data
        db.close()
        files = {}
        for name, data in entries.items():
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        (work / "manifest.json").write_text(json.dumps({**self.manifest, "files": files}, ensure_ascii=False),
                                            encoding="utf-8")
        run(["ssh-keygen", "-q", "-Y", "sign", "-f", str(self.key), "-n", SIGNATURE_NAMESPACE, "manifest.json"],
            work)
        run(["zip", "-q", "-r", "../batch.zip", "."], work)
        target = stick / f"floor-{self.n}.age"
        run(["age", "-r", self.recipient, "-o", str(target), str(self.folder / "batch.zip")], work)
        with open(target, "rb") as written:
            os.fsync(written.fileno())
        elapsed = time.perf_counter() - started
        (self.folder / "batch.zip").unlink()
        return elapsed, target

    def open(self, path: Path) -> float:
        work = self.folder / f"in-{path.stem}"
        started = time.perf_counter()
        work.mkdir()
        run(["age", "-d", "-i", "../identity.txt", "-o", "batch.zip", str(path)], work)
        run(["unzip", "-q", "batch.zip", "-d", "batch"], work)
        folder = work / "batch"
        manifest_bytes = (folder / "manifest.json").read_bytes()
        run(["ssh-keygen", "-Y", "verify", "-f", "../../allowed_signers", "-I", self.office_code,
             "-n", SIGNATURE_NAMESPACE, "-s", "manifest.json.sig"], folder, stdin=manifest_bytes)
        manifest = json.loads(manifest_bytes)
        sums = "".join(f"{entry['sha256']}  {name}\n" for name, entry in manifest["files"].items())
        run(["sha256sum", "--quiet", "-c", "-"], folder, stdin=sums.encode("utf-8"))
        tables = {name: json.loads((folder / name).read_bytes()) for name in manifest["files"]
                  if name.startswith("data/")}
        others = {name: (folder / name).read_bytes() for name in manifest["files"] if not name.startswith("data/")}
        self._store(work / "province-data.sqlite3", tables, others)
        return time.perf_counter() - started


def setup(tmp: Path) -> tuple[Path, Path]:
    from desktop.services import letters

    county = factory.county_db(tmp / "county.sqlite3")
    province = factory.province_db(tmp / "province.sqlite3")
    started = time.perf_counter()
    factory.exchange_keys(county, province, tmp)
    with sign_in(county, "clerk", factory.PASSWORD) as ws:
        ids = factory.approved_applications(ws, ENTERPRISES, ROSTER, letters=False)
        for app_id in ids:
            letters.issue(ws, app_id, issued_on=date(2026, 7, 1))
    print(f"set-up: keys, {ENTERPRISES} enterprises, {ENTERPRISES * ROSTER:,} roster rows, decisions,"
          f" {ENTERPRISES} letters issued: {time.perf_counter() - started:.0f} s", flush=True)
    return county, province


def copy_db(source: Path, target: Path) -> Path:
    """A copy of an office file at a new path (SQLite's backup API, owner-only like the app's files)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    target.chmod(0o600)
    return target


def unlock(county: Path) -> None:
    """The one passphrase unlock a session, ours and pyrage's scrypt alone (alternated)."""
    from pyrage import passphrase as age_passphrase

    with sign_in(county, "clerk", factory.PASSWORD) as ws:
        protected = factory.key_material("county").protected
        ours, floor = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            keys.unlock_signing_key(ws, factory.PASSPHRASE)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            age_passphrase.decrypt(protected.encode("ascii"), factory.PASSPHRASE)
            floor.append(time.perf_counter() - started)
    record("batches: passphrase unlock (scrypt, once a session)", sorted(ours)[RUNS // 2],
           floor=sorted(floor)[RUNS // 2])


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        county, province = setup(tmp)
        unlock(county)
        crypto.UNLOCK_CACHE = {}  # the timed runs reuse the unlocked keys (as one session does)
        stick = tmp / "stick"
        stick.mkdir()
        # Every timed run starts from the same two files, copied: each export is the county's
        # first batch (sequence 1) and each import the province's first receipt of it, new
        # workers and all.  Importing three batches into one province file made two of the three
        # re-sends of the same workers, which store almost nothing: the median measured a re-send.
        floor: Floor | None = None
        ours_export, floor_export, made, floor_made, provinces = [], [], [], [], []
        for n in range(RUNS):
            county_n, province_n = copy_db(county, tmp / f"county-{n}.sqlite3"), \
                copy_db(province, tmp / f"province-{n}.sqlite3")
            provinces.append(province_n)
            with sign_in(county_n, "clerk", factory.PASSWORD) as ws:
                keys.unlock_signing_key(ws, factory.PASSPHRASE)  # once a session: not timed
                started = time.perf_counter()
                result = batch_export.export_batch(ws, stick, factory.PASSPHRASE, include_unreceived=True)
                ours_export.append(time.perf_counter() - started)
                made.append(result)
            if floor is None:
                with sign_in(province, "clerk", factory.PASSWORD) as ws:
                    members = archive.read(keys.unlock_decryption_key(ws, factory.PASSPHRASE).decrypt(
                        result.path.read_bytes()))
                floor = Floor(tmp / "floor", members, county, province)
            seconds, path = floor.export(stick)
            floor_export.append(seconds)
            floor_made.append(path)
        counts = made[0].counts
        print(f"batch: {counts['enterprises']} enterprises, {counts['applications']} applications,"
              f" {counts['workers']:,} counted workers, {counts['letters']} letters;"
              f" ours {made[0].size / 2**20:.1f} MiB, the floor's {floor_made[0].stat().st_size / 2**20:.1f} MiB")
        ours_import, floor_import = [], []
        for result, path, province_n in zip(made, floor_made, provinces, strict=True):
            with sign_in(province_n, "clerk", factory.PASSWORD) as ws:
                keys.unlock_decryption_key(ws, factory.PASSPHRASE)  # once a session: not timed
                started = time.perf_counter()
                outcome = batch_import.import_batches(ws, [result.path], factory.PASSPHRASE)[0]
                ours_import.append(time.perf_counter() - started)
            if not outcome.accepted:
                print(f"import refused: {outcome.message}")
                return 1
            floor_import.append(floor.open(path))  # type: ignore[union-attr]
    middle = RUNS // 2
    record(f"batches: export {ENTERPRISES} enterprises", sorted(ours_export)[middle],
           floor=sorted(floor_export)[middle], goal_ratio=GOAL_RATIO)
    record(f"batches: import {ENTERPRISES} enterprises (the province's first receipt)", sorted(ours_import)[middle],
           floor=sorted(floor_import)[middle], goal_ratio=GOAL_RATIO)
    return 0


if __name__ == "__main__":
    sys.exit(main())
