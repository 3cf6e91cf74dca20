"""Tampered and crafted batch files, made from a real batch, each with the reason it must be refused for.

:func:`crafted` takes a sound batch file (as ``laoxie batch export`` wrote it,
encrypted to the test province key and signed with the test county key of
``tests.batches.factory``) and yields a few hundred variants: flipped and cut
bytes of the encrypted file, archives that try to hurt the reader (names that
climb out, repeated names, zip bombs, members larger than declared, too many
members), manifests that are no JSON or nest ten thousand levels deep or
carry five-thousand-digit integers, signatures missing, garbled or made with
another key, files altered, and signed records of the wrong shape. Each is a
:class:`Crafted` with the reason code(s) it must be quarantined with
(``tests/services/test_crafted_batches.py``, ``bench/bench_crafted_batches.py``).
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desktop.batches import archive, crypto
from desktop.core.batch import (
    APPLICATIONS, DECISIONS, ENTERPRISES, LETTERS, MANIFEST_NAME, MAX_MEMBER_BYTES, MAX_MEMBERS, SIGNATURE_NAME,
    SIGNATURE_NAMESPACE, USERS, WORKERS, FileEntry, Manifest, canonical_json,
)
from tests.batches import factory

Members = dict[str, bytes]
# the recipient stanza cannot tell "damaged" from "for someone else" (age hides the recipient)
HEADER_REASONS = frozenset({"not_a_batch", "corrupt", "wrong_recipient", "truncated"})


@dataclass(frozen=True)
class Crafted:
    name: str  # a short label, also the file name's stem
    data: bytes
    reasons: frozenset[str]  # the main reason must be one of these
    sparse_size: int = 0  # > 0: the file is ``data`` followed by a hole up to this size (a huge file on no disk)


# --------------------------------------------------------------------------
# Opening, re-signing and re-sealing a batch (the test keys of the factory)


def open_members(data: bytes) -> Members:
    plain = factory.decryption_key("province").decrypt(data)
    with zipfile.ZipFile(io.BytesIO(plain)) as z:
        return {name: z.read(name) for name in z.namelist()}


def seal_plain(plain: bytes, recipient: str = "province") -> bytes:
    suite = crypto.suite()
    return suite.encrypt(plain, suite.encryption_public(factory.key_material(recipient).public))


def reseal(members: Members, *, recipient: str = "province", pad: bool = True) -> bytes:
    suite = crypto.suite()
    packed = archive.build(list(members.items()), date_time=(2026, 7, 1, 10, 0, 0),
                           pad_to=suite.plaintext_block() if pad else 1)
    return seal_plain(packed, recipient)


def resign(members: Members, key: str = "county", **changes: Any) -> Members:
    """Recompute the manifest's file list (and apply ``changes``), sign it with ``key``."""
    manifest = Manifest.from_bytes(members[MANIFEST_NAME])
    entries = {n: FileEntry(hashlib.sha256(b).hexdigest(), len(b)) for n, b in members.items()
               if n not in (MANIFEST_NAME, SIGNATURE_NAME)}
    manifest = replace(manifest, files=entries, **changes)
    body = manifest.to_bytes()
    return {**members, MANIFEST_NAME: body, SIGNATURE_NAME: factory.signing_key(key).sign(body, SIGNATURE_NAMESPACE)}


def _zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about a repeated name: that is the point
        with zipfile.ZipFile(buffer, "w", method) as z:
            for name, body in entries:
                z.writestr(zipfile.ZipInfo(name, (2026, 7, 1, 10, 0, 0)), body, compress_type=method)
    return buffer.getvalue()


def _patch(plain: bytes, member: str, offset: int, value: int, fmt: str = "<I", *, local: bool = False) -> bytes:
    """Change a field of ``member``'s central directory entry (or, ``local``, its local header);
    ``offset`` from the entry's start."""
    signature, name_at, name_len_at = (b"PK\x03\x04", 30, 26) if local else (b"PK\x01\x02", 46, 28)
    name = member.encode()
    at = 0
    while True:
        at = plain.index(signature, at)
        name_len = struct.unpack_from("<H", plain, at + name_len_at)[0]
        if plain[at + name_at:at + name_at + name_len] == name:
            break
        at += 4
    out = bytearray(plain)
    struct.pack_into(fmt, out, at + offset, value)
    return bytes(out)


