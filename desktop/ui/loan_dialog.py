"""登记贷款: the loan an enterprise signed after its approval (issue 14, step 1), in the window.

The same service as ``laoxie loan add``: the fields are checked by the core, a rate above the LPR
or a preferential period over the limit (三（五）) is shown and must be confirmed by the clerk
before the loan is recorded; a refusal keeps the dialog open with its reason.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox,
    QSpinBox, QVBoxLayout, QWidget,
)

from desktop.core.loans import LoanDraft
from desktop.services import loans
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.text import error_text
from desktop.ui.widgets import reserve_lines


def _date(edit: QDateEdit) -> datetime.date:
    d = edit.date()
    return datetime.date(d.year(), d.month(), d.day())


class LoanDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.recorded: loans.LoanResult | None = None
        self.setWindowTitle(self.tr("登记贷款"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("企业凭借款合同登记：须是审核已批准（或已出具确认书）的贷款申请。"), self))
        form = QFormLayout()
        self.enterpriseCombo = QComboBox(self)
        for e in loans.loan_enterprises(workspace):  # only those a loan can be recorded for
            self.enterpriseCombo.addItem(f"{e.name}（{e.uscc}）", e.uscc)
        self.bankEdit = QLineEdit(self)
        self.bankEdit.setPlaceholderText(self.tr("如：国家开发银行吉林省分行"))
        self.contractEdit = QLineEdit(self)
        self.amountEdit = QLineEdit(self)
        self.amountEdit.setPlaceholderText(self.tr("万元"))
        today = QDate.currentDate()
        self.startEdit = QDateEdit(today, self)
        self.startEdit.setCalendarPopup(True)
        self.startEdit.setDisplayFormat("yyyy-MM-dd")
        self.termSpin = QSpinBox(self)
        self.termSpin.setRange(1, 360)
        self.termSpin.setValue(36)
        self.termSpin.setSuffix(self.tr(" 个月"))
        self.rateEdit = QLineEdit(self)
        self.rateEdit.setPlaceholderText(self.tr("年利率，%"))
        self.preferentialCheck = QCheckBox(self.tr("有优惠期，截至"), self)
        self.preferentialEdit = QDateEdit(today, self)
        self.preferentialEdit.setCalendarPopup(True)
        self.preferentialEdit.setDisplayFormat("yyyy-MM-dd")
        self.preferentialEdit.setEnabled(False)
        self.preferentialCheck.toggled.connect(self.preferentialEdit.setEnabled)
        form.addRow(self.tr("企业："), self.enterpriseCombo)
        form.addRow(self.tr("贷款银行："), self.bankEdit)
        form.addRow(self.tr("借款合同编号："), self.contractEdit)
        form.addRow(self.tr("贷款金额："), self.amountEdit)
        form.addRow(self.tr("起始日期："), self.startEdit)
        form.addRow(self.tr("贷款期限："), self.termSpin)
        form.addRow(self.tr("利率："), self.rateEdit)
        form.addRow(self.preferentialCheck, self.preferentialEdit)
        layout.addLayout(form)
        self.messageLabel = QLabel(self)
        self.messageLabel.setStyleSheet("color: #b00020")
        reserve_lines(self.messageLabel, 3)  # no jump when a reason shows
        layout.addWidget(self.messageLabel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("登记"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if not self.enterpriseCombo.count():
            self.ok_button.setEnabled(False)
            self.messageLabel.setText(self.tr(
                "还没有审核已批准（或已出具确认书）的贷款申请：在“审核”页批准后，才能为企业登记贷款。"))

    def draft(self) -> LoanDraft | None:
        """The typed loan, or None with the reason shown when an amount or rate is not a number."""
        numbers: list[Decimal] = []
        for edit, what in ((self.amountEdit, self.tr("贷款金额")), (self.rateEdit, self.tr("利率"))):
            try:
                numbers.append(Decimal(edit.text().strip().replace(",", "")))
            except InvalidOperation:
                self.messageLabel.setText(self.tr("{what}请写数字。").format(what=what))
                edit.setFocus()
                return None
        return LoanDraft(
            bank_branch=self.bankEdit.text(), contract_number=self.contractEdit.text(), amount_wan=numbers[0],
            start_date=_date(self.startEdit), term_months=self.termSpin.value(), rate=numbers[1],
            preferential_end=_date(self.preferentialEdit) if self.preferentialCheck.isChecked() else None,
        )

    def accept(self) -> None:
        self.messageLabel.clear()  # the reason of an earlier try is no longer true
        draft = self.draft()
        if draft is None:
            return
        uscc = str(self.enterpriseCombo.currentData() or "")
        try:
            check = loans.preview_loan(self._ws, draft)
            acknowledge = False
            if check.ok and check.warnings:
                text = "\n".join(f"· {w.text()}" for w in check.warnings)
                answer = QMessageBox.question(
                    self, self.tr("请确认提示"),
                    self.tr("这笔贷款有以下提示：\n{warnings}\n\n已核实借款合同、确认无误后登记吗？这些提示会与贷款一起记录。")
                    .format(warnings=text))
                if answer != QMessageBox.StandardButton.Yes:
                    return
                acknowledge = True
            self.recorded = loans.add_loan(self._ws, uscc, draft, acknowledge=acknowledge)
        except (ServiceError, StoreError) as exc:
            self.messageLabel.setText(error_text(exc))
            return
        super().accept()
