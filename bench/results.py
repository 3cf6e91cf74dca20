"""The figures every bench script reports, and the one table `make bench` ends with.

A bench script measures a path (ours) and, where one exists, its floor (the same work
done by the plainest standard tool) alternately in one run, and calls ``record`` once per
path: the line is printed and, when ``LAOXIE_BENCH_RESULTS`` names a file, appended to it
as JSON.  ``bench/run_all.py`` runs every script with that variable set and prints the
table (path, ours, floor, ratio, goal, ok) from the file.

A goal is a ratio to the floor (``goal_ratio``), an absolute figure (``goal_value``, in
the path's unit) or both; ``ok`` holds when every given goal is met.  A path recorded
with neither is a figure reported apart (the passphrase unlock, for instance).

``quick()`` is true when the runner asks for the quick size (the default of `make bench`);
a script then measures a smaller case and says so in its path name.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

RESULTS_ENV = "LAOXIE_BENCH_RESULTS"
SIZE_ENV = "LAOXIE_BENCH_SIZE"


def quick() -> bool:
    return os.environ.get(SIZE_ENV, "full") == "quick"


@dataclass(frozen=True)
class Result:
    path: str
    ours: float
    unit: str = "s"
    floor: float | None = None
    goal_ratio: float | None = None
    goal_value: float | None = None
    script: str = ""

    @property
    def ratio(self) -> float | None:
        return self.ours / self.floor if self.floor else None

    @property
    def ok(self) -> bool | None:
        if self.goal_ratio is None and self.goal_value is None:
            return None
        ratio_ok = self.goal_ratio is None or (self.ratio is not None and self.ratio <= self.goal_ratio)
        value_ok = self.goal_value is None or self.ours <= self.goal_value
        return ratio_ok and value_ok

    @property
    def goal(self) -> str:
        parts = []
        if self.goal_ratio is not None:
            parts.append(f"≤ {self.goal_ratio:g}×")
        if self.goal_value is not None:
            parts.append(f"≤ {self.goal_value:g} {self.unit}")
        return ", ".join(parts) or "(apart)"


def record(path: str, ours: float, *, unit: str = "s", floor: float | None = None,
           goal_ratio: float | None = None, goal_value: float | None = None) -> Result:
    """Print one measured path and append it to the results file when there is one."""
    import __main__

    script = os.path.basename(getattr(__main__, "__file__", "") or "")
    result = Result(path, ours, unit, floor, goal_ratio, goal_value, script)
    print(f"RESULT {row(result)}", flush=True)
    target = os.environ.get(RESULTS_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
    return result


def alternate(ours: Callable[[], float], floor: Callable[[], float], runs: int) -> tuple[float, float]:
    """Medians of ``runs`` alternated calls (ours, floor, ours, floor …); each call returns its
    own measured seconds (or any figure), so set-up inside a call can be left out of it."""
    mine, theirs = [], []
    for _ in range(runs):
        mine.append(ours())
        theirs.append(floor())
    return statistics.median(mine), statistics.median(theirs)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _figure(value: float | None, unit: str) -> str:
    if value is None or value != value:  # none, or nan (a script that recorded nothing)
        return "-"
    if value == int(value) and unit not in ("s", "ms", "MB"):  # counts and exit statuses
        return f"{int(value)} {unit}"
    digits = 3 if unit == "s" and value < 1 else 2 if unit == "s" else 1
    return f"{value:.{digits}f} {unit}"


HEADER = ("path", "ours", "floor", "ratio", "goal", "ok")


def _cells(result: Result) -> tuple[str, ...]:
    ratio = f"{result.ratio:.2f}×" if result.ratio is not None else "-"
    ok = {True: "yes", False: "NO", None: "-"}[result.ok]
    return (result.path, _figure(result.ours, result.unit), _figure(result.floor, result.unit), ratio,
            result.goal, ok)


def row(result: Result) -> str:
    return " | ".join(_cells(result))


def table(results: list[Result]) -> str:
    """A Markdown table (readable as plain text too) of the results in the order given."""
    rows = [HEADER, *(_cells(r) for r in results)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def load(path: str) -> list[Result]:
    with open(path, encoding="utf-8") as lines:
        return [Result(**json.loads(line)) for line in lines if line.strip()]
