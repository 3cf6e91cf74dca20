"""The main window under Wine, offscreen, saved as a picture (run by wine_test.py).

    python.exe window_smoke.py OFFICE.sqlite3 OUT.png     (LAOXIE_USER, LAOXIE_PASSWORD set)

Runs in the installed Windows Python on the installed program.  Qt's offscreen
platform reads no system fonts on Windows, so the CJK font the test prefix has
(C:\\Windows\\Fonts) is added to the application first; the real window
(platform "windows") finds it on its own.
"""

import os
import sys
import time
from pathlib import Path

started = time.perf_counter()

from PySide6.QtGui import QFontDatabase  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> int:
    db, out = Path(sys.argv[1]), Path(sys.argv[2])
    app = QApplication([sys.argv[0], "-platform", "offscreen"])
    fonts = Path(os.environ.get("WINDIR", r"C:\windows")) / "Fonts"
    for font in sorted(fonts.glob("*.tt[fc]")):
        QFontDatabase.addApplicationFont(str(font))
    from desktop.services.accounts import sign_in
    from desktop.ui.app import create_app  # noqa: F401 - the same module the program starts with
    from desktop.ui.main_window import MainWindow

    app.setStyle("windows")  # what Qt draws with when no Windows theme is there
    workspace = sign_in(db, os.environ["LAOXIE_USER"], os.environ["LAOXIE_PASSWORD"])
    window = MainWindow(workspace)
    window.resize(1280, 800)
    window.show()
    for _ in range(20):
        app.processEvents()
        time.sleep(0.05)
    if not window.grab().save(str(out)):
        raise SystemExit(f"could not save {out}")
    shown = time.perf_counter() - started
    window.close()
    workspace.close()
    print(f"window shown and saved in {shown:.1f} s: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
