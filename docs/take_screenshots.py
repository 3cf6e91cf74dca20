"""The screenshots in docs/: every page and the main dialogs at 1024×768, in a real window under Xvfb.

    Xvfb :77 -screen 0 1024x768x24 &  DISPLAY=:77 openbox &
    laoxie --db /tmp/shots/laoxie.sqlite3 demo            # LAOXIE_PASSWORD=laoxie-demo
    DISPLAY=:77 QT_QPA_PLATFORM=xcb SAMPLES=tests/data python docs/take_screenshots.py /tmp/shots/laoxie.sqlite3 docs

Clicks go through xdotool, pictures of the whole screen through ImageMagick's ``import -window root``;
pages are found by their navigation label. The demo itself has the approved cases, their letters and
two loans followed month by month (desktop/services/demo_story.py); applications 1 and 3 are submitted
first and 1 approved, so that 审核 has a case waiting for the approver and 确认书 one waiting for its
letter. ONLY=tracking takes the 跟踪 page (as the approver) and its 人员时间线 alone.
Look at every picture before committing it.
"""
import os, subprocess, sys, time
from pathlib import Path
from PySide6.QtTest import QTest
from desktop.ui.app import create_app

OUT = Path(sys.argv[2]); OUT.mkdir(parents=True, exist_ok=True)
DB = Path(sys.argv[1])
app = create_app(sys.argv[:1])
from desktop.services.accounts import sign_in
from desktop.services import reviews, letters
from desktop.ui.main_window import MainWindow

PW = "laoxie-demo"
# The demo has two enterprises followed through their loans (approved, letters issued, monthly lists,
# checks); two more cases are submitted now, and one of them approved.
with sign_in(DB, "clerk", PW) as ws:
    for app_id in (1, 3):
        try:
            reviews.submit(ws, app_id, evidence=["contracts", "wages"])
        except Exception as exc: print("submit", app_id, exc)
with sign_in(DB, "approver", PW) as ws:  # and one approved, its letter waiting on 确认书
    try:
        reviews.approve(ws, 1)
    except Exception as exc: print("approve", exc)

def shot(name):
    for _ in range(6):
        QTest.qWait(120)
    subprocess.run(["import", "-window", "root", str(OUT / f"screenshot-{name}.png")], check=True)
    print("shot", name, flush=True)

def click(widget, pos=None):
    p = widget.mapToGlobal(pos if pos is not None else widget.rect().center())
    subprocess.run(["xdotool", "mousemove", str(p.x()), str(p.y()), "click", "1"], check=True)
    QTest.qWait(300)

def nav(window, label):
    """Go to the page whose navigation entry reads ``label`` (the rows move as pages are added)."""
    labels = [window.navList.item(i).text() for i in range(window.navList.count())]
    rect = window.navList.visualItemRect(window.navList.item(labels.index(label)))
    click(window.navList.viewport(), rect.center())

if os.environ.get("ONLY") == "tracking":
    ws = sign_in(DB, os.environ.get("SHOT_USER", "approver"), PW)
    w = MainWindow(ws)
    w.show()
    QTest.qWait(800)
    nav(w, "跟踪")
    t = w.tracking.table
    click(t.viewport(), t.visualRect(t.model().index(0, 0)).center())
    shot("tracking")
    d = w.tracking.open_worker_months()
    if d is not None:
        QTest.qWait(400); shot("worker-months"); d.close()
    w.close(); ws.close()
    sys.exit(0)

user = os.environ.get("SHOT_USER", "clerk")
ws = sign_in(DB, user, PW)
w = MainWindow(ws)
w.show()
QTest.qWait(800)
print("window", w.geometry(), w.isMaximized(), flush=True)
table = w.enterpriseTable
click(table.viewport(), table.visualRect(w.model.index(w.model.row_of(1), 0)).center())
shot("main-window")
pages = {"名册": "roster", "审核": "review", "确认书": "letters", "报送批次": "batches", "统计分析": "stats-county",
         "跟踪": "tracking", "设置": "settings"}
for label, name in pages.items():
    nav(w, label)
    if name == "tracking":  # the first loan, its chart below the table
        t = w.tracking.table
        click(t.viewport(), t.visualRect(t.model().index(0, 0)).center())
    shot(name)
nav(w, "企业")
d = w.open_enterprise_dialog(1); shot("enterprise-dialog"); d.close()
w.close()
ws.close()

# -- part two: the administrator's and the clerk's dialogs --------------------------------------
from PySide6.QtWidgets import QFileDialog
from desktop.ui.login_dialog import LoginDialog
ws = sign_in(DB, "admin", PW)
w = MainWindow(ws)
w.show()
QTest.qWait(600)
for name, make in [("audit", lambda: w.settings.open_audit_dialog()),
                   ("export-wizard", lambda: w.batches.open_export_wizard()),
                   ("keys", lambda: w.batches.open_keys_dialog()),
                   ("users", lambda: w.settings.open_users_dialog())]:
    try:
        d = make(); shot(name); d.close()
    except Exception as exc: print("dialog", name, exc)
w.close(); ws.close()

ws = sign_in(DB, "clerk", PW)
w = MainWindow(ws)
w.show()
QTest.qWait(600)
table = w.enterpriseTable
click(table.viewport(), table.visualRect(w.model.index(w.model.row_of(4), 0)).center())
nav(w, "审核")
try:
    d = w.review.open_application_dialog(new=False); shot("application-dialog"); d.close()
except Exception as exc: print("application", exc)
nav(w, "确认书")
w.letters.select_letter(w.letters.issued[0].id) if w.letters.issued else None  # this year's newest
d = w.letters.open_preview()
if d is not None:
    shot("letter-preview")
    d.close()
nav(w, "企业")
try:
    d = w.open_import_wizard(2, str(Path(os.environ["SAMPLES"]) / "roster_messy.xlsx"))
    QTest.qWait(2500); shot("import"); d.reject()
except Exception as exc: print("import", exc)
fd = QFileDialog(w, "选择名册文件", str(DB.parent), "Excel 工作簿 (*.xlsx *.xls)")
fd.show(); shot("file-dialog"); fd.reject()
w.close(); ws.close()
login = LoginDialog("延吉市就业服务局", lambda n, p: None, username="clerk")
login.show(); shot("login"); login.reject()
