"""登记贷款申请 / 贷款申请表: one application's type, date and the fields of 附件1 or 附件2.

A new application is registered with its form in one step
(``reviews.new_application(..., form_fields=...)``); afterwards the form is
edited (``reviews.save_form``) until the case is submitted, when the services
lock it and the dialog shows it read-only, saying why. 预览申请表… draws the
form (``letters.form_pdf``) and shows it in the letter preview (print from
there); 保存为 PDF… writes it to a file. Both save unsaved changes first.

The fields come from the core's table (``desktop.core.loan_form.fields_for``),
so the dialog shows exactly what the CLI and the PDF know. A refused save
names each field in the dialog, which stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QDate, Signal
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QScrollArea, QWidget,
)

from desktop.core.enterprise import Enterprise
from desktop.core.loan_form import FormField, Kind, LoanForm, LoanType, empty_form, fields_for
from desktop.core.permissions import Permission
from desktop.services import letters, reviews
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.forms import load_form
from desktop.ui.letter_preview import LetterPreviewDialog
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import error_text, not_allowed_text, problem_text
from desktop.ui.widgets import mark_problem, offer, reserve_lines
from desktop.ui.file_places import save_file

PROBLEM_COLOR: Final = "#b3261e"
MUTED_COLOR: Final = "#666666"
LONG_LINES: Final = 3
READ_ONLY_STYLE: Final = "background: palette(window);"  # a 用途 or 经营范围 box shows three lines before it scrolls

Editor = QLineEdit | QPlainTextEdit


def _form_pdf(ws: Workspace, _state: TaskState, application_id: int) -> bytes:
    return letters.form_pdf(ws, application_id)


def _save_pdf(ws: Workspace, _state: TaskState, application_id: int, target: Path) -> Path:
    return letters.save_form_pdf(ws, application_id, target)


def _placeholder(f: FormField) -> str:
    tr = QCoreApplication.translate
    if f.kind is Kind.MONEY:
        return tr("ApplicationDialog", "万元，如 200 或 150.5")
    if f.kind is Kind.COUNT:
        return tr("ApplicationDialog", "整数")
    if f.kind is Kind.DATE:
        return tr("ApplicationDialog", "YYYY-MM-DD")
    return ""


class ApplicationDialog(QDialog):
    saved = Signal(int)  # the application's id, after it was registered or its form saved

    # From forms/application_dialog.ui (load_form sets them).
    introLabel: QLabel
    typeCaption: QLabel
    typeCombo: QComboBox
    appliedCaption: QLabel
    appliedDateEdit: QDateEdit
    fieldsCaption: QLabel
    fieldsArea: QScrollArea
    fieldsWidget: QWidget
    fieldsLayout: QFormLayout
    missingLabel: QLabel
    problemLabel: QLabel
    previewButton: QPushButton
    savePdfButton: QPushButton
    buttonBox: QDialogButtonBox

    def __init__(self, ws: Workspace, enterprise: Enterprise, application_id: int | None = None,
                 parent: QWidget | None = None, tasks: TaskRunner | None = None) -> None:
        super().__init__(parent)
        load_form("application_dialog", self)
        self._ws = ws
        self._tasks = tasks
        self.enterprise = enterprise
        self.application_id = application_id
        self.editors: dict[str, Editor] = {}
        self.preview: LetterPreviewDialog | None = None
        self.running: Task | None = None
        self.written: Path | None = None  # the last PDF saved
        self._dirty = False
        self._locked_why = ""
        for kind in LoanType:
            self.typeCombo.addItem(self.tr(kind.label) + self.tr("（附件{n}）").format(n=kind.annex_number),
                                   kind.value)
        self.appliedDateEdit.setDate(QDate.currentDate())
        self.missingLabel.setStyleSheet(f"color: {MUTED_COLOR};")
        reserve_lines(self.missingLabel, 2)  # messages keep their place: nothing moves under the mouse
        reserve_lines(self.problemLabel, 2)
        self.problemLabel.setStyleSheet(f"color: {PROBLEM_COLOR};")
        self.buttonBox.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self.previewButton.clicked.connect(self.open_preview)
        self.savePdfButton.clicked.connect(self._choose_pdf)
        self.typeCombo.currentIndexChanged.connect(self._type_changed)
        self._load()

    @property
    def save_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Save)

    @property
    def loan_type(self) -> LoanType:
        return LoanType(self.typeCombo.currentData())

    # -- showing ---------------------------------------------------------------------
    def _load(self) -> None:
        name = self.enterprise.name
        form = empty_form(LoanType.WORKING_CAPITAL)
        if self.application_id is None:
            self.setWindowTitle(self.tr("登记贷款申请 — {name}").format(name=name))
            self.introLabel.setText(self.tr(
                "为“{name}”登记贷款申请：选择贷款种类，填写申请表，点“保存”。登记后可在“审核”页认定、提交。"
            ).format(name=name))
        else:
            try:
                form = reviews.form_of(self._ws, self.application_id)
                status = reviews.status(self._ws, self.application_id)
                reviews.ensure_editable(self._ws, self.application_id)
            except ServiceError as exc:
                self._locked_why = error_text(exc)
                status = reviews.status(self._ws, self.application_id)
            except StoreError as exc:
                self._locked_why = error_text(exc)
                status = None
            self.setWindowTitle(self.tr("贷款申请表 — {name}").format(name=name))
            if status is not None:
                applied = status.case.applied_on or ""
                if applied:
                    self.appliedDateEdit.setDate(QDate.fromString(applied, "yyyy-MM-dd"))
                self.introLabel.setText(self.tr("“{name}”的贷款申请第 {id} 号（{status}）").format(
                    name=name, id=self.application_id, status=status.status.label))
            self.appliedDateEdit.setEnabled(False)
            self.appliedDateEdit.setToolTip(self.tr("申请日期在登记时填写"))
        if not self._ws.can(Permission.SUBMIT_REVIEW):
            self._locked_why = not_allowed_text(self._ws.actor, Permission.SUBMIT_REVIEW)
        self.typeCombo.blockSignals(True)
        self.typeCombo.setCurrentIndex(self.typeCombo.findData(form.loan_type.value))
        self.typeCombo.blockSignals(False)
        self._build_fields(form.loan_type, {k: form.shown(k) for k in form.values})
        self._dirty = False
        self._update_state(form)

    def _build_fields(self, loan_type: LoanType, values: dict[str, str]) -> None:
        layout = self.fieldsLayout
        while layout.rowCount():
            layout.removeRow(0)
        self.editors.clear()
        for f in fields_for(loan_type):
            caption = self.tr(f.label) + ("*" if f.required else "") + self.tr("：")
            editor: Editor
            if f.kind is Kind.LONG:
                editor = QPlainTextEdit(self.fieldsWidget)
                editor.setTabChangesFocus(True)
                editor.setFixedHeight(editor.fontMetrics().lineSpacing() * LONG_LINES + 12)
                editor.setPlainText(values.get(f.key, ""))
                editor.textChanged.connect(lambda e=editor: self._edited(e))
            else:
                editor = QLineEdit(values.get(f.key, ""), self.fieldsWidget)
                editor.setPlaceholderText(_placeholder(f))
                editor.setMaxLength(f.max_length)
                editor.textEdited.connect(lambda _text, e=editor: self._edited(e))
            editor.setObjectName(f"field_{f.key}")
            editor.setReadOnly(bool(self._locked_why))
            if self._locked_why:  # read-only should look it: white boxes invite typing
                editor.setStyleSheet(READ_ONLY_STYLE)
                editor.setToolTip(self._locked_why)
                if isinstance(editor, QLineEdit):
                    editor.setPlaceholderText("")  # no "万元，如 200" hints where nothing can be typed
            self.editors[f.key] = editor
            layout.addRow(caption, editor)

    def values(self) -> dict[str, str]:
        """What is typed in each field (blank clears it)."""
        return {key: (e.toPlainText() if isinstance(e, QPlainTextEdit) else e.text()).strip()
                for key, e in self.editors.items()}

    def set_value(self, key: str, text: str) -> None:
        editor = self.editors[key]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)
        else:
            editor.setText(text)
            self._changed()

    def _type_changed(self) -> None:
        kept = self.values()
        self._build_fields(self.loan_type, kept)  # fields the other form lacks are dropped
        self._changed()

    def _edited(self, editor: Editor) -> None:
        """A field named by a refused save is being corrected: its mark (and, the last one gone, the message) goes."""
        if editor.property("problem"):
            mark_problem(editor, False)
            if not any(e.property("problem") for e in self.editors.values()):
                self.problemLabel.clear()
        self._changed()

    def _changed(self) -> None:
        self._dirty = True
        self._update_state(None)

    def _update_state(self, form: LoanForm | None) -> None:
        editable = not self._locked_why
        new = self.application_id is None
        offer(self.typeCombo, editable, self._locked_why)
        offer(self.save_button, editable and (self._dirty or new),
              self._locked_why or self.tr("没有未保存的修改"))
        pdf_why = self.tr("请先保存：登记后才能预览和打印申请表") if new else ""
        offer(self.previewButton, not new, pdf_why)
        offer(self.savePdfButton, not new, pdf_why)
        if self._locked_why:
            self.missingLabel.setText(self._locked_why)
            return
        blank = [self.tr(f.label) for f in fields_for(self.loan_type)
                 if f.required and not self.values().get(f.key)]
        self.missingLabel.setText(self.tr("尚未填写：{fields}").format(fields="、".join(blank)) if blank
                                  else self.tr("必填栏目都已填写"))

    def _show_problems(self, exc: Exception) -> None:
        for editor in self.editors.values():
            mark_problem(editor, False)
        if isinstance(exc, ValidationError):
            lines = []
            for p in exc.problems:
                marked = self.editors.get(str(p.params.get("field", "")))
                if marked is not None:
                    mark_problem(marked, True)
                lines.append(problem_text(p))
            self._say("\n".join(lines), error=True)
            first = next((self.editors[str(p.params.get("field"))] for p in exc.problems
                          if p.params.get("field") in self.editors), None)
            if first is not None:
                first.setFocus()
                self.fieldsArea.ensureWidgetVisible(first)
        else:
            self._say(error_text(exc), error=True)

    # -- saving ------------------------------------------------------------------------
    def save(self) -> bool:
        """Register the application (new) or save its form; the dialog stays open either way."""
        if self._locked_why:
            return False
        try:
            if self.application_id is None:
                day = self.appliedDateEdit.date()
                row = reviews.new_application(
                    self._ws, self.enterprise.uscc, loan_type=self.loan_type,
                    applied_on=date(day.year(), day.month(), day.day()),
                    form_fields={k: v for k, v in self.values().items() if v})
                self.application_id = row.id
                done = self.tr("已登记贷款申请第 {id} 号。").format(id=row.id)
            else:
                reviews.save_form(self._ws, self.application_id, self.values(), loan_type=self.loan_type)
                done = self.tr("已保存申请表。")
        except (ServiceError, StoreError) as exc:
            self._show_problems(exc)
            return False
        for editor in self.editors.values():
            mark_problem(editor, False)
        app_id = self.application_id
        self._load()
        self._say(done)
        self.saved.emit(app_id)
        return True

    def _saved_first(self) -> bool:
        return not (self._dirty and not self._locked_why) or self.save()

    # -- the PDF -------------------------------------------------------------------------
    def _run(self, fn: Callable[..., object], *args: object, label: str,
             done: Callable[[Any], None]) -> Task | None:
        """``fn(ws, state, application id, *args)`` on the database worker (at once without a runner)."""
        if self.application_id is None or self.running is not None or not self._saved_first():
            return None
        if self._tasks is None:
            try:
                result = fn(self._ws, None, self.application_id, *args)
            except (ServiceError, StoreError, OSError) as exc:
                self._say(error_text(exc), error=True)
                return None
            done(result)
            return None
        task = self._tasks.run(fn, self.application_id, *args, ws_factory=opener(self._ws),
                               label=label, parent=self)
        self.running = task
        task.finished.connect(self._ended)
        task.success(done)
        task.failure(lambda exc: self._say(error_text(exc), error=True))
        return task

    def _ended(self) -> None:
        self.running = None

    def _say(self, text: str, *, error: bool = False) -> None:
        self.problemLabel.setStyleSheet(f"color: {PROBLEM_COLOR if error else MUTED_COLOR};")
        self.problemLabel.setText(text)

    def open_preview(self) -> Task | None:
        """预览申请表…: drawn in the background, then shown in the preview (打印… is there)."""
        return self._run(_form_pdf, label=self.tr("正在排版申请表…"), done=self._show_preview)

    def _show_preview(self, data: bytes) -> None:
        title = self.tr("{form}（附件{n}）— {name}").format(
            form=self.tr(self.loan_type.form_title), n=self.loan_type.annex_number, name=self.enterprise.name)
        dialog = LetterPreviewDialog(data, title, self)
        dialog.finished.connect(dialog.deleteLater)
        self.preview = dialog
        dialog.open()

    def _choose_pdf(self) -> None:
        suggested = self.tr("{name}_附件{n}.pdf").format(name=self.enterprise.name, n=self.loan_type.annex_number)
        path = save_file(self, "letter", self.tr("保存申请表为 PDF"), suggested, self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_pdf(Path(path))

    def save_pdf(self, target: Path) -> Task | None:
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        return self._run(_save_pdf, target, label=self.tr("正在保存申请表…"), done=self._pdf_saved)

    def _pdf_saved(self, path: Path) -> None:
        self.written = path
        self._say(self.tr("已保存：{path}").format(path=path))
