"""Designer forms, loaded one way: at run time, into an existing instance.

``load_form("enterprise_dialog", self)`` reads ``forms/enterprise_dialog.ui``
with QUiLoader and builds it *into* ``self`` (the classic ``loadUi(file,
self)`` pattern): the form's top-level widget is ``self``, and every child
widget becomes an attribute named by its objectName (``self.nameEdit``).
No generated ``ui_*.py`` files exist; editing the .ui in Qt Designer is
enough.  Strings in the .ui are translated by Qt with the form's class name
as context.
"""

from __future__ import annotations

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from desktop.resources import data_root, form_path

FORM_SUFFIX = ".ui"


class FormError(RuntimeError):
    """A form that cannot be read: a broken installation or a bad edit, never the clerk's doing."""


class _IntoBaseLoader(QUiLoader):
    def __init__(self, base: QWidget) -> None:
        super().__init__(base)
        self._base = base

    def createWidget(  # noqa: N802 - Qt's name
        self, class_name: str, parent: QWidget | None = None, name: str = ""
    ) -> QWidget:
        if parent is None:
            return self._base  # the form's top-level widget is the instance itself
        widget = super().createWidget(class_name, parent, name)
        if name:
            _set_child(self._base, name, widget)
        return widget


def _set_child(base: QWidget, name: str, widget: QWidget) -> None:
    # A child called e.g. "statusBar" would hide QMainWindow.statusBar().
    if hasattr(type(base), name):
        raise FormError(f"objectName {name!r} clashes with an attribute of {type(base).__name__}")
    setattr(base, name, widget)


def load_form(name: str, base: QWidget) -> None:
    """Build the form ``forms/<name>.ui`` into ``base``."""
    path = form_path(name + FORM_SUFFIX)
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FormError(f"cannot open form {path}: {file.errorString()}")
    try:
        loader = _IntoBaseLoader(base)
        loaded = loader.load(file)
    finally:
        file.close()
    if loaded is None:
        raise FormError(f"cannot load form {path}: {loader.errorString()}")


def all_form_names() -> list[str]:
    """Every form shipped with the program (for the self-test)."""
    return sorted(p.name.removesuffix(FORM_SUFFIX) for p in (data_root() / "forms").glob("*" + FORM_SUFFIX))
