"""Mark workers as a priority group (重点群体): the category and the evidence the clerk saw.

The dialog does not write by itself: it is given ``save(group, evidence)``
(the roster page passes ``services.priority.mark_priority`` for its
enterprise and rows).  A refusal (no right, the case locked, evidence too
long) is shown and the dialog stays open, so the clerk can correct or cancel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.core.workers import PriorityGroup
from desktop.services.errors import ServiceError
from desktop.services.priority import EVIDENCE_MAX
from desktop.services.privacy import shown_id
from desktop.services.roster_view import RosterRecord
from desktop.store import StoreError
from desktop.ui.decision_view import label
from desktop.ui.errors import show_error
from desktop.ui.forms import load_form
from desktop.ui.roster_model import group_label
from desktop.ui.widgets import offer

SavePriority = Callable[[PriorityGroup, str], int]


class PriorityDialog(QDialog):
    # From forms/priority_dialog.ui (load_form sets them).
    introLabel: QLabel
    workersLabel: QLabel
    groupCaption: QLabel
    groupCombo: QComboBox
    evidenceCaption: QLabel
    evidenceEdit: QLineEdit
    noteLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, workers: Sequence[RosterRecord], save: SavePriority, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("priority_dialog", self)
        if not workers:
            raise ValueError("no workers to mark")
        self._save = save
        self.workers = list(workers)
        self.changed: int | None = None  # rows the save changed, once accepted

        for group in PriorityGroup:
            self.groupCombo.addItem(label("group", group.label), group.value)
        self.evidenceEdit.setMaxLength(EVIDENCE_MAX)
        self.ok_button.setText(self.tr("标记"))
        self._describe_workers()
        self._prefill()

        self.groupCombo.currentIndexChanged.connect(self._group_changed)
        self.evidenceEdit.textChanged.connect(self._refresh)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        self._group_changed()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def group(self) -> PriorityGroup | None:
        value = self.groupCombo.currentData()
        return PriorityGroup(value) if value else None

    def set_group(self, group: PriorityGroup) -> None:
        self.groupCombo.setCurrentIndex(self.groupCombo.findData(group.value))

    def _describe_workers(self) -> None:
        if len(self.workers) == 1:
            worker = self.workers[0]
            text = self.tr("人员：{name}　{id}").format(name=worker.name, id=shown_id(worker.id_number))
        else:
            text = self.tr("将标记选中的 {n} 名人员").format(n=len(self.workers))
        self.workersLabel.setText(text)
        marked = [w for w in self.workers if w.priority_group]
        if len(self.workers) == 1 and marked:
            self.noteLabel.setText(self.tr("现有标记：{group}，证明材料：{evidence}").format(
                group=group_label(marked[0].priority_group), evidence=marked[0].priority_evidence or "—"))
        elif marked:
            self.noteLabel.setText(self.tr("其中 {n} 人已有标记，将改为这里所选的类别和证明材料。").format(n=len(marked)))

    def _prefill(self) -> None:
        """What the selected workers already share (editing one worker's mark, say)."""
        groups = {w.priority_group or w.priority_claim for w in self.workers}  # verifying the claims, say
        if len(groups) == 1 and None not in groups:
            self.groupCombo.setCurrentIndex(self.groupCombo.findData(groups.pop()))
        else:
            self.groupCombo.setCurrentIndex(-1)
        evidence = {w.priority_evidence for w in self.workers}
        if len(evidence) == 1:
            self.evidenceEdit.setText(evidence.pop())

    def _group_changed(self) -> None:
        group = self.group
        if group is None:
            self.evidenceEdit.setPlaceholderText(self.tr("请先选择类别"))
        else:
            self.evidenceEdit.setPlaceholderText(self.tr("如：{hint}").format(hint=label("group", group.evidence_hint)))
            self.evidenceEdit.setToolTip(label("group", group.evidence_hint))
        self._refresh()

    def _refresh(self) -> None:
        offer(self.ok_button, self.group is not None and bool(self.evidenceEdit.text().strip()),
              self.tr("请选择重点群体类别") if self.group is None else self.tr("请填写核实所依据的证明材料"))

    def accept(self) -> None:
        group = self.group
        if group is None or not self.evidenceEdit.text().strip():
            return
        try:
            self.changed = self._save(group, self.evidenceEdit.text())
        except (ServiceError, StoreError) as exc:
            show_error(self, exc)
            return
        super().accept()


__all__ = ["PriorityDialog", "SavePriority"]
