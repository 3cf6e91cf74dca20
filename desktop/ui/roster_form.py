"""The 名册 page's widgets as forms/roster_page.ui names them, and the state its parts share:
:class:`desktop.ui.roster_page.RosterPage` is built on :class:`RosterForm` through
:class:`~desktop.ui.roster_actions.RosterActions` (the buttons, the context menu, marking, the template)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QTableView,
    QWidget,
)

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.core.enterprise import Enterprise
    from desktop.services.roster_undo import ImportRow
    from desktop.services.workspace import Workspace
    from desktop.ui.enterprise_picker import EnterprisePicker
    from desktop.ui.roster_model import RosterModel
    from desktop.ui.tasks import TaskRunner


class RosterForm(QWidget):
    # From forms/roster_page.ui (load_form sets them).
    rosterSplitter: QSplitter
    pickerPane: QWidget
    pickerCaption: QLabel
    enterpriseSearchEdit: QLineEdit
    enterpriseList: QListView
    enterpriseCountLabel: QLabel
    rosterPane: QWidget
    enterpriseLabel: QLabel
    importButton: QPushButton
    undoImportButton: QPushButton
    templateButton: QPushButton
    historyLabel: QLabel
    searchEdit: QLineEdit
    hukouCaption: QLabel
    hukouCombo: QComboBox
    groupCaption: QLabel
    groupCombo: QComboBox
    contractCaption: QLabel
    contractCombo: QComboBox
    inactiveCheck: QCheckBox
    rosterTable: QTableView
    countLabel: QLabel
    markButton: QPushButton
    unmarkButton: QPushButton
    statusLabel: QLabel

    if TYPE_CHECKING:
        # The page's state (set by RosterPage.__init__); only for the type checker, so that the
        # annotations seen at run time are the form's widgets alone (tests/ui/test_forms.py).
        _ws: Workspace
        _tasks: TaskRunner
        picker: EnterprisePicker
        roster: RosterModel
        _enterprise: Enterprise | None
        _locked: str
        _undoable: ImportRow | None
        _can_mark: bool
        _can_unmask: bool
        _can_import: bool
        last_template: Path | None

        # The page's own methods, which its parts call.
        def reload(self) -> None: ...

        def _update_count(self) -> None: ...

        def _status(self, text: str, *, error: bool = False) -> None: ...
