"""The approver departs from the computed result ("原则上"): the final result and a written reason."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from desktop.core.decision import Decision, Result
from desktop.services.eligibility import StoredDecision
from desktop.services.errors import ServiceError
from desktop.store import StoreError
from desktop.ui.decision_view import label, result_detail, result_html
from desktop.ui.forms import load_form
from desktop.ui.text import error_text
from desktop.ui.widgets import offer

SaveOverride = Callable[[Result, str], StoredDecision]


class OverrideDialog(QDialog):
    # From forms/override_dialog.ui (load_form sets them).
    introLabel: QLabel
    computedLabel: QLabel
    finalGroup: QGroupBox
    passRadio: QRadioButton
    failRadio: QRadioButton
    reasonCaption: QLabel
    reasonEdit: QPlainTextEdit
    approverLabel: QLabel
    problemLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, decision: Decision, approver: str, save: SaveOverride, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("override_dialog", self)
        self._save = save
        self.saved: StoredDecision | None = None
        self.computedLabel.setText(self.tr("计算结论：{result}　{detail}").format(
            result=result_html(decision.computed_result, point_size=12), detail=result_detail(decision)))
        self.approverLabel.setText(self.tr("审核人：{name}").format(name=approver))
        # Only the other result can be chosen: "changing" to the computed one is refused by the engine.
        same = self.passRadio if decision.computed_result is Result.PASS else self.failRadio
        other = self.failRadio if same is self.passRadio else self.passRadio
        same.setEnabled(False)
        same.setToolTip(self.tr("与计算结论相同"))
        other.setChecked(True)
        if decision.override is not None:
            self.problemLabel.setText(self.tr("此结论已由{by}改变过（{final}）；再次改变将另存一条记录。").format(
                by=decision.override.by, final=label("eligibility", decision.final_result.label)))
        self.ok_button.setText(self.tr("确定改变结论"))
        self.reasonEdit.textChanged.connect(self._refresh)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        self._refresh()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    def final_result(self) -> Result:
        return Result.PASS if self.passRadio.isChecked() else Result.FAIL

    def _refresh(self) -> None:
        offer(self.ok_button, bool(self.reasonEdit.toPlainText().strip()), self.tr("请先写明改变结论的理由"))

    def accept(self) -> None:
        try:
            self.saved = self._save(self.final_result(), self.reasonEdit.toPlainText())
        except (ServiceError, StoreError) as exc:
            self.problemLabel.setText(error_text(exc))
            return
        super().accept()
