"""docs/screenshot-stats.png: the province's 统计分析 page at 1024×768, in a real window under Xvfb.

    Xvfb :93 -screen 0 1024x768x24 &  DISPLAY=:93 openbox &
    DISPLAY=:93 QT_QPA_PLATFORM=xcb PYTHONPATH=. python docs/take_screenshot_stats.py /tmp/shots-stats docs

The province file is made by tests/summary_factory.py (six counties, 120 applications over a year).
Clicks go through xdotool, the picture of the whole screen through ImageMagick's ``import -window root``.
Look at the picture before committing it.
"""
import subprocess, sys
from pathlib import Path
from PySide6.QtTest import QTest
from desktop.ui.app import create_app

WORK, OUT = Path(sys.argv[1]), Path(sys.argv[2])
WORK.mkdir(parents=True, exist_ok=True)
app = create_app(sys.argv[:1])
from desktop.services.accounts import sign_in
from desktop.store import Store
from desktop.ui.main_window import MainWindow
from tests import summary_factory
from tests.batches import factory

db = WORK / "province.sqlite3"
if not db.exists():
    factory.province_db(db)
    with Store.open(db, create=False) as store:
        summary_factory.fill(store, enterprises=120, workers=40, counties=6)


def click(widget, pos=None):
    p = widget.mapToGlobal(pos if pos is not None else widget.rect().center())
    subprocess.run(["xdotool", "mousemove", str(p.x()), str(p.y()), "click", "1"], check=True)
    QTest.qWait(400)


w = MainWindow(sign_in(db, "clerk", factory.PASSWORD))
w.show()
QTest.qWait(1000)
page = w.summary_page
click(w.navList.viewport(), w.navList.visualItemRect(w.navList.item(w.pages.indexOf(page))).center())
QTest.qWait(1500)
name = sys.argv[3] if len(sys.argv) > 3 else "stats"
subprocess.run(["import", "-window", "root", str(OUT / f"screenshot-{name}.png")], check=True)
print("shot", name, w.geometry(), w.isMaximized(), flush=True)
w.close()
