"""Reading roster files: formats, encodings, and a clear message for every broken file."""

from __future__ import annotations

import codecs
import datetime
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from desktop.core.roster import RosterError, find_header
from desktop.rosters.reader import RosterFile, decode_text
from tests.conftest import DATA
from tests.roster_factory import RosterSpec, build, write_csv, write_encrypted_xlsx, write_xlsx

SAMPLES = DATA


def test_the_clean_sample_reads_with_real_dates() -> None:
    rf = RosterFile.open(SAMPLES / "roster_clean.xlsx")
    assert rf.kind == "xlsx" and len(rf.sha256) == 64
    assert [s.name for s in rf.sheets()] == ["名册"]
    rows = list(rf.sheet().rows())
    assert rows[0][3] == "公民身份号码" and rows[1][7] == datetime.date(2025, 1, 27)


def test_the_messy_sample_keeps_row_numbers_and_merged_cells() -> None:
    sheet = RosterFile.open(SAMPLES / "roster_messy.xlsx").sheet()
    rows = sheet.head(50)
    assert rows[0][0] == "劳务协作地区就业人员名册" and rows[2][0] == "编号"
    assert sheet.merged == [((0, 0), (0, 10))]
    assert isinstance(rows[14][3], float)  # the ID saved as a number


def test_the_gb18030_csv_sample() -> None:
    rf = RosterFile.open(SAMPLES / "roster_gb18030.csv")
    assert (rf.kind, rf.encoding) == ("csv", "gb18030")
    rows = list(rf.sheet().rows())
    assert rows[0][:4] == ["序号", "姓名", "性别", "身份证号"] and len(rows) == 13


@pytest.mark.parametrize(("encoding", "delimiter", "found"), [
    ("utf-8", ",", "utf-8"), ("utf-8-sig", ",", "utf-8-sig"), ("gb18030", ",", "gb18030"), ("gbk", ",", "gb18030"),
    ("utf-16", "\t", "utf-16"), ("utf-8", ";", "utf-8"),
])
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str, found: str) -> None:
    built = build(RosterSpec(workers=5, seed=3))
    path = write_csv(tmp_path / "r.csv", built, encoding=encoding, delimiter=delimiter)
    rf = RosterFile.open(path)
    assert rf.encoding == found
    rows = list(rf.sheet().rows())
    layout = find_header(rows)
    assert layout is not None and len(rows) == 6
    assert rows[1][1] == built.grid[1][1]


def test_a_renamed_file_is_read_by_its_content(tmp_path: Path) -> None:
    built = build(RosterSpec(workers=3))
    xlsx = write_xlsx(tmp_path / "r.xlsx", built)
    renamed = tmp_path / "r.xls"
    shutil.copy(xlsx, renamed)
    assert RosterFile.open(renamed).kind == "xlsx"
    text = write_csv(tmp_path / "r.txt", built, encoding="utf-8")
    assert RosterFile.open(text).kind == "csv"


