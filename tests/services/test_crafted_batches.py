"""Crafted and tampered batch files (tests/batches/crafted.py, made from a real batch): every one
quarantined with its reason, the rest of the folder still processed, the province file otherwise
unchanged (a digest of every table before and after), no traceback."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.batches import crypto
from desktop.services import batches as svc
from desktop.services import batch_import
from desktop.services.accounts import sign_in
from tests.batches import crafted, factory


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[crafted.Setting]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)
        yield crafted.province_with_a_sound_batch(tmp_path_factory.mktemp("exchange"))


@pytest.fixture
def setting(prepared: crafted.Setting, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> crafted.Setting:
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)
    return crafted.copy_setting(prepared, tmp_path)


def check(result: crafted.RunResult, count: int) -> None:
    assert result.wrong == []
    assert sum(result.by_reason.values()) == count == len(result.outcomes)
    assert result.changed_tables == []


def test_a_sample_of_crafted_batches_is_quarantined_and_changes_nothing_else(
        setting: crafted.Setting, tmp_path: Path) -> None:
    variants = list(crafted.crafted(setting.sound, sample=3))
    assert len(variants) >= 60
    result = crafted.run(setting, tmp_path / "folder", variants)
    check(result, len(variants))
    assert {"not_a_batch", "truncated", "corrupt", "bad_archive", "manifest_invalid",
            "signature_missing", "bad_signature", "file_altered", "data_invalid", "replayed",
            "older_sequence"} <= set(result.by_reason)


@pytest.mark.slow
def test_every_crafted_batch_is_quarantined_and_changes_nothing_else(setting: crafted.Setting, tmp_path: Path) -> None:
    variants = list(crafted.crafted(setting.sound))
    assert len(variants) >= 200
    check(crafted.run(setting, tmp_path / "folder", variants), len(variants))


# Each of these raised past the import (RecursionError, ValueError, OverflowError, TypeError,
# zlib.error) and stopped the run over the whole folder.
USED_TO_STOP_THE_RUN = ("manifest-deep-array", "manifest-huge-int", "manifest-seq-huge", "manifest-seq-5000-digits",
                        "records-workers-deep", "records-letters-cell-dict", "records-letter-content-deep",
                        "archive-garbled-deflate")


def test_what_used_to_stop_an_import_run_is_quarantined_and_the_next_file_is_imported(
        setting: crafted.Setting, tmp_path: Path) -> None:
    variants = {v.name: v for v in crafted.crafted(setting.sound, heavy=False) if v.name in USED_TO_STOP_THE_RUN}
    assert sorted(variants) == sorted(USED_TO_STOP_THE_RUN)
    folder = tmp_path / "folder"
    folder.mkdir()
    for index, variant in enumerate(variants.values()):
        (folder / f"222401-000{index}-{variant.name}.laoxie-batch.age").write_bytes(variant.data)
    (folder / "222401-0099-sound.laoxie-batch.age").write_bytes(setting.later)  # last in name order
    with sign_in(setting.province, "clerk", factory.PASSWORD) as ws:
        outcomes = batch_import.import_batches(ws, svc.batch_files_in(folder), factory.PASSPHRASE)
    *refused, sound = outcomes
    for outcome, variant in zip(refused, variants.values(), strict=True):
        assert outcome.status == "quarantined" and outcome.reason_codes[0] in variant.reasons, variant.name
        assert any("\u4e00" <= ch <= "\u9fff" for ch in outcome.message)
    assert sound.accepted and sound.seq == 2


def test_a_too_large_file_is_refused_before_it_is_read_whole(
        setting: crafted.Setting, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Recorded (name, size, SHA-256 read in blocks) and quarantined, never read whole nor copied."""
    limit = 4 << 20  # the real limit is 1 GiB (the full crafted set uses a sparse file of that size)
    monkeypatch.setattr(batch_import, "MAX_BATCH_FILE", limit)
    path = tmp_path / "222401-0009-huge.laoxie-batch.age"
    with path.open("wb") as handle:
        handle.write(setting.sound[:4096])
        handle.truncate(limit + 1)
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        assert self != path, "the oversized file was read whole"
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with sign_in(setting.province, "clerk", factory.PASSWORD) as ws:
        [outcome] = batch_import.import_batches(ws, [path], factory.PASSPHRASE)
    assert outcome.status == "quarantined" and outcome.reason_codes == ("too_large",)
    assert outcome.message.startswith("文件过大") and outcome.quarantined_as is None
    [(size, sha)] = factory.table_rows(setting.province, "SELECT file_size, file_sha256 FROM batch_quarantine")
    assert size == limit + 1 and sha == hashlib.sha256(real_read(path)).hexdigest()
