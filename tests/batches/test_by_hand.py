"""docs/batch-format.md, "Opening a batch by hand", done with the real tools: `age -d`, unzip,
`ssh-keygen -Y verify`, `sha256sum -c` (Debian packages age, openssh-client, coreutils)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from desktop.batches import crypto
from desktop.core.batch import SIGNATURE_NAMESPACE
from desktop.services import batch_export, keys
from desktop.services.accounts import sign_in
from tests.batches import factory
from tests.batches.factory import PASSPHRASE, PASSWORD

pytestmark = pytest.mark.skipif(
    shutil.which("age") is None or shutil.which("ssh-keygen") is None,
    reason="the standard tools are not installed: apt-get install age openssh-client (make sysdeps does)",
)


@pytest.fixture(autouse=True)
def _unlock_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)


def run(cwd: Path, *argv: str, stdin: Path | None = None) -> str:
    given = stdin.read_bytes() if stdin else b""
    done = subprocess.run(argv, cwd=cwd, input=given, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, (argv, done.stdout, done.stderr)
    return done.stdout.decode("utf-8")


def test_open_and_verify_a_batch_with_the_standard_tools(tmp_path: Path) -> None:
    county = factory.county_db(tmp_path / "county.sqlite3")
    province = factory.province_db(tmp_path / "province.sqlite3")
    factory.exchange_keys(county, province, tmp_path)
    with sign_in(county, "clerk", PASSWORD) as ws:
        factory.approved_applications(ws, 2, 5)
        result = batch_export.export_batch(ws, tmp_path, PASSPHRASE, letters=factory.letters_with_fake_pdfs)
    work = tmp_path / "by-hand"
    work.mkdir()
    shutil.copy(result.path, work / "batch.age")
    with sign_in(province, "admin", PASSWORD) as ws:
        # the province's key, as `age -d province-key.age > key.txt` (with the passphrase) gives it
        (work / "key.txt").write_text(keys.unlock_decryption_key(ws, PASSPHRASE).private_text(), encoding="ascii")
        keys.export_allowed_signers(ws, work / "allowed_signers")

    # 1. decrypt: age -d -i key.txt -o batch.zip batch.age
    run(work, "age", "-d", "-i", "key.txt", "-o", "batch.zip", "batch.age")
    # 2. unpack (with Python's zipfile here; `unzip batch.zip -d batch` does the same)
    with zipfile.ZipFile(work / "batch.zip") as z:
        z.extractall(work / "batch")
    folder = work / "batch"
    # 3. the signature: ssh-keygen -Y verify -f allowed_signers -I 222401 -n laoxie-batch@jilin ...
    said = run(folder, "ssh-keygen", "-Y", "verify", "-f", "../allowed_signers", "-I", "222401",
               "-n", SIGNATURE_NAMESPACE, "-s", "manifest.json.sig", stdin=folder / "manifest.json")
    assert 'Good "laoxie-batch@jilin" signature for 222401' in said
    # 4. every file against the manifest: sha256sum -c
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (work / "SHA256SUMS").write_text(
        "".join(f"{entry['sha256']}  {name}\n" for name, entry in manifest["files"].items()), encoding="utf-8")
    checked = run(folder, "sha256sum", "-c", "../SHA256SUMS")
    assert checked.count(": OK") == len(manifest["files"]) == 12  # 9 data tables, the summary, 2 letters
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"]

    # a changed manifest no longer verifies
    (folder / "manifest.json").write_bytes((folder / "manifest.json").read_bytes().replace(b'"seq":1', b'"seq":9'))
    done = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", "../allowed_signers", "-I", "222401",
                           "-n", SIGNATURE_NAMESPACE, "-s", "manifest.json.sig"],
                          cwd=folder, input=(folder / "manifest.json").read_bytes(), capture_output=True,
                          timeout=60, check=False)
    assert done.returncode != 0


@pytest.mark.skipif(shutil.which("script") is None, reason="script (Debian package bsdutils) gives age a terminal")
def test_age_opens_the_exported_key_with_its_passphrase(tmp_path: Path) -> None:
    """`laoxie keys export-private` writes what `age -d -i province-key.age` opens with the passphrase
    (age asks on the terminal; `script` lends it one)."""
    province = factory.province_db(tmp_path / "province.sqlite3")
    with sign_in(province, "admin", PASSWORD) as ws:
        factory.install_key(ws, "province", tmp_path)
        keys.export_private_key(ws, tmp_path / "province-key.age")
        public = keys.own_key(ws)
    assert public is not None
    suite = crypto.suite()
    (tmp_path / "batch.age").write_bytes(suite.encrypt(b"a batch", suite.encryption_public(public.public_key)))
    done = subprocess.run(
        ["script", "-qec", "age -d -i province-key.age -o batch.zip batch.age", "/dev/null"],
        input=(PASSPHRASE + "\n").encode("utf-8"), cwd=tmp_path, capture_output=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stdout
    assert (tmp_path / "batch.zip").read_bytes() == b"a batch"