def header_end(data: bytes) -> int:
    return data.index(b"\n", data.index(b"\n--- ") + 1) + 1


# --------------------------------------------------------------------------
# The variants


HEAVY = frozenset({"file-too-large", "archive-bomb-20mb", "archive-bomb-60mb", "archive-too-many-members", "manifest-huge-string",
                   "records-worker-name-huge"})  # seconds each to make: left out of the quick sample


def crafted(sound: bytes, *, seed: int = 2026, sample: int = 1, heavy: bool | None = None) -> Iterator[Crafted]:
    """Every variant of the ``sound`` batch (see the module's docstring), about 290; with
    ``sample`` n > 1 every n-th one. The :data:`HEAVY` ones are left out of a sample (or with
    ``heavy=False``); they are made lazily, so what is left out costs nothing."""
    rng = random.Random(seed)
    members = open_members(sound)
    skip = HEAVY if (sample > 1 if heavy is None else not heavy) else frozenset()
    makers: list[Iterator[Crafted]] = [
        _file_level(sound, rng, skip), _archive_level(members, rng, skip=skip), _manifest_level(members, skip=skip),
        _signature_level(members), _files_against_manifest(members), _records(members, skip=skip),
        _sequence(sound, members),
    ]
    index = 0
    for maker in makers:
        for variant in maker:
            if index % sample == 0 or variant.reasons in ({"replayed"}, {"older_sequence"}):
                yield variant
            index += 1


def _one(reason: str) -> frozenset[str]:
    return frozenset({reason})


