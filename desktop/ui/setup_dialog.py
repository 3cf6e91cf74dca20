"""The office's own details: asked on first run (with the first admin
account), editable later under 设置."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.core.areas import AreaTable
from desktop.core.messages import Problem
from desktop.core.office import PROVINCES, Office, letter_prefix_problem
from desktop.services.errors import ServiceError, ValidationError
from desktop.store import StoreError
from desktop.ui.forms import load_form
from desktop.ui.text import error_text, problem_text
from desktop.ui.widgets import fill_county_combo, mark_problem, select_data


@dataclass(frozen=True)
class SetupValues:
    county_code: str
    name: str
    letter_prefix: str
    admin_username: str = ""  # first run only
    admin_password: str = ""
    kind: str = "county"  # or "province" (省级: county_code is the province's code)


SaveOffice = Callable[[SetupValues], Office]


class SetupDialog(QDialog):
    # From forms/setup_dialog.ui (load_form sets them).
    introLabel: QLabel
    levelCombo: QComboBox  # 0 县级, 1 省级
    countyCaption: QLabel
    countyCombo: QComboBox
    officeNameEdit: QLineEdit
    prefixEdit: QLineEdit
    previewLabel: QLabel
    dbPathLabel: QLabel
    adminGroup: QGroupBox
    adminUserEdit: QLineEdit
    passwordEdit: QLineEdit
    passwordAgainEdit: QLineEdit
    problemLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(
        self,
        areas: AreaTable,
        db_path: Path,
        save: SaveOffice,
        *,
        office: Office | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """First run when ``office`` is None (asks for an admin account too); else editing it."""
        super().__init__(parent)
        load_form("setup_dialog", self)
        self._save = save
        self._first_run = office is None
        self.office: Office | None = None  # set once saved
        self._fields: dict[str, QWidget] = {
            "county": self.countyCombo, "office": self.officeNameEdit, "prefix": self.prefixEdit,
            "username": self.adminUserEdit, "password": self.passwordEdit,
        }

        self._areas = areas
        self._county_hints = (self.officeNameEdit.placeholderText(), self.prefixEdit.placeholderText())
        fill_county_combo(self.countyCombo, areas)
        self.dbPathLabel.setText(str(db_path))
        if office is not None:
            self.levelCombo.setCurrentIndex(1 if office.is_province else 0)
            self._level_changed()
            self.levelCombo.setEnabled(False)  # a county's file never becomes the province's
            self.setWindowTitle(self.tr("本单位信息"))
            self.introLabel.setText(self.tr("修改后，新出具的确认书和报送批次使用新的信息；已出具的不变。"))
            self.adminGroup.hide()
            select_data(self.countyCombo, office.code)
            self.officeNameEdit.setText(office.name)
            self.prefixEdit.setText(office.letter_prefix)

        self.levelCombo.currentIndexChanged.connect(self._level_changed)
        self.countyCombo.currentIndexChanged.connect(self._refresh)
        for edit in (self.officeNameEdit, self.prefixEdit, self.adminUserEdit, self.passwordEdit,
                     self.passwordAgainEdit):
            edit.textChanged.connect(self._refresh)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        self._refresh()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def kind(self) -> str:
        return "province" if self.levelCombo.currentIndex() == 1 else "county"

    def _level_changed(self) -> None:
        """省级 offers the province, 县级 the counties."""
        self.countyCombo.clear()
        if self.kind == "province":
            self.countyCaption.setText(self.tr("所在省："))
            for code, name in PROVINCES.items():
                self.countyCombo.addItem(f"{self.tr(name)}（{code}）", code)
            self.officeNameEdit.setPlaceholderText(self.tr("如：吉林省就业服务局"))
            self.prefixEdit.setPlaceholderText(self.tr("如：吉人社劳协"))
        else:
            self.countyCaption.setText(self.tr("所在县（市、区）："))
            fill_county_combo(self.countyCombo, self._areas)
            self.officeNameEdit.setPlaceholderText(self._county_hints[0])
            self.prefixEdit.setPlaceholderText(self._county_hints[1])
        self._refresh()

    def values(self) -> SetupValues:
        return SetupValues(
            county_code=str(self.countyCombo.currentData() or ""),
            name=self.officeNameEdit.text(),
            letter_prefix=self.prefixEdit.text(),
            admin_username=self.adminUserEdit.text().strip() if self._first_run else "",
            admin_password=self.passwordEdit.text() if self._first_run else "",
            kind=self.kind,
        )

    def _refresh(self) -> None:
        values = self.values()
        prefix = values.letter_prefix.strip()
        prefix_code = letter_prefix_problem(prefix) if prefix else None
        self.problemLabel.setText(problem_text(Problem(prefix_code, {"value": prefix})) if prefix_code else "")
        if prefix and not prefix_code:
            sample = Office(0, values.county_code, values.name, "county", prefix)
            self.previewLabel.setText(sample.letter_number(datetime.date.today().year, 1))
        else:
            self.previewLabel.setText("")
        needed = [values.county_code, values.name.strip(), prefix]
        if self._first_run:
            needed += [values.admin_username, values.admin_password, self.passwordAgainEdit.text()]
        self.ok_button.setEnabled(all(needed) and prefix_code is None)

    def accept(self) -> None:
        if self._first_run and self.passwordEdit.text() != self.passwordAgainEdit.text():
            self._show_problems([Problem("password_mismatch", {"field": "password"})])
            return
        try:
            self.office = self._save(self.values())
        except ValidationError as exc:
            self._show_problems(exc.problems)
            return
        except (ServiceError, StoreError) as exc:
            self._show_problems([])
            self.problemLabel.setText(error_text(exc))
            return
        super().accept()

    def _show_problems(self, problems: list[Problem]) -> None:
        named = {str(p.params.get("field", "")) for p in problems}
        for field, widget in self._fields.items():
            mark_problem(widget, field in named)
        self.problemLabel.setText("\n".join(problem_text(p) for p in problems))
        first = next((w for f, w in self._fields.items() if f in named), None)
        if first is not None:
            first.setFocus()
