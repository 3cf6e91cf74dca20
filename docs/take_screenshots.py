"""The screenshots in docs/: every page and the main dialogs at 1024×768, in a real window under Xvfb.

    Xvfb :77 -screen 0 1024x768x24 &  DISPLAY=:77 openbox &
    laoxie --db /tmp/shots/laoxie.sqlite3 demo            # LAOXIE_PASSWORD=laoxie-demo
    DISPLAY=:77 QT_QPA_PLATFORM=xcb SAMPLES=tests/data python docs/take_screenshots.py /tmp/shots/laoxie.sqlite3 docs

Clicks go through xdotool, pictures of the whole screen through ImageMagick's ``import -window root``.
Application 1 is submitted, approved and issued and application 3 submitted first, so that the
审核 and 确认书 pages have something to show; application 1 then gets a loan from 2026-01-01 with
monthly lists (two workers leave in May, no list for July, three new hires in September) and four
checks, the last one (most workers gone in November) 不达标 waiting for the approver, so that 跟踪 shows its table and chart.
ONLY=tracking takes that page alone. Look at every picture before committing it.
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
# one case through to an issued letter, one submitted, so 确认书 and 审核 show something
with sign_in(DB, "clerk", PW) as ws:
    for app_id in (1, 3):
        try:
            reviews.submit(ws, app_id, evidence=["contracts", "wages"])
        except Exception as exc: print("submit", app_id, exc)
with sign_in(DB, "approver", PW) as ws:
    try:
        reviews.approve(ws, 1)
        letters.issue(ws, 1)
    except Exception as exc: print("approve/issue", exc)

def tracking_setup():
    """A loan for application 1 with lists for 2026-01..2026-11 (none for July) and four checks."""
    import csv, datetime, decimal, tempfile
    from desktop.core.identifiers import id_check_char
    from desktop.core.loans import LoanDraft
    from desktop.services import loans, tracking
    with sign_in(DB, "clerk", PW) as ws:
        case = reviews.case(ws, 1)
        enterprise = ws.store.enterprise(case.enterprise_id)
        if tracking.loan_overview(ws, datetime.date.today()):
            return
        loans.add_loan(ws, enterprise.uscc, LoanDraft(
            bank_branch="国家开发银行吉林省分行", contract_number="吉开行2026-001", amount_wan=decimal.Decimal(300),
            start_date=datetime.date(2026, 1, 1), term_months=24, rate=decimal.Decimal("3.00")), acknowledge=True)
        people = [r for r in ws.store.conn.execute(
            "SELECT p.name, p.id_number, m.hukou_text, m.contract_start, m.contract_end, m.hire_date"
            " FROM employments m JOIN persons p ON p.id = m.person_id WHERE m.enterprise_id = ? ORDER BY m.id",
            (enterprise.id,))]
        folder = Path(tempfile.mkdtemp())
        for month in range(1, 12):
            if month == 7:
                continue  # no list handed in: continuity breaks
            staff = people[:-2] if 5 <= month <= 8 else people  # two leave in May, back in September
            staff = staff[:len(staff) // 3] if month == 11 else staff  # most of them gone in November
            if month >= 9:  # three new hires from 汪清县
                ids = [f"22242419950{i + 1}0{i + 1}12{i}" for i in range(3)]
                staff = staff + [("新职工" + "甲乙丙"[i], n + id_check_char(n), "汪清县", "2026-09-01", "2028-08-31",
                                  "2026-09-01") for i, n in enumerate(ids)]
            path = folder / f"2026-{month:02d}.csv"
            with path.open("w", encoding="utf-8-sig", newline="") as f:
                out = csv.writer(f)
                out.writerow(["姓名", "身份证号", "户籍地", "合同始期", "合同终期", "入职日期"])
                out.writerows(staff)
            tracking.import_list(ws, enterprise.uscc, path, period=f"2026-{month:02d}")
        for on in (datetime.date(2026, 3, 31), datetime.date(2026, 6, 30), datetime.date(2026, 9, 30),
                   datetime.date(2026, 11, 30)):
            print("check", on, tracking.check(ws, enterprise.uscc, on).result.verdict.label, flush=True)

def shot(name):
    for _ in range(6):
        QTest.qWait(120)
    subprocess.run(["import", "-window", "root", str(OUT / f"screenshot-{name}.png")], check=True)
    print("shot", name, flush=True)

def click(widget, pos=None):
    p = widget.mapToGlobal(pos if pos is not None else widget.rect().center())
    subprocess.run(["xdotool", "mousemove", str(p.x()), str(p.y()), "click", "1"], check=True)
    QTest.qWait(300)

def nav(window, row):
    rect = window.navList.visualItemRect(window.navList.item(row))
    click(window.navList.viewport(), rect.center())

tracking_setup()
if os.environ.get("ONLY") == "tracking":
    ws = sign_in(DB, os.environ.get("SHOT_USER", "approver"), PW)
    w = MainWindow(ws)
    w.show()
    QTest.qWait(800)
    nav(w, [w.navList.item(i).text() for i in range(w.navList.count())].index("跟踪"))
    t = w.tracking.table
    click(t.viewport(), t.visualRect(t.model().index(0, 0)).center())
    shot("tracking")
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
pages = {1: "roster", 2: "review", 3: "letters", 4: "batches", 5: "stats-county", 6: "tracking", 7: "settings"}
for row, name in pages.items():
    if row >= w.navList.count(): break
    nav(w, row)
    shot(name)
nav(w, 0)
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
nav(w, 2)
try:
    d = w.review.open_application_dialog(new=False); shot("application-dialog"); d.close()
except Exception as exc: print("application", exc)
nav(w, 3)
w.letters.select_letter(1)
d = w.letters.open_preview()
if d is not None:
    shot("letter-preview")
    d.close()
nav(w, 0)
try:
    d = w.open_import_wizard(2, str(Path(os.environ["SAMPLES"]) / "roster_messy.xlsx"))
    QTest.qWait(2500); shot("import"); d.reject()
except Exception as exc: print("import", exc)
fd = QFileDialog(w, "选择名册文件", str(DB.parent), "Excel 工作簿 (*.xlsx *.xls)")
fd.show(); shot("file-dialog"); fd.reject()
w.close(); ws.close()
login = LoginDialog("延吉市就业服务局", lambda n, p: None, username="clerk")
login.show(); shot("login"); login.reject()