def _file_level(sound: bytes, rng: random.Random, skip: frozenset[str]) -> Iterator[Crafted]:
    start = header_end(sound) + 16
    for label, data in (("empty", b""), ("zip", b"PK\x03\x04 a zip someone renamed"), ("text", "报送批次".encode()),
                        ("pdf", b"%PDF-1.4\n%%EOF\n"), ("random", rng.randbytes(70_000)), ("age-armor",
                        b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"),
                        ("nul", b"\x00" * 4096), ("magic-typo", b"age-encryption.org/v2\n" + sound[22:])):
        yield Crafted(f"file-{label}", data, _one("not_a_batch"))
    if "file-too-large" not in skip:
        yield Crafted("file-too-large", sound[:4096], _one("too_large"), sparse_size=(1 << 30) + 1)
    for i in range(20):  # cut anywhere after the header: the payload is no whole number of chunks
        cut = start + 1 + rng.randrange(len(sound) - start - 2)
        yield Crafted(f"truncated-{i:02d}", sound[:cut], _one("truncated"))
    yield Crafted("truncated-header", sound[:50], _one("truncated"))
    yield Crafted("truncated-at-payload", sound[:start], _one("truncated"))
    for i in range(20):
        position = start + rng.randrange(len(sound) - start)
        changed = bytearray(sound)
        changed[position] ^= 1 << rng.randrange(8)
        yield Crafted(f"corrupt-{i:02d}", bytes(changed), _one("corrupt"))
    end = header_end(sound)
    for i, position in enumerate((0, 5, 30, 60, 100, end - 40, end - 10, end - 3)):
        changed = bytearray(sound)
        changed[position] ^= 0x01
        yield Crafted(f"header-flip-{i}", bytes(changed), HEADER_REASONS)
    members = open_members(sound)
    for recipient in ("other_province",):
        yield Crafted(f"wrong-recipient-{recipient}", reseal(members, recipient=recipient), _one("wrong_recipient"))


def _archive_level(members: Members, rng: random.Random, skip: frozenset[str]) -> Iterator[Crafted]:
    bad = _one("bad_archive")
    entries = list(members.items())
    yield Crafted("archive-not-zip", seal_plain(rng.randbytes(5000)), bad)
    yield Crafted("archive-empty-plaintext", seal_plain(b""), bad)
    yield Crafted("archive-cut-zip", seal_plain(archive.build(entries, date_time=(2026, 7, 1, 0, 0, 0))[:-300]), bad)
    for evil in ("../../evil.bat", "/etc/passwd", "data/../../x.json", "a\\b.json", "C:/Windows/x.dll", ".hidden",
                 "letters/", "letters//x.pdf", "data/./x.json", "名单.json", " space.json", "x" * 300 + "/../y"):
        yield Crafted(f"archive-name-{len(evil)}-{abs(hash(evil)) % 10_000}", seal_plain(_zip(entries + [(evil, b"x")])),
                      bad)
    yield Crafted("archive-duplicate-manifest", seal_plain(_zip(entries + [(MANIFEST_NAME, entries[0][1])])), bad)
    yield Crafted("archive-duplicate-workers", seal_plain(_zip(entries + [(WORKERS, members[WORKERS])])), bad)
    for size_mb in (5, 20, 60):  # zeros pack about 1000 : 1
        if f"archive-bomb-{size_mb}mb" in skip:
            continue
        bomb = _zip(entries + [("data/bomb.json", b"0" * (size_mb << 20))])
        yield Crafted(f"archive-bomb-{size_mb}mb", seal_plain(bomb), bad)
    plain = _zip(entries)
    yield Crafted("archive-declared-huge", seal_plain(_patch(plain, WORKERS, 24, MAX_MEMBER_BYTES + 1)), bad)
    yield Crafted("archive-declared-4gib", seal_plain(_patch(plain, WORKERS, 24, 0xFFFFFFFE)), bad)
    yield Crafted("archive-declared-smaller", seal_plain(_patch(plain, WORKERS, 24, 10)), bad)
    yield Crafted("archive-declared-larger", seal_plain(_patch(
        plain, WORKERS, 24, len(members[WORKERS]) + 7)), bad)
    yield Crafted("archive-encrypted-flag", seal_plain(_patch(plain, WORKERS, 8, 0x1, "<H")), bad)
    for method in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        yield Crafted(f"archive-method-{method}", seal_plain(_zip(entries, method)), bad)
    yield Crafted("archive-method-unknown", seal_plain(_patch(plain, WORKERS, 10, 99, "<H")), bad)
    yield Crafted("archive-bad-crc", seal_plain(_patch(_patch(plain, WORKERS, 16, 0xDEADBEEF), WORKERS, 14,
                                                             0xDEADBEEF, local=True)), bad)
    body = bytearray(plain)
    local = plain.index(WORKERS.encode()) - 30  # the first mention is in its local header
    start = local + 30 + len(WORKERS)
    body[start + 10:start + 40] = bytes(30)  # the deflate stream of data/workers.json garbled
    yield Crafted("archive-garbled-deflate", seal_plain(bytes(body)), bad)
    if "archive-too-many-members" not in skip:
        many = entries + [(f"letters/x{i}.pdf", b"") for i in range(MAX_MEMBERS)]
        yield Crafted("archive-too-many-members", seal_plain(_zip(many, zipfile.ZIP_STORED)), bad)
    yield Crafted("archive-directory-entry", seal_plain(_zip(entries + [("data/", b"")])), bad)


def _raw_manifest(members: Members, body: bytes) -> bytes:
    return reseal({**members, MANIFEST_NAME: body})


def _manifest_level(members: Members, skip: frozenset[str]) -> Iterator[Crafted]:
    invalid = _one("manifest_invalid")
    sound = json.loads(members[MANIFEST_NAME])
    without = dict(members)
    del without[MANIFEST_NAME]
    yield Crafted("manifest-missing", reseal(without), invalid)
    raw: dict[str, bytes] = {
        "not-json": b"{not json", "not-utf8": b'{"format": "\xff\xfe"}', "empty": b"", "array": b"[]",
        "null": b"null", "string": b'"manifest"', "deep-array": b"[" * 100_000 + b"]" * 100_000,
        "deep-object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        "deep-unclosed": b"[" * 200_000, "huge-int": b'{"seq": ' + b"9" * 5000 + b"}",
        "huge-float": b'{"seq": 1e999999}', "nan": b'{"seq": NaN}', "infinity": b'{"seq": -Infinity}',
        "bom": b"\xef\xbb\xbf" + members[MANIFEST_NAME], "utf16": members[MANIFEST_NAME].decode().encode("utf-16"),
        "trailing": members[MANIFEST_NAME] + b"x", "nul": members[MANIFEST_NAME][:-1] + b"\x00}",
    }
    for label, body in raw.items():
        yield Crafted(f"manifest-{label}", _raw_manifest(members, body), invalid)
    changes: dict[str, Callable[[dict[str, Any]], None]] = {
        "seq-huge": lambda m: m.update(seq=10**30), "seq-5000-digits": lambda m: m.update(seq=int("9" * 4000)),
        "seq-negative": lambda m: m.update(seq=-1), "seq-zero": lambda m: m.update(seq=0),
        "seq-true": lambda m: m.update(seq=True), "seq-text": lambda m: m.update(seq="1"),
        "seq-float": lambda m: m.update(seq=1.5), "seq-list": lambda m: m.update(seq=[1]),
        "format": lambda m: m.update(format="laoxie.batch/9"), "unknown-key": lambda m: m.update(extra=1),
        "missing-key": lambda m: m.pop("counts"), "office-code": lambda m: m["office"].update(code="22240X"),
        "office-list": lambda m: m.update(office=[]), "office-name-dict": lambda m: m["office"].update(name={}),
        "batch-id": lambda m: m.update(batch_id="../../x"), "files-list": lambda m: m.update(files=[]),
        "file-name-climbs": lambda m: m["files"].update({"../x.json": {"sha256": "0" * 64, "size": 1}}),
        "file-sha-short": lambda m: m["files"][WORKERS].update(sha256="abc"),
        "file-size-negative": lambda m: m["files"][WORKERS].update(size=-5),
        "file-size-huge": lambda m: m["files"][WORKERS].update(size=10**40),
        "counts-negative": lambda m: m["counts"].update(workers=-1),
        "counts-huge": lambda m: m["counts"].update(workers=2**70),
        "ruleset-dict": lambda m: m.update(ruleset_versions=[{}]),
        "chain-head": lambda m: m.update(audit_chain_head="z" * 64),
        "created-by-empty": lambda m: m.update(created_by=""),
        "deep-in-field": lambda m: m.update(app_version=_nested(500)),
        "huge-string": lambda m: m.update(office={"code": "222401", "name": _noise(2_000_000)}),
    }
    for label, change in changes.items():
        if f"manifest-{label}" in skip:
            continue
        manifest = json.loads(members[MANIFEST_NAME])
        change(manifest)
        body = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        yield Crafted(f"manifest-{label}", _raw_manifest(members, body), invalid)
    suite_changed = dict(sound, suite="sm2-sm3+sm4")
    yield Crafted("manifest-suite", _raw_manifest(members, canonical_json(suite_changed)), invalid)


def _noise(length: int) -> str:
    """Chinese text that does not compress (so it is no zip bomb, only too long)."""
    rng = random.Random(length)
    return "".join(chr(0x4E00 + rng.randrange(20_000)) for _ in range(length))


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def _signature_level(members: Members) -> Iterator[Crafted]:
    missing = _one("signature_missing")
    sig = members[SIGNATURE_NAME]
    without = dict(members)
    del without[SIGNATURE_NAME]
    yield Crafted("signature-missing", reseal(without), missing)
    lines = sig.decode().splitlines()
    garbled = {
        "empty": b"", "text": "签名".encode(), "no-armor": "\n".join(lines[1:-1]).encode(),
        "bad-base64": ("\n".join([lines[0], "!!!!", lines[-1]]) + "\n").encode(),
        "cut": ("\n".join([lines[0], lines[1][:20], lines[-1]]) + "\n").encode(),
        "huge-length": ("\n".join([lines[0], "U1NIU0lHAAAAAf////8=", lines[-1]]) + "\n").encode(),
        "rsa-armor": b"-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAABcAAAAHc3NoLXJzYQ==\n-----END SSH SIGNATURE-----\n",
        "binary": bytes(range(256)),
    }
    for label, body in garbled.items():
        yield Crafted(f"signature-{label}", reseal({**members, SIGNATURE_NAME: body}), missing)
    yield Crafted("signature-other-key", reseal(resign(members, "other_county")), _one("unknown_signer"))
    yield Crafted("signature-unregistered-office", reseal(resign(members, office_code="222499")),
                  _one("unknown_signer"))
    yield Crafted("signature-another-namespace", reseal({**members, SIGNATURE_NAME: factory.signing_key("county").sign(
        members[MANIFEST_NAME], "file")}), _one("bad_signature"))
    changes: dict[str, Callable[[dict[str, Any]], None]] = {
        "seq": lambda m: m.update(seq=m["seq"] + 1), "office-name": lambda m: m["office"].update(name="假冒县"),
        "counts": lambda m: m["counts"].update(workers=m["counts"]["workers"] + 1),
        "created-by": lambda m: m.update(created_by="intruder"),
        "file-hash": lambda m: m["files"][WORKERS].update(sha256="0" * 64),
        "created-at": lambda m: m.update(created_at="2030-01-01T00:00:00+08:00"),
        "chain-head": lambda m: m.update(audit_chain_head="0" * 64),
        "batch-id": lambda m: m.update(batch_id="0f0e0d0c-0b0a-4908-8706-050403020100"),
    }
    for label, change in changes.items():
        manifest = json.loads(members[MANIFEST_NAME])
        change(manifest)
        yield Crafted(f"signature-after-{label}", _raw_manifest(members, canonical_json(manifest)),
                      _one("bad_signature"))


def _files_against_manifest(members: Members) -> Iterator[Crafted]:
    for name in sorted(n for n in members if n not in (MANIFEST_NAME, SIGNATURE_NAME)):
        body = members[name]
        yield Crafted(f"altered-{name.replace('/', '-')}", reseal({**members, name: body + b" "}),
                      _one("file_altered"))
        without = dict(members)
        del without[name]
        yield Crafted(f"missing-{name.replace('/', '-')}", reseal(without), _one("file_missing"))
    yield Crafted("extra-letter", reseal({**members, "letters/extra.pdf": b"%PDF-1.4 not listed"}), _one("file_extra"))
    yield Crafted("extra-data", reseal({**members, "data/extra.json": b"{}"}), _one("file_extra"))


def _table(members: Members, name: str) -> dict[str, Any]:
    return json.loads(members[name])


def _signed_table(members: Members, name: str, body: bytes) -> bytes:
    return reseal(resign({**members, name: body}))


def _records(members: Members, skip: frozenset[str]) -> Iterator[Crafted]:
    """Signed by the registered county key, so only the records themselves can be refused."""
    invalid = _one("data_invalid")
    for name in (ENTERPRISES, USERS, APPLICATIONS, DECISIONS, WORKERS, LETTERS):
        short = name.split("/")[1].split(".")[0]
        for label, body in {
            "not-json": b"{", "deep": b"[" * 100_000 + b"]" * 100_000, "huge-int": b'{"rows": [[' + b"7" * 6000 + b"]]}",
            "array": b"[]", "columns-wrong": canonical_json({"columns": ["x"], "rows": []}),
            "rows-dict": canonical_json({"columns": _table(members, name)["columns"], "rows": {}}),
            "row-short": canonical_json({"columns": _table(members, name)["columns"], "rows": [[1]]}),
            "nan": members[name].replace(b'"rows":[[', b'"rows":[[NaN,', 1),
        }.items():
            yield Crafted(f"records-{short}-{label}", _signed_table(members, name, body), invalid)
        table = _table(members, name)
        if not table["rows"]:
            continue
        for label, value in {"dict": {"$ne": 1}, "list": [1, 2], "deep": _nested(500), "int-huge": 10**30,
                             "int-64": 2**63, "float-inf": 1e308 * 10, "bool": True}.items():
            changed = _table(members, name)
            column = 1 if name != WORKERS else 2  # the second value (a name for the workers)
            changed["rows"][0][column] = value
            body = json.dumps(changed, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
            yield Crafted(f"records-{short}-cell-{label}", _signed_table(members, name, body), invalid)
    for label, change in _record_changes().items():
        if f"records-{label}" in skip:
            continue
        changed = dict(members)
        for name, edit in change:
            table = _table(changed, name)
            edit(table)
            changed[name] = json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        yield Crafted(f"records-{label}", reseal(resign(changed)), invalid)


def _column(name: str, column: str) -> int:
    from desktop.core.batch import TABLE_COLUMNS

    return TABLE_COLUMNS[name].index(column)


def _set(name: str, column: str, value: Any, row: int = 0) -> tuple[str, Callable[[dict[str, Any]], None]]:
    def edit(table: dict[str, Any]) -> None:
        table["rows"][row][_column(name, column)] = value() if callable(value) else value
    return name, edit


def _record_changes() -> dict[str, list[tuple[str, Callable[[dict[str, Any]], None]]]]:
    def duplicate_first(table: dict[str, Any]) -> None:
        table["rows"].append(list(table["rows"][0]))

    def drop_rows(table: dict[str, Any]) -> None:
        table["rows"] = []

    return {
        "worker-of-no-enterprise": [_set(WORKERS, "enterprise_ref", 999_999)],
        "worker-id-short": [_set(WORKERS, "id_number", "22240119900101")],
        "worker-id-number": [_set(WORKERS, "id_number", 222401199001011234)],
        "worker-name-long": [_set(WORKERS, "name", "张" * 51)],
        "worker-name-huge": [_set(WORKERS, "name", lambda: _noise(1_000_000))],
        "enterprise-name-long": [_set(ENTERPRISES, "name", "企" * 101)],
        "enterprise-name-empty": [_set(ENTERPRISES, "name", "")],
        "application-of-no-enterprise": [_set(APPLICATIONS, "enterprise_ref", 424242)],
        "application-ref-text": [_set(APPLICATIONS, "ref", "1")],
        "decision-of-no-application": [_set(DECISIONS, "application_ref", 31337)],
        "decision-payload-other": [_set(DECISIONS, "payload", '{"schema":"other/1"}')],
        "decision-payload-deep": [_set(DECISIONS, "payload", "[" * 100_000 + "]" * 100_000)],
        "letter-content-deep": [_set(LETTERS, "content", '{"a":' * 50_000 + "1" + "}" * 50_000)],
        "letter-content-huge-int": [_set(LETTERS, "content", '{"x":' + "9" * 6000 + "}")],
        "letter-content-not-json": [_set(LETTERS, "content", "{nope")],
        "letter-digest": [_set(LETTERS, "digest", "f" * 64)],
        "letter-pdf-unlisted": [_set(LETTERS, "pdf", "letters/none.pdf")],
        "letter-pdf-climbs": [_set(LETTERS, "pdf", "../../x.pdf")],
        "user-ref-duplicate": [(USERS, duplicate_first)],
        "enterprise-ref-duplicate": [(ENTERPRISES, duplicate_first)],
        "counts-differ": [(WORKERS, drop_rows)],
        "user-name-dict": [_set(USERS, "username", {"a": 1})],
    }


def _sequence(sound: bytes, members: Members) -> Iterator[Crafted]:
    """For a province that has accepted ``sound`` already."""
    yield Crafted("replayed-copy", sound, _one("replayed"))
    yield Crafted("replayed-re-encrypted", reseal(members), _one("replayed"))
    yield Crafted("older-sequence", reseal(resign(members, batch_id="0f0e0d0c-0b0a-4908-8706-050403020100")),
                  _one("older_sequence"))


# --------------------------------------------------------------------------
# A province that accepted the sound batch, and a run over the variants


@dataclass(frozen=True)
class Setting:
    province: Path
    sound: bytes  # accepted by the province
    later: bytes  # the county's next batch, sound, not yet imported


def province_with_a_sound_batch(tmp: Path) -> Setting:
    """A county (applications issued the real way, letters with their content), a province that
    registered its key and accepted the county's first batch (two applications); the county's
    second batch (one more application) exported, not imported."""
    from desktop.services import batch_export, batch_import
    from desktop.services.accounts import sign_in

    county = factory.county_db(tmp / "county.sqlite3")
    province = factory.province_db(tmp / "province.sqlite3")
    factory.exchange_keys(county, province, tmp)
    ids = factory.issued_through_the_workflow(county, 3, 6)
    stick = tmp / "stick"
    stick.mkdir()
    with sign_in(county, "clerk", factory.PASSWORD) as ws:
        first = batch_export.export_batch(ws, stick, factory.PASSPHRASE, application_ids=ids[:2])
        second = batch_export.export_batch(ws, stick, factory.PASSPHRASE, application_ids=ids[2:])
    with sign_in(province, "clerk", factory.PASSWORD) as ws:
        [accepted] = batch_import.import_batches(ws, [first.path], factory.PASSPHRASE)
    assert accepted.accepted, accepted.message
    return Setting(province, first.path.read_bytes(), second.path.read_bytes())


def copy_setting(setting: Setting, tmp: Path) -> Setting:
    """The same province in a file of its own (SQLite's backup API), for one test to change."""
    import sqlite3

    target = tmp / "province.sqlite3"
    with sqlite3.connect(setting.province) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return Setting(target, setting.sound, setting.later)


def write_variants(folder: Path, variants: Iterable[Crafted]) -> dict[str, Crafted]:
    """Each variant as ``<n>-<name>.laoxie-batch.age`` in ``folder``; file name -> variant."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for index, variant in enumerate(variants):
        path = folder / f"{index:04d}-{variant.name}.laoxie-batch.age"
        with path.open("wb") as handle:
            handle.write(variant.data)
            if variant.sparse_size:
                handle.truncate(variant.sparse_size)
        written[path.name] = variant
    return written


def table_digests(path: Path) -> dict[str, str]:
    """SHA-256 of every table's rows, in rowid order (the audit log and quarantine included)."""
    from desktop.store import Store

    digests = {}
    with Store.open(path, create=False) as store:
        names = [r[0] for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for name in names:
            digest = hashlib.sha256()
            for row in store.conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid'):
                digest.update(repr(tuple(row)).encode("utf-8"))
            digests[name] = digest.hexdigest()
    return digests


@dataclass
class RunResult:
    outcomes: dict[str, Any]  # file name -> ImportOutcome
    wrong: list[str]  # "<file>: expected …, got …"
    by_reason: dict[str, int]
    changed_tables: list[str]  # tables that changed besides the quarantine's own rows
    seconds: float


# What a quarantine run may change: its own rows and audit entries, the backup taken first (and
# the row log of those, checked below to name only these tables).
QUARANTINE_TABLES = ("batch_quarantine", "audit_log", "settings", "row_log")


def run(setting: Setting, folder: Path, variants: Iterable[Crafted]) -> RunResult:
    """Import every variant as one folder (one call, as ``laoxie batch import FOLDER``)."""
    import time

    from desktop.services import batch_export, batch_import, batches
    from desktop.services.accounts import sign_in

    written = write_variants(folder, variants)
    with sign_in(setting.province, "clerk", factory.PASSWORD) as ws:  # (signing in records itself)
        before = table_digests(setting.province)
        settings_before = factory.table_rows(setting.province, "SELECT key, value FROM settings ORDER BY key")
        audit_from = int(factory.table_rows(setting.province, "SELECT max(id) FROM audit_log")[0][0])
        logged_from = int(factory.table_rows(setting.province, "SELECT coalesce(max(id), 0) FROM row_log")[0][0])
        started = time.perf_counter()
        found = batches.batch_files_in(folder)
        outcomes = batch_import.import_batches(ws, found, factory.PASSPHRASE)
    seconds = time.perf_counter() - started
    by_file = {o.path.name: o for o in outcomes}
    wrong, by_reason = [], {}
    for name, variant in written.items():
        outcome = by_file.get(name)
        got = (outcome.status, outcome.reason_codes[:1]) if outcome else ("missing", ())
        if outcome is None or outcome.status != "quarantined" or outcome.reason_codes[0] not in variant.reasons:
            wrong.append(f"{name}: expected {sorted(variant.reasons)}, got {got} {outcome.message if outcome else ''}"[:400])
        if outcome is not None and outcome.reason_codes:
            by_reason[outcome.reason_codes[0]] = by_reason.get(outcome.reason_codes[0], 0) + 1
    after = table_digests(setting.province)
    changed = [t for t in after if after[t] != before.get(t) and t not in QUARANTINE_TABLES]
    settings_after = factory.table_rows(setting.province, "SELECT key, value FROM settings ORDER BY key")
    if [r for r in settings_after if r[0] != "backup.last_good"] != [r for r in settings_before
                                                                      if r[0] != "backup.last_good"]:
        changed.append("settings")
    actions = {r[0] for r in factory.table_rows(
        setting.province, "SELECT action FROM audit_log WHERE id > ?", (audit_from,))}
    if actions - {"user.login", "db.backup", "batch.quarantine"}:
        changed.append(f"audit_log: {sorted(actions)}")
    logged = {r[0] for r in factory.table_rows(setting.province, "SELECT tbl FROM row_log WHERE id > ?", (logged_from,))}
    changed += [f"row_log: {t}" for t in sorted(logged - set(QUARANTINE_TABLES))]
    quarantined = factory.table_rows(setting.province, "SELECT count(*) FROM batch_quarantine")[0][0]
    if quarantined != len(written):
        changed.append(f"batch_quarantine: {quarantined} rows for {len(written)} files")
    return RunResult(by_file, wrong, dict(sorted(by_reason.items())), changed, seconds)
