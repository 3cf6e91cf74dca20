"""`laoxie --self-test`: prove an installation (checkout, wheel or bundle) works.

Opens a fresh store, loads every resource and every form, then exits 0.
Any failure raises, and the command line turns it into a non-zero exit.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from desktop.core.areas import AreaTable
from desktop.core.enterprise import EnterpriseDraft
from desktop.core.size import SizeStandard
from desktop.resources import data_root, missing_data_folders, resource_path
from desktop.store.db import available_migrations


class SelfTestError(RuntimeError):
    pass


def run_self_test(*, with_qt: bool = True) -> dict[str, object]:
    report: dict[str, object] = {"data_root": str(data_root())}
    missing = missing_data_folders()
    if missing:
        raise SelfTestError(f"missing data folders: {missing} under {data_root()}")
    data_files = sorted(resource_path().rglob("*.json"))
    for path in data_files:
        json.loads(path.read_text(encoding="utf-8"))
    report["resource_files"] = len(data_files)
    report["areas"] = len(AreaTable.default().current_counties())
    report["industries"] = len(SizeStandard.load().industries())
    report["migrations"] = len(available_migrations())
    report["store"] = _store_round_trip()
    report["roster"] = _roster_round_trip()
    if with_qt:
        report["forms"] = _load_forms()
    return report


def _store_round_trip() -> str:
    import secrets

    from desktop.services.accounts import sign_in
    from desktop.services.enterprises import add_enterprise, list_enterprises
    from desktop.services.offices import initialise_office

    password = secrets.token_urlsafe(12)
    with tempfile.TemporaryDirectory(prefix="laoxie-selftest-") as folder:
        path = Path(folder) / "self-test.sqlite3"
        initialise_office(path, county_code="222401", name="自检", letter_prefix="自检",
                          admin_username="selftest", admin_password=password)
        with sign_in(path, "selftest", password) as ws:
            add_enterprise(ws, EnterpriseDraft(
                name="自检企业", uscc="91110000600037341L", county_code="222401", industry="other",
                staff_total=12,
            ))
            if len(list_enterprises(ws)) != 1:
                raise SelfTestError("store round trip lost the enterprise")
            check = ws.store.conn.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise SelfTestError(f"integrity_check: {check}")
            version = ws.store.schema_version()
    return f"ok (schema {version})"


def _roster_round_trip() -> str:
    """The template written with openpyxl reads back with python-calamine (a native library in the bundle)."""
    from desktop.core.roster import Field, find_header
    from desktop.rosters.reader import RosterFile
    from desktop.rosters.template import write_roster_template

    with tempfile.TemporaryDirectory(prefix="laoxie-selftest-") as folder:
        path = write_roster_template(Path(folder) / "template.xlsx", AreaTable.default())
        roster = RosterFile.open(path)
        layout = find_header(roster.sheet().head(5))
        roster.close()
    if layout is None or layout.columns.get(Field.ID_NUMBER) != 3:
        raise SelfTestError("roster template did not read back")
    return "ok"


def _load_forms() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QWidget

    from desktop.ui.forms import all_form_names, load_form

    app = QApplication.instance() or QApplication([])
    loaded = 0
    for name in all_form_names():
        base: QWidget = QMainWindow() if name.startswith("main") else QDialog()
        load_form(name, base)
        base.deleteLater()
        loaded += 1
    app.processEvents()
    return loaded
