"""Letters (issue 15 item 3): 500 confirmation letters with 40-worker annexes, against a plain
reportlab floor, and ``print_all`` through the services in <= 15 s.

Ours: ``render_letters`` (500 letters in one PDF, what a run sends to the printer) and
``render_letter`` 500 times (one file each, what a batch carries), typesetting included.
The floor: a plain reportlab program drawing the very same pages (every string at the
position our layout recorded, in the same registered TrueType fonts with their subsets, the
table rules, the red line, the QR code made by segno) with reportlab's public text-object
API and nothing else: no line breaking, no pagination, no measuring.  Ours and the floor run
alternately (ours, floor, ours, floor …) and the medians are compared; goal <= 2×.

Then an office file with 500 approved applications: ``letters.print_all`` issues 500 letters
(a number each, the original drawn once and kept) and joins the kept originals into the one
file printed; goal <= 15 s.  Checked on the way (each a row of the table): every letter is
drawn once in that run, and each font file is parsed once a process (reportlab's TrueType
tables are read when a font is first loaded, not per letter).

The first letter of a process (the window's first print, a command line run): each run is a
new process timing ``fontset()`` and the first ``render_letter``, with the fonts' survey an
earlier run of the program kept in the user's cache folder (a first run ever opens every
font it finds, printed apart); goals: the font set <= 0.1 s, font set + first drawing <= 0.3 s
(the fonts' tables kept too; 0.55 s here before either was kept).

The quick size (make bench) is 100 letters, with the print_all goal scaled to 3 s.
The data are synthetic.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import alternate, quick, record  # noqa: E402
from desktop.core.letter import LetterContent  # noqa: E402
from desktop.letters import LetterPrint, fontset, render_letter, render_letters  # noqa: E402
from desktop.letters import fonts as letter_fonts  # noqa: E402
from desktop.letters import page as letter_page  # noqa: E402
from desktop.letters import pdf as letter_pdf  # noqa: E402
from tests.letters.cases import add_case, sample_content  # noqa: E402

LETTERS = 100 if quick() else 500
WORKERS = 40
RUNS = 3
GOAL_RATIO = 2.0
GOAL_PRINT_ALL_S = 15.0 * LETTERS / 500
FIRST_RUNS = 5
GOAL_FIRST_FONTSET_S = 0.1
GOAL_FIRST_LETTER_S = 0.3
PASSWORD = "bench-letters-1"


def contents() -> list[LetterContent]:
    base = sample_content(WORKERS)
    made = []
    for seq in range(1, LETTERS + 1):
        annex = tuple(replace(row, name=row.name[:1] + "氏"[: seq % 2] + row.name[1:]) for row in base.annex)
        made.append(replace(base, seq=seq, number=f"延吉人社劳协确〔2026〕{seq}号",
                            enterprise_name=f"延吉市第{seq}食品有限公司", annex=annex))
    return made


def prints(items: list[LetterContent]) -> list[LetterPrint]:
    return [LetterPrint(c, c.verification_code(), c.qr_payload()) for c in items]


# -- the floor: the same pages drawn by a plain reportlab program --------------------------


def _floor_page(canvas: object, page: letter_pdf.PageLayout, payload: str) -> None:
    import segno
    from reportlab.pdfgen.canvas import Canvas

    assert isinstance(canvas, Canvas)
    text = canvas.beginText()
    for item in page.items:
        if item.font:
            text.setFont(item.font, item.size)
            text.setCharSpace(item.char_space)
            text.setTextOrigin(item.x, item.y)
            text.textOut(item.text)
    canvas.drawText(text)
    left, right = letter_page.LEFT_MARGIN, letter_page.BLOCK_RIGHT
    lines = [(left, y, right, y) for y in page.table_rows]
    for top, bottom in zip(page.table_rows, page.table_rows[1:]):
        x = left
        for width in letter_page.TABLE_WIDTHS_MM:
            lines.append((x, top, x, bottom))
            x += width * letter_page.MM
        lines.append((right, top, right, bottom))
    if lines:
        canvas.setLineWidth(0.6)
        canvas.lines(lines)
    for kind, y in page.rules:
        canvas.setStrokeColorRGB(*(letter_page.RED if kind == "red" else (0, 0, 0)))
        canvas.line(left, y, right, y)
    canvas.setStrokeColorRGB(0, 0, 0)
    if page.qr is not None and payload:
        x, y, size = page.qr
        modules = segno.make(payload, error="M", mode="byte", encoding="utf-8", boost_error=False,
                             micro=False, mask=2).matrix
        n = len(modules)
        unit = size / (n + 4)
        canvas.saveState()
        canvas.transform(unit, 0, 0, unit, x + 2 * unit, y + 2 * unit)  # module units
        for r, row in enumerate(modules):
            c = 0
            while c < n:  # one rectangle per run of dark modules
                if row[c]:
                    end = c
                    while end < n and row[end]:
                        end += 1
                    canvas.rect(c, n - 1 - r, end - c, 1, stroke=0, fill=1)
                    c = end
                else:
                    c += 1
        canvas.restoreState()
    canvas.showPage()


def floor_pdf(letters: list[LetterPrint], layouts: tuple[letter_pdf.LetterLayout, ...], font: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=16)
    for letter, layout in zip(letters, layouts, strict=True):
        for page in layout.pages:
            _floor_page(canvas, page, letter.qr_payload)
    canvas.save()
    return buffer.getvalue()


# -- the two drawings, ours and the floor's, alternated -------------------------------------


def bench_render() -> None:
    fonts = fontset()
    items = prints(contents())
    render_letter(prints([sample_content(3)])[0], fonts)  # warm up: fonts parsed, widths measured
    layouts = render_letters(items, fonts).layouts  # what the floor draws
    font = fonts.primary("fangsong").name
    one = [0]

    def ours_one() -> float:
        started = time.perf_counter()
        one[0] = render_letters(items, fonts).pages
        return time.perf_counter() - started

    def floor_one() -> float:
        started = time.perf_counter()
        floor_pdf(items, layouts, font)
        return time.perf_counter() - started

    def ours_each() -> float:
        started = time.perf_counter()
        for item in items:
            render_letter(item, fonts)
        return time.perf_counter() - started

    def floor_each() -> float:
        started = time.perf_counter()
        for item, layout in zip(items, layouts, strict=True):
            floor_pdf([item], (layout,), font)
        return time.perf_counter() - started

    ours, floor = alternate(ours_one, floor_one, RUNS)
    record(f"letters: {LETTERS} in one PDF ({one[0]} pages)", ours, floor=floor, goal_ratio=GOAL_RATIO)
    ours, floor = alternate(ours_each, floor_each, RUNS)
    record(f"letters: {LETTERS} separate PDFs", ours, floor=floor, goal_ratio=GOAL_RATIO)


# -- print_all through the services ----------------------------------------------------------


def bench_services(folder: Path) -> None:
    from desktop.core.office import Role
    from desktop.services import letters, reviews
    from desktop.services.accounts import add_user, sign_in
    from desktop.services.eligibility import record_decision
    from desktop.services.offices import initialise_office
    from desktop.store import reviews as store_reviews

    path = folder / "office.sqlite3"
    initialise_office(path, county_code="222401", name="延吉市就业服务局", letter_prefix="延吉人社劳协确",
                      admin_username="admin", admin_password=PASSWORD)
    with sign_in(path, "admin", PASSWORD) as admin:
        add_user(admin, "clerk", Role.CLERK, PASSWORD, "金经办", temporary=False)
        add_user(admin, "approver", Role.APPROVER, PASSWORD, "朴科长", temporary=False)
    start = time.perf_counter()
    with sign_in(path, "clerk", PASSWORD) as clerk:
        approver_id = clerk.store.user_by_name("approver")["id"]  # type: ignore[index]
        for n in range(1, LETTERS + 1):
            case = add_case(clerk, n, workers=WORKERS, staff=400)
            reviews.set_evidence(clerk, case.application_id, contracts=True, wages=True)
            decision = record_decision(clerk, case.application_id)
            with clerk.store.transaction():  # approved as the window would leave it (without the backups)
                store_reviews.change_status(
                    clerk.store, case.application_id, expected_status="draft", expected_version=1,
                    status="approved", prepared_by=clerk.actor.user_id, approved_by=approver_id,
                    approved_decision_id=decision.id,
                )
    print(f"set-up: {LETTERS} approved applications in {time.perf_counter() - start:.1f} s")
    drawn = [0]
    draw = letter_pdf._Drawer.letter

    def counted(self: letter_pdf._Drawer, letter: LetterPrint) -> letter_pdf.LetterLayout:
        drawn[0] += 1
        return draw(self, letter)

    letter_pdf._Drawer.letter = counted  # type: ignore[method-assign]
    try:
        with sign_in(path, "clerk", PASSWORD) as clerk:
            start, cpu = time.perf_counter(), time.process_time()
            run = letters.print_all(clerk, issued_on=date(2026, 11, 24))
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        letter_pdf._Drawer.letter = draw  # type: ignore[method-assign]
    assert len(run.issued) == len(run.printed) == LETTERS
    print(f"print_all: {elapsed:.2f} s ({cpu:.2f} s of it on the processor; the rest is waiting for the disk"
          f" or for other programs), PDF {len(run.pdf) / 1e6:.1f} MB, {drawn[0]} letters drawn")
    record(f"letters: print_all {LETTERS} (issue, draw once, join)", elapsed, goal_value=GOAL_PRINT_ALL_S)
    record("letters: drawings a letter in print_all", drawn[0] / LETTERS, unit="×", goal_value=1.0)


# -- the first letter of a fresh process -------------------------------------------------------

FIRST_LETTER = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from desktop.letters import LetterPrint, fontset, render_letter
from tests.letters.cases import sample_content
content = sample_content(40)
item = LetterPrint(content, content.verification_code(), content.qr_payload())
started = time.perf_counter()
fonts = fontset()
built = time.perf_counter()
render_letter(item, fonts)
drawn = time.perf_counter()
render_letter(item, fonts)
print(json.dumps({"fontset": built - started, "first": drawn - started, "next": time.perf_counter() - drawn}))
"""


