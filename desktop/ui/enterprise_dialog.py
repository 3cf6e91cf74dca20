"""Registering or editing an enterprise.

Checks that help while typing (the credit code, the size the standard
gives) call the core; saving goes through the services, and whatever they
refuse is shown here with the field marked, the dialog staying open with
everything the clerk typed.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QCoreApplication, QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop.core.enterprise import Enterprise, EnterpriseDraft
from desktop.core.identifiers import (
    USCC_LENGTH,
    IdentifierError,
    mask_phone,
    normalize_uscc,
    parse_uscc,
    uscc_partial_problem,
)
from desktop.core.messages import Problem
from desktop.core.size import EnterpriseSize, MissingIndicatorError, decide_size, format_number
from desktop.services.enterprises import add_enterprise, update_enterprise
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.reviews import ensure_enterprise_editable
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.forms import load_form
from desktop.ui.text import error_text, problem_text, size_label
from desktop.ui.widgets import fill_county_combo, mark_problem, offer, reserve_lines, select_data

# 万元 amounts: digits with an optional fraction; empty means "not known".
_AMOUNT = QRegularExpression(r"^(\d{1,9}(\.\d{0,4})?)?$")
# Sizes offered for setting by hand, largest first, as the standard lists them.
_MANUAL_SIZES: Final = (EnterpriseSize.LARGE, EnterpriseSize.MEDIUM, EnterpriseSize.SMALL, EnterpriseSize.MICRO)


def uscc_hint(text: str) -> tuple[str, bool]:
    """What to say under the credit code as it is typed, and whether it is complete and valid."""
    normalized = normalize_uscc(text)
    code = uscc_partial_problem(text)
    if code is None:
        if len(normalized) == USCC_LENGTH:
            return "", True
        if not normalized:
            return "", False
        missing = USCC_LENGTH - len(normalized)
        return QCoreApplication.translate("EnterpriseDialog", "还差 {n} 位").format(n=missing), False
    try:
        # Padding with a valid character keeps the first wrong character (with
        # its position) or the wrong check character as the first error found.
        parse_uscc(normalized.ljust(USCC_LENGTH, "0"))
    except IdentifierError as exc:
        return problem_text(exc.problem), False
    return "", False  # not reached: parse_uscc finds whatever uscc_partial_problem found


class EnterpriseDialog(QDialog):
    # From forms/enterprise_dialog.ui (load_form sets them).
    nameEdit: QLineEdit
    usccEdit: QLineEdit
    usccProblem: QLabel
    countyCombo: QComboBox
    industryCombo: QComboBox
    staffSpin: QSpinBox
    revenueEdit: QLineEdit
    assetsEdit: QLineEdit
    sizeCombo: QComboBox
    sizeReasonEdit: QLineEdit
    sizeExplanation: QPlainTextEdit
    contactNameEdit: QLineEdit
    contactPhoneEdit: QLineEdit
    addressEdit: QLineEdit
    errorLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, workspace: Workspace, enterprise: Enterprise | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("enterprise_dialog", self)
        reserve_lines(self.usccProblem, 2)  # the longest hint wraps once
        self._ws = workspace
        self._original = enterprise
        self._masked_phone = ""  # what the phone field shows for the saved number until the clerk types over it
        self.enterprise: Enterprise | None = None  # the saved enterprise, once saved
        self._fields: dict[str, QWidget] = {
            "name": self.nameEdit, "uscc": self.usccEdit, "county_code": self.countyCombo,
            "industry": self.industryCombo, "staff_total": self.staffSpin,
            "revenue_wan": self.revenueEdit, "assets_wan": self.assetsEdit,
            "size_override": self.sizeCombo, "size_reason": self.sizeReasonEdit,
            "contact_name": self.contactNameEdit, "contact_phone": self.contactPhoneEdit,
            "address": self.addressEdit,
        }
        self._fill_choices()
        self.setWindowTitle(self.tr("新增企业") if enterprise is None else self.tr("编辑企业"))
        if enterprise is None:
            select_data(self.countyCombo, workspace.office.code)
        else:
            self._show(enterprise)
        self._connect()
        self._check_uscc()
        self._update_size()
        if enterprise is not None:
            try:
                ensure_enterprise_editable(workspace, enterprise.id)
            except ServiceError as exc:  # its case is submitted, approved or issued: said before any typing
                self._lock(error_text(exc))

    # -- setting up ------------------------------------------------------------
    def _fill_choices(self) -> None:
        fill_county_combo(self.countyCombo, self._ws.areas)
        self.industryCombo.setPlaceholderText(self.tr("请选择行业"))
        for industry in self._ws.sizes.industries():
            self.industryCombo.addItem(industry.name, industry.code)
        self.industryCombo.setCurrentIndex(-1)
        self.sizeCombo.addItem(self.tr("按标准自动划型"), "")
        for size in _MANUAL_SIZES:
            self.sizeCombo.addItem(self.tr("手工设定为{size}").format(size=size_label(size)), size.value)
        for edit in (self.revenueEdit, self.assetsEdit):
            edit.setValidator(QRegularExpressionValidator(_AMOUNT, edit))

    def _show(self, enterprise: Enterprise) -> None:
        self.nameEdit.setText(enterprise.name)
        self.usccEdit.setText(enterprise.uscc)
        select_data(self.countyCombo, enterprise.county_code)
        select_data(self.industryCombo, enterprise.industry)
        self.staffSpin.setValue(enterprise.staff_total)
        for edit, value in ((self.revenueEdit, enterprise.revenue_wan), (self.assetsEdit, enterprise.assets_wan)):
            edit.setText("" if value is None else format_number(value))
        select_data(self.sizeCombo, enterprise.size_override.value if enterprise.size_override else "")
        self.sizeReasonEdit.setText(enterprise.size_reason)
        self.contactNameEdit.setText(enterprise.contact_name)
        # Masked as in the enterprise table: the number stays as saved unless the clerk types a new one.
        self._masked_phone = mask_phone(enterprise.contact_phone) if enterprise.contact_phone else ""
        self.contactPhoneEdit.setText(self._masked_phone)
        if self._masked_phone:
            self.contactPhoneEdit.setToolTip(self.tr("为保护个人信息，电话号码部分隐藏；输入新号码即可替换"))
        self.addressEdit.setText(enterprise.address)

    def _connect(self) -> None:
        self.usccEdit.textChanged.connect(self._check_uscc)
        self.industryCombo.currentIndexChanged.connect(self._update_size)
        self.staffSpin.valueChanged.connect(self._update_size)
        self.revenueEdit.textChanged.connect(self._update_size)
        self.assetsEdit.textChanged.connect(self._update_size)
        self.sizeCombo.currentIndexChanged.connect(self._update_size)
        self.sizeReasonEdit.textChanged.connect(self._update_size)
        self.contactPhoneEdit.textEdited.connect(self._phone_typed)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)

    def _lock(self, why: str) -> None:
        """Shown, not editable: the registration is a fact the locked case rests on."""
        for widget in self._fields.values():
            if isinstance(widget, QLineEdit):
                widget.setReadOnly(True)
            else:
                widget.setEnabled(False)
        offer(self.ok_button, False, why)
        self.errorLabel.setText(why)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    # -- reading what was typed ------------------------------------------------
    def draft(self) -> EnterpriseDraft:
        size = self.sizeCombo.currentData()
        return EnterpriseDraft(
            name=self.nameEdit.text(),
            uscc=self.usccEdit.text(),
            county_code=str(self.countyCombo.currentData() or ""),
            industry=str(self.industryCombo.currentData() or ""),
            staff_total=self.staffSpin.value(),
            revenue_wan=_amount(self.revenueEdit),
            assets_wan=_amount(self.assetsEdit),
            size_override=EnterpriseSize(size) if size else None,
            size_reason=self.sizeReasonEdit.text() if size else "",
            contact_name=self.contactNameEdit.text(),
            contact_phone=self._phone(),
            address=self.addressEdit.text(),
        )

    def _phone(self) -> str:
        text = self.contactPhoneEdit.text()
        if self._original is not None and self._masked_phone and text == self._masked_phone:
            return self._original.contact_phone  # untouched: the saved number, never shown
        return text

    # -- live feedback -----------------------------------------------------------
    def _phone_typed(self, text: str) -> None:
        """The first edit of the masked number replaces it: what was typed stays, the mask's stars go."""
        masked, self._masked_phone = self._masked_phone, ""
        if not masked:
            return
        self.contactPhoneEdit.setToolTip("")
        self.contactPhoneEdit.setText(_typed_over(masked, text))

    def _check_uscc(self) -> None:
        hint, valid = uscc_hint(self.usccEdit.text())
        self.usccProblem.setText(hint)  # its two lines are reserved: nothing below moves
        offer(self.ok_button, valid, hint or self.tr("请先填写统一社会信用代码（18 位）"))

    def _update_size(self) -> None:
        self.sizeReasonEdit.setEnabled(bool(self.sizeCombo.currentData()))
        self.sizeExplanation.setPlainText(self._size_explanation())

    def _size_explanation(self) -> str:
        draft = self.draft()
        if not draft.industry:
            return self.tr("选择行业并填写指标后，这里显示按划型标准得出的企业规模。")
        try:
            result = decide_size(
                self._ws.sizes, draft.industry, staff=draft.staff_total, revenue_wan=draft.revenue_wan,
                assets_wan=draft.assets_wan, override=draft.size_override, override_reason=draft.size_reason,
            )
        except MissingIndicatorError as exc:
            return self.tr("未划型：{reason}").format(reason=exc)
        except ValueError as exc:  # e.g. a size set by hand without its reason yet
            return str(exc)
        if result.manual:
            heading = self.tr("企业规模：{size}（手工设定）").format(size=size_label(result.size))
        else:
            heading = self.tr("按标准划为：{size}企业").format(size=size_label(result.size))
        return "\n".join([heading, *(f"· {step}" for step in result.steps)])

    # -- saving --------------------------------------------------------------------
    def accept(self) -> None:
        draft = self.draft()
        try:
            if self._original is None:
                saved = add_enterprise(self._ws, draft)
            else:
                saved = update_enterprise(self._ws, self._original.id, draft)
        except ValidationError as exc:
            self._show_problems(exc.problems, "")
            return
        except StoreError as exc:
            self._show_problems([], error_text(exc), mark={"uscc"} if exc.code == "duplicate" else set())
            return
        except ServiceError as exc:
            self._show_problems([], error_text(exc))
            return
        self.enterprise = saved
        super().accept()

    def _show_problems(self, problems: list[Problem], text: str, mark: set[str] | None = None) -> None:
        named = {str(p.params.get("field", "")) for p in problems} | (mark or set())
        for field, widget in self._fields.items():
            mark_problem(widget, field in named)
        lines = [problem_text(p) for p in problems] + ([text] if text else [])
        self.errorLabel.setText("\n".join(lines))
        first = next((w for f, w in self._fields.items() if f in named), None)
        if first is not None:
            first.setFocus()


def _typed_over(before: str, after: str) -> str:
    """What one edit turning ``before`` into ``after`` inserted (empty for a deletion)."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    return after[start:len(after) - end]


def _amount(edit: QLineEdit) -> float | None:
    text = edit.text().strip().rstrip(".")
    return float(text) if text else None