def corrupt_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = write_xlsx(tmp_path / "good.xlsx", build(RosterSpec(workers=20)))
    data = good.read_bytes()
    files: dict[str, tuple[Path, str]] = {}

    def add(name: str, content: bytes, code: str) -> None:
        path = tmp_path / name
        path.write_bytes(content)
        files[name] = (path, code)

    add("truncated.xlsx", data[: len(data) // 2], "roster_file_corrupt")
    add("random.xlsx", bytes(range(256)) * 40, "roster_file_corrupt")
    add("empty.xlsx", b"", "roster_file_empty")
    add("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "roster_file_html")
    add("spreadsheetml.xls", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
        "roster_file_html")
    add("word.docx", data, "roster_file_corrupt")  # a zip that is no workbook is caught on reading; see below
    add("notes.pdf", b"%PDF-1.4 not a roster", "roster_file_format")
    add("binary.csv", b"\xff\xfe\xfd" + bytes(range(128, 256)) * 4, "roster_csv_encoding")
    add("bad_cfb.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "roster_file_corrupt")
    add("bad_cfb.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "roster_file_encrypted")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    add("zip.xlsx", zipped.getvalue(), "roster_file_corrupt")
    del files["word.docx"]
    write_encrypted_xlsx(tmp_path / "locked.xlsx")
    files["locked.xlsx"] = (tmp_path / "locked.xlsx", "roster_file_encrypted")
    return files


def test_every_broken_file_gets_a_clear_message(tmp_path: Path) -> None:
    for name, (path, code) in corrupt_files(tmp_path).items():
        with pytest.raises(RosterError) as caught:
            rf = RosterFile.open(path)
            rf.sheets()
            list(rf.sheet().rows())
        assert caught.value.code == code, name
        message = str(caught.value)
        assert str(path) in message and "Traceback" not in message
        assert caught.value.problem.code == code


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(RosterError) as caught:
        RosterFile.open(tmp_path / "nope.xlsx")
    assert caught.value.code == "roster_file_missing"
    with pytest.raises(RosterError) as caught:
        RosterFile.open(tmp_path)
    assert caught.value.code in ("roster_file_format", "roster_file_unreadable")


def test_sheets_empty_hidden_and_missing(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    empty = workbook.active
    assert empty is not None
    empty.title = "说明"
    hidden = workbook.create_sheet("旧名册")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    roster = workbook.create_sheet("名册")
    roster["A1"] = "姓名"
    path = tmp_path / "w.xlsx"
    workbook.save(path)
    rf = RosterFile.open(path)
    assert [(s.name, s.visible) for s in rf.sheets()] == [("说明", True), ("旧名册", False), ("名册", True)]
    assert rf.sheet("说明").height == 0 and list(rf.sheet("说明").rows()) == []
    with pytest.raises(RosterError) as caught:
        rf.sheet("Sheet9")
    assert caught.value.code == "roster_sheet_not_found" and "名册" in str(caught.value)


def test_a_closed_file_reopens_from_its_bytes(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", build(RosterSpec(workers=3)))
    rf = RosterFile.open(path)
    first = list(rf.sheet().rows())
    rf.close()
    path.unlink()
    assert list(rf.sheet().rows()) == first


def test_decode_text_prefers_a_bom() -> None:
    assert decode_text(Path("x.csv"), codecs.BOM_UTF8 + "名册".encode()) == ("名册", "utf-8-sig")
    assert decode_text(Path("x.csv"), "名册".encode("gb18030"))[1] == "gb18030"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice makes the .xls")
def test_an_old_xls_from_libreoffice(tmp_path: Path) -> None:
    source = tmp_path / "messy.xlsx"
    shutil.copy(SAMPLES / "roster_messy.xlsx", source)
    subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    rf = RosterFile.open(tmp_path / "messy.xls")
    assert rf.kind == "xls"
    rows = rf.sheet().head(50)
    layout = find_header(rows, merged=rf.sheet().merged)
    assert layout is not None and layout.header_row == 2
    assert isinstance(rows[14][3], float)


def test_a_native_panic_is_the_chinese_message_with_sheet_and_row(tmp_path: Path) -> None:
    """A date cell of -1e12 panics python-calamine (a BaseException past every ``except Exception``)."""
    import python_calamine

    from tests.roster_factory import NEGATIVE_DATE_ROW, panicking_xlsx

    path = panicking_xlsx(tmp_path / "negative-date.xlsx")
    with pytest.raises(BaseException) as raw:  # the reader below has to cope with exactly this
        list(python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())
    assert not isinstance(raw.value, Exception)
    with pytest.raises(RosterError) as caught:
        list(RosterFile.open(path).sheet().rows())
    assert caught.value.code == "roster_cell_unreadable"
    assert caught.value.params["sheet"] == "名册" and caught.value.params["row"] == NEGATIVE_DATE_ROW
    text = str(caught.value)
    assert "第 4 行" in text and "名册" in text and "TimeDelta" not in text and "Panic" not in text


def test_a_panic_on_the_service_path_writes_nothing(office_db: Path, tmp_path: Path) -> None:
    from desktop.core.enterprise import EnterpriseDraft
    from desktop.services import rosters as svc
    from desktop.services.accounts import sign_in
    from desktop.services.enterprises import add_enterprise
    from tests.conftest import PASSWORD
    from tests.roster_factory import panicking_xlsx

    ws = sign_in(office_db, "clerk", PASSWORD)
    try:
        enterprise = add_enterprise(ws, EnterpriseDraft(
            name="延吉市甲食品有限公司", uscc="91110000600037341L", county_code="222401", industry="other",
            staff_total=40,
        ))
        before = ws.store.table_counts()
        with pytest.raises(RosterError) as caught:
            svc.prepare_import(ws, enterprise.id, panicking_xlsx(tmp_path / "n.xlsx"),
                               today=datetime.date(2026, 11, 24))
        assert caught.value.code == "roster_cell_unreadable"
        assert ws.store.table_counts() == before
    finally:
        ws.close()


def test_stopping_early_is_no_error(tmp_path: Path) -> None:
    """Closing the rows generator (a consumer that stops) is not a broken file."""
    sheet = RosterFile.open(write_xlsx(tmp_path / "r.xlsx", build(RosterSpec(workers=5)))).sheet()
    rows = sheet.rows()
    assert next(rows)
    rows.close()
    assert sheet.head(2) and len(list(sheet.rows())) == 6


def test_a_cell_in_the_last_row_and_column_is_refused_not_allocated(tmp_path: Path) -> None:
    """python-calamine holds every cell of the sheet's extent: one cell in XFD1048576 asked for
    512 GiB and aborted the whole process (a window would vanish). Run in a child process so that
    an abort is a failed test, not a dead test run."""
    import sys

    path = write_xlsx(tmp_path / "far.xlsx", build(RosterSpec(workers=3)))
    source = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                          b"<is><t>end</t></is></c></row></sheetData>")
            target.writestr(item, content)
    source.close()
    path.write_bytes(out.getvalue())
    script = (
        "import sys\nfrom desktop.core.roster import RosterError\nfrom desktop.rosters.reader import RosterFile\n"
        "try:\n    RosterFile.open(sys.argv[1]).sheet()\nexcept RosterError as exc:\n"
        "    print(exc.code, exc.params['rows'], exc.params['columns'])\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "RUST_BACKTRACE": "0"})
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split() == ["roster_sheet_too_large", "1048576", "16384"]
