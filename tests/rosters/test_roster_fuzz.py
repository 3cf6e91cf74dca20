"""Random and corrupted workbooks: a clear RosterError or a clean result, never a crash, nothing written."""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.enterprise import EnterpriseDraft
from desktop.core.roster import RosterError
from desktop.rosters.reader import RosterFile
from desktop.services import roster_commit
from desktop.services import rosters as svc
from desktop.services.accounts import sign_in
from desktop.services.enterprises import add_enterprise
from desktop.services.workspace import Workspace
from tests.conftest import PASSWORD
from tests.roster_factory import RosterSpec, build, encrypted_xlsx_bytes, write_csv, write_xlsx

# LAOXIE_FUZZ_EXAMPLES=2000 for a long run; the suite's default keeps it to seconds.
FUZZ = settings(max_examples=int(os.environ.get("LAOXIE_FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture
def office(office_db: Path) -> Iterator[tuple[Workspace, int]]:
    ws = sign_in(office_db, "clerk", PASSWORD)
    enterprise = add_enterprise(ws, EnterpriseDraft(
        name="延吉市甲食品有限公司", uscc="91110000600037341L", county_code="222401", industry="other", staff_total=40,
    ))
    yield ws, enterprise.id
    ws.close()


def try_import(ws: Workspace, enterprise_id: int, path: Path) -> None:
    """Preview (and commit when it works); the only exception allowed is RosterError, with nothing written."""
    before = ws.store.table_counts()
    head = ws.store.audit_chain_head()
    try:
        preview = svc.prepare_import(ws, enterprise_id, path, today=datetime.date(2026, 11, 24))
    except RosterError as exc:
        assert exc.code.startswith("roster_") and str(exc)
        assert ws.store.table_counts() == before and ws.store.audit_chain_head() == head
        return
    assert ws.store.table_counts() == before
    if preview.unchanged_since is None:
        assert preview.counts["rows"] == len(preview.rows) > 0
    else:  # the last import's file again (the same example drawn twice): its rows with a problem, as recorded
        assert preview.counts["rows"] > 0 and all(r.problems for r in preview.rows)
        assert preview.counts["refused"] == sum(r.status != "valid" for r in preview.rows)
    for record in preview.problem_records():
        assert record["message"] and record["row"] >= 1
    roster_commit.commit_import(ws, preview)


CELL = st.one_of(
    st.none(), st.text(max_size=20), st.integers(-(10**18), 10**18), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.dates(datetime.date(1900, 1, 1), datetime.date(2200, 1, 1)),
    st.sampled_from(["姓名", "身份证号", "户籍地", "合同起止日期", "合计", "延吉市", "2026.1.1-2027.1.1", "长期",
                     "222401199001011230", "男", "=1+1"]),
)


@FUZZ
@given(st.lists(st.lists(CELL, max_size=12), max_size=25))
def test_random_cells(office: tuple[Workspace, int], tmp_path_factory: pytest.TempPathFactory,
                      grid: list[list[object]]) -> None:
    clean = [[("'" + v if isinstance(v, str) and v.startswith("=") else v) for v in row] for row in grid]
    clean = [[v for v in row if not (isinstance(v, str) and any(ord(c) < 32 and c not in "\t\n\r" for c in v))]
             for row in clean]
    path = write_xlsx(tmp_path_factory.mktemp("fuzz") / "r.xlsx", clean)
    try_import(*office, path)


@FUZZ
@given(st.lists(st.lists(CELL, max_size=12), max_size=25), st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))
def test_random_csv(office: tuple[Workspace, int], tmp_path_factory: pytest.TempPathFactory,
                    grid: list[list[object]], encoding: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "r.csv"
    try:
        write_csv(path, grid, encoding=encoding)
    except UnicodeEncodeError:
        return
    try_import(*office, path)


def _good_workbook() -> bytes:
    buffer = io.BytesIO()
    built = build(RosterSpec(workers=15, headers="messy", title=True, closing=True,
                             quirks={2: "numeric_id", 5: "bad_check"}))
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in built.grid:
        sheet.append([None if v == "" else v for v in row])
    workbook.save(buffer)
    return buffer.getvalue()


GOOD = _good_workbook()


@FUZZ
@given(st.integers(0, len(GOOD) - 1))
def test_truncated_workbooks(office: tuple[Workspace, int], tmp_path_factory: pytest.TempPathFactory,
                             cut: int) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "r.xlsx"
    path.write_bytes(GOOD[:cut])
    try_import(*office, path)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), min_size=1, max_size=30))
def test_corrupted_bytes(office: tuple[Workspace, int], tmp_path_factory: pytest.TempPathFactory,
                         flips: list[tuple[int, int]]) -> None:
    data = bytearray(GOOD)
    for offset, value in flips:
        data[offset] = value
    path = tmp_path_factory.mktemp("fuzz") / "r.xlsx"
    path.write_bytes(bytes(data))
    try_import(*office, path)


@FUZZ
@given(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml",
                        "[Content_Types].xml"]),
       st.binary(max_size=300))
def test_corrupted_parts_inside_a_valid_zip(office: tuple[Workspace, int], tmp_path_factory: pytest.TempPathFactory,
                                            part: str, junk: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(GOOD))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part:
                content = content[: len(content) // 2] + junk
            target.writestr(item, content)
    path = tmp_path_factory.mktemp("fuzz") / "r.xlsx"
    path.write_bytes(out.getvalue())
    try_import(*office, path)


@FUZZ
@given(st.binary(max_size=4000), st.sampled_from([".xlsx", ".xls", ".csv", ".ods", ".txt"]),
       st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf"]))
def test_random_bytes_under_any_name(office: tuple[Workspace, int], tmp_path_factory: pytest.TempPathFactory,
                                     data: bytes, suffix: str, magic: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"r{suffix}"
    path.write_bytes(magic + data)
    try_import(*office, path)


def test_encrypted_workbook_under_any_spreadsheet_name(office: tuple[Workspace, int], tmp_path: Path) -> None:
    for suffix in (".xlsx", ".xls", ".xlsm"):
        path = tmp_path / f"locked{suffix}"
        path.write_bytes(encrypted_xlsx_bytes())
        with pytest.raises(RosterError) as caught:
            RosterFile.open(path)
        assert caught.value.code == "roster_file_encrypted"
        try_import(*office, path)


@FUZZ
@given(st.integers(0, 10**6))
def test_mutated_rosters_of_every_kind(office: tuple[Workspace, int], tmp_path_factory: pytest.TempPathFactory,
                                       seed: int) -> None:
    """tests/roster_mutations.py (byte flips, ZIP parts, extreme sheet XML, giant cells, weird dates,
    formulas, CSV encodings, random bytes); bench/bench_roster_fuzz.py runs 2,000 with a timeout each."""
    from tests.roster_mutations import mutant

    made = mutant(seed)
    path = tmp_path_factory.mktemp("fuzz") / f"m{made.suffix}"
    path.write_bytes(made.data)
    try_import(*office, path)