def bench_first_letter(folder: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}  # the survey starts empty, as on a new PC

    def one() -> dict[str, float]:
        done = subprocess.run([sys.executable, "-c", FIRST_LETTER, str(ROOT)], env=env, check=True,
                              capture_output=True, text=True)
        figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
        return figures

    cold = one()
    print(f"first letter of the first run on this machine (every font opened and surveyed): font set"
          f" {cold['fontset']:.3f} s, font set + drawing {cold['first']:.3f} s")
    runs = [one() for _ in range(FIRST_RUNS)]
    fontset_s = statistics.median(r["fontset"] for r in runs)
    first_s = statistics.median(r["first"] for r in runs)
    next_s = statistics.median(r["next"] for r in runs)
    print(f"first letter of a process, median of {FIRST_RUNS}: font set {fontset_s:.3f} s, font set + drawing"
          f" {first_s:.3f} s (the next letter {next_s:.3f} s)")
    record("letters: first letter of a process, its font set", fontset_s, goal_value=GOAL_FIRST_FONTSET_S)
    record("letters: first letter of a process, font set + drawing", first_s, goal_value=GOAL_FIRST_LETTER_S)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        bench_first_letter(Path(folder))
    bench_render()
    with tempfile.TemporaryDirectory() as folder:
        bench_services(Path(folder))
    parsed = letter_fonts._load.cache_info()
    files = len({(font.file.path, font.file.index) for chain in fontset().chains.values() for font in chain})
    print(f"font files parsed in this process: {parsed.misses} ({files} in the letter font set)")
    record("letters: font files parsed a run, per font file", parsed.misses / max(files, 1), unit="×",
           goal_value=1.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
