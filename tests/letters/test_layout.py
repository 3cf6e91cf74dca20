"""Setting lines: the grid measure, 避头尾, Latin runs kept whole, justification, keeping the seal with text."""

from __future__ import annotations

import pytest

from desktop.core.letter_words import Run
from desktop.letters import fontset
from desktop.letters.layout import Typesetter
from desktop.letters.letter_rows import Row, blank, paginate
from desktop.letters.page import BLOCK_W, BODY_SIZE, CHAR_PITCH, LINES, SPACING

ROLES = {"body": "fangsong"}


@pytest.fixture(scope="module")
def ts() -> Typesetter:
    return Typesetter(fontset())


def lines(ts: Typesetter, text: str, width: float = BLOCK_W) -> list[str]:
    return [line.text for line in ts.set_runs([Run("body", text)], ROLES, BODY_SIZE, SPACING, width, width)]


def test_28_chinese_characters_fill_a_line(ts: Typesetter) -> None:
    text = "劳" * 28 + "协" * 28 + "确认"
    set_lines = ts.set_runs([Run("body", text)], ROLES, BODY_SIZE, SPACING, BLOCK_W, BLOCK_W)
    assert [len(line.text) for line in set_lines] == [28, 28, 2]
    assert set_lines[0].width == pytest.approx(BLOCK_W, abs=1e-6)
    assert set_lines[-1].width == pytest.approx(2 * CHAR_PITCH, abs=1e-6)  # the last line is not stretched


def test_closing_punctuation_never_starts_a_line(ts: Typesetter) -> None:
    squeezed = ts.set_runs([Run("body", "甲" * 28 + "，乙。")], ROLES, BODY_SIZE, SPACING, BLOCK_W, BLOCK_W)
    assert [line.text for line in squeezed] == ["甲" * 28 + "，", "乙。"]  # one comma squeezed in
    assert squeezed[0].width == pytest.approx(BLOCK_W, abs=1e-6) and squeezed[0].pieces[0].char_space < SPACING
    assert lines(ts, "甲" * 28 + "”）。乙") == ["甲" * 27, "甲”）。乙"]  # three would be too many
    assert not any(line[0] in "，。）" for line in lines(ts, ("甲" * 27 + "）。") * 3))


def test_opening_punctuation_never_ends_a_line(ts: Typesetter) -> None:
    result = lines(ts, "甲" * 27 + "（乙）")
    assert result == ["甲" * 27, "（乙）"]
    assert lines(ts, "甲" * 26 + "的≈1.73%")[0][-1] != "≈"


def test_a_short_latin_run_is_kept_whole(ts: Typesetter) -> None:
    code = "91222401RWG3G6CBGX"
    result = lines(ts, "甲" * 20 + code)
    assert result == ["甲" * 20, code]
    long = "labor-coop-2022@1+paired-areas@2022.1+min-wage-jilin@2024.1+lpr@2025-05-20+size"
    broken = lines(ts, "版本：" + long)
    assert "".join(broken) == "版本：" + long and all(line[-1] in "+@" for line in broken[:-1])


def test_justified_lines_share_the_extra_space(ts: Typesetter) -> None:
    set_lines = ts.set_runs([Run("body", "甲" * 27 + "（乙）")], ROLES, BODY_SIZE, SPACING, BLOCK_W, BLOCK_W)
    first = set_lines[0]
    assert len(first.text) == 27 and first.width == pytest.approx(BLOCK_W, abs=1e-6)
    assert first.pieces[0].char_space > SPACING


def test_runs_in_several_roles(ts: Typesetter) -> None:
    runs = [Run("sub", "（一）适用标准。"), Run("body", "按正常标准。")]
    set_lines = ts.set_runs(runs, {"sub": "kaiti", "body": "fangsong"}, BODY_SIZE, SPACING, BLOCK_W, BLOCK_W)
    assert set_lines[0].text == "（一）适用标准。按正常标准。"


def rows(*kinds: str) -> list[Row]:
    return [blank() if k == "blank" else Row(k, [(0.0, None)], keep_next=k == "heading") for k in kinds]  # type: ignore[list-item]


def test_the_signature_block_takes_the_last_lines_of_text_with_it() -> None:
    body = rows(*(["body"] * 18))
    tail = rows("blank", "annex_note", "blank", "blank", "signature", "date")
    pages = paginate(body + tail, signature_at=len(body) + 2)
    assert [len(p) for p in pages] == [16, 8]
    assert [r.kind for r in pages[1]] == ["body", "body", "blank", "annex_note", "blank", "blank", "signature",
                                          "date"]


def test_a_heading_is_not_left_at_the_foot_of_a_page() -> None:
    body = rows(*(["body"] * 21 + ["heading"] + ["body"] * 3))
    tail = rows("blank", "annex_note", "blank", "blank", "signature", "date")
    pages = paginate(body + tail, signature_at=len(body) + 2)
    assert pages[0][-1].kind == "body" and pages[1][0].kind == "heading"
    assert all(len(p) <= LINES for p in pages)


def test_no_page_starts_with_a_blank_line() -> None:
    body = rows(*(["body"] * 22 + ["blank"] + ["body"] * 4))
    tail = rows("blank", "annex_note", "blank", "blank", "signature", "date")
    pages = paginate(body + tail, signature_at=len(body) + 2)
    assert all(not p[0].blank for p in pages)
