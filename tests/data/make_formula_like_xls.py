"""Writes roster_formula_like.xls (a real BIFF8 workbook) from tests.roster_factory.formula_like_grid.

Run once by hand with xlwt on the path (it is not a dependency of the project):
    pip install --target /tmp/xlwt xlwt==1.3.0
    PYTHONPATH=.:/tmp/xlwt python tests/data/make_formula_like_xls.py
"""

from pathlib import Path

import xlwt  # type: ignore[import-not-found]

from tests.roster_factory import formula_like_grid

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("名册")
for r, row in enumerate(formula_like_grid()):
    for c, value in enumerate(row):
        if value not in ("", None):
            sheet.write(r, c, value)
book.save(str(Path(__file__).with_name("roster_formula_like.xls")))
