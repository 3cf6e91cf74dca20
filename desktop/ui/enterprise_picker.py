"""The enterprise picker the 审核 and 名册 pages share: a search box, a list, a count.

Each page's form has the three widgets (``enterpriseSearchEdit``,
``enterpriseList``, ``enterpriseCountLabel``); :class:`EnterprisePicker`
drives them over one :class:`EnterpriseModel` and says which enterprise is
current through :attr:`EnterprisePicker.chosen`.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QModelIndex, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListView

from desktop.core.enterprise import Enterprise
from desktop.services.enterprises import count_enterprises
from desktop.services.workspace import Workspace
from desktop.ui.enterprise_model import ID_ROLE, EnterpriseModel

SEARCH_DELAY_MS: Final = 200  # typing in the search box waits for a pause


class EnterprisePicker(QObject):
    # The current enterprise; None when a reload no longer lists the one that was current.
    chosen = Signal(object)

    def __init__(self, workspace: Workspace, search: QLineEdit, view: QListView, count: QLabel) -> None:
        super().__init__(view)
        self._ws = workspace
        self._search = search
        self._view = view
        self._count = count
        self.model = EnterpriseModel(workspace, self)
        self.current: Enterprise | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        view.setModel(self.model)
        search.textChanged.connect(self._timer.start)
        self._timer.timeout.connect(lambda: self.model.set_search(self._search.text()))
        view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self._update_count()

    def _update_count(self) -> None:
        total = self.model.total
        if self.model.search:
            self._count.setText(self.tr("找到 {n} 家企业").format(n=total))
        else:
            self._count.setText(self.tr("共 {n} 家企业").format(n=total))

    def _current_changed(self, index: QModelIndex, _previous: QModelIndex) -> None:
        if not index.isValid():
            return
        enterprise = self.model.enterprise(index.row())
        assert enterprise.id == index.data(ID_ROLE)
        self.current = enterprise
        self.chosen.emit(enterprise)

    def refresh(self) -> bool:
        """Coming back to the page: read the list again if enterprises were added meanwhile (True if so)."""
        if count_enterprises(self._ws, self.model.search) == self.model.total:
            return False
        self.reload()
        return True

    def reload(self) -> None:
        """Read the list again, keeping the current enterprise selected if it is still listed."""
        keep = self.current.id if self.current else None
        self.model.reload()
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self._view.setCurrentIndex(self.model.index(row, 0))
        elif keep is not None:
            self.current = None  # hidden by the search (or gone)
            self.chosen.emit(None)

    def select(self, enterprise_id: int) -> bool:
        """Make this enterprise current, clearing a search that hides it."""
        row = self.model.row_of(enterprise_id)
        if row is None and self.model.search:
            self._timer.stop()
            self._search.blockSignals(True)
            self._search.clear()
            self._search.blockSignals(False)
            self.model.set_search("")
            row = self.model.row_of(enterprise_id)
        if row is None:
            self.model.reload()  # it may have been added since the list was read
            row = self.model.row_of(enterprise_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self._view.setCurrentIndex(index)
        self._view.scrollTo(index)
        return True
