"""The approver's way to the cases waiting for approval on the 审核 page.

Without it the approver had to open enterprise after enterprise to find the
one the clerk had submitted. A button over the enterprise list says how many
cases wait (``待批准 2 件：下一件``) and opens the next one after the case
shown, in the order of the applications; it is there only for a user who may
approve, and does not count the cases that user submitted (they cannot
approve them).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton

from desktop.core.permissions import Permission
from desktop.services import reviews
from desktop.services.workspace import Workspace
from desktop.store.reviews import CaseRow


class ApprovalQueue(QObject):
    wanted = Signal(int, int)  # (enterprise id, application id) to show

    def __init__(self, workspace: Workspace, button: QPushButton) -> None:
        super().__init__(button)
        self._ws = workspace
        self.button = button
        self.waiting: list[CaseRow] = []
        button.setVisible(workspace.can(Permission.APPROVE_REVIEW))
        button.setToolTip(self.tr("依次打开经办人已提交、等待批准的申请"))
        self.refresh()

    def refresh(self) -> None:
        """Count again (after a step, or coming back to the page)."""
        if not self._ws.can(Permission.APPROVE_REVIEW):
            return
        self.waiting = reviews.awaiting_approval(self._ws)
        if self.waiting:
            self.button.setText(self.tr("待批准 {n} 件：下一件").format(n=len(self.waiting)))
        else:
            self.button.setText(self.tr("没有待批准的申请"))
        self.button.setEnabled(bool(self.waiting))

    def open_next(self, shown_application: int | None) -> None:
        """Ask for the first waiting case after the one shown (the first of all after the last)."""
        self.refresh()
        if not self.waiting:
            return
        after = [row for row in self.waiting if shown_application is not None and row.id > shown_application]
        row = (after or self.waiting)[0]
        self.wanted.emit(row.enterprise_id, row.id)
