"""Chinese for the few texts of Qt's own dialogs that Qt's zh_CN translations leave in English.

Qt's file dialog (the window uses Qt's, not GTK's, see ``desktop.ui.app``)
reads qtbase_zh_CN, which lacks the two labels with shortcut letters and the
file-type words of the file list. :class:`QtGaps` answers for those alone;
everything else falls through to Qt's own translations.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QTranslator

GAPS: Final[dict[tuple[str, str], str]] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    ("QAbstractFileIconProvider", "File"): "文件",
    ("QAbstractFileIconProvider", "Shortcut"): "快捷方式",
    ("QAbstractFileIconProvider", "Alias"): "替身",
    ("QAbstractFileIconProvider", "%1 File"): "%1 文件",
    ("QFileSystemModel", "%1 File"): "%1 文件",
}


class QtGaps(QTranslator):
    """Installed after Qt's own translator: asked first, it answers only for :data:`GAPS`."""

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,  # noqa: D102
                  n: int = -1) -> str | None:
        # None is Qt's null string, "not mine": an empty string would stop the search at this translator.
        return GAPS.get((context, source_text))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


__all__ = ["GAPS", "QtGaps"]
