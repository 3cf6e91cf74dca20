"""bench/results.py: the rows every bench script records and the one table `make bench` prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.results import RESULTS_ENV, Result, load, record, table


def test_a_ratio_goal_and_a_value_goal_are_both_judged() -> None:
    assert Result("p", 2.0, floor=1.0, goal_ratio=2.0).ok is True
    assert Result("p", 2.01, floor=1.0, goal_ratio=2.0).ok is False
    assert Result("p", 15.0, goal_value=15.0).ok is True
    assert Result("p", 15.1, goal_value=15.0).ok is False
    assert Result("p", 1.0, floor=0.4, goal_ratio=3.0, goal_value=0.9).ok is False  # ratio met, value not
    assert Result("p", 1.0, floor=1.0).ok is None  # reported apart
    assert Result("p", 1.0, goal_ratio=2.0).ok is False  # a ratio goal without a floor is not met


def test_recorded_rows_come_back_as_one_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "results.jsonl"
    monkeypatch.setenv(RESULTS_ENV, str(target))
    record("letters: 500 in one PDF", 3.0, floor=2.0, goal_ratio=2.0)
    record("laoxie check peak", 320.0, unit="MB", goal_value=300.0)
    record("fuzz failures", 0.0, unit="files", goal_value=0)
    rows = load(str(target))
    assert [json.loads(line)["path"] for line in target.read_text(encoding="utf-8").splitlines()] == [
        "letters: 500 in one PDF", "laoxie check peak", "fuzz failures"]
    lines = table(rows).splitlines()
    assert [cell.strip() for cell in lines[0].split("|")[1:-1]] == ["path", "ours", "floor", "ratio", "goal", "ok"]
    assert "| 1.50× " in lines[2] and lines[2].rstrip().endswith("| yes |")
    assert "320.0 MB" in lines[3] and lines[3].rstrip().endswith("| NO  |")
    assert "| 0 files " in lines[4] and "≤ 0 files" in lines[4]
