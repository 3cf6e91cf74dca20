"""Draw resources/icons/laoxie.ico from laoxie.svg: one PNG image per size, as Windows wants.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/windows/make_icon.py

The .ico is committed (the launcher, the installer and the shortcuts use it);
run this again only when the SVG changes.  An ICO file is a small header, a
directory of entries and the images; Vista and later read PNG entries.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[2]
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)


def png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images.items():
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(blobs))
        blobs += data
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - QImage/QPainter need the application
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "laoxie.svg"))
    if not renderer.isValid():
        raise SystemExit("laoxie.svg could not be read")
    target = ROOT / "resources" / "icons" / "laoxie.ico"
    target.write_bytes(ico({size: png(renderer, size) for size in SIZES}))
    print(f"{target} ({target.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
