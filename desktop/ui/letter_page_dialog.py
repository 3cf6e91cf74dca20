"""确认书版式: the office's letter page choices (GB/T 9704-2012), the same setting as `laoxie letter --page`.

A red separator line under the 发文字号, and the 版记 (抄送; 印发机关, dated the
day of issue). 预览样稿… draws the newest application's 样稿 with the choices
as they stand in the dialog (nothing saved); 保存 keeps them for the letters
issued from then on, audited (``OFFICE_SETTINGS``; others see them read-only).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.core.letter import LetterPage
from desktop.core.permissions import Permission
from desktop.services import letter_settings
from desktop.services import letters as letter_service
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.forms import load_form
from desktop.ui.letter_preview import LetterPreviewDialog
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import error_text, not_allowed_text
from desktop.ui.widgets import offer


def _sample(ws: Workspace, state: TaskState | None, application_id: int, page: LetterPage) -> bytes:
    return letter_service.draft_pdf(ws, application_id, page=page)


class LetterPageDialog(QDialog):
    # From forms/letter_page_dialog.ui (load_form sets them).
    introLabel: QLabel
    redLineCheck: QCheckBox
    copyToEdit: QLineEdit
    printerEdit: QLineEdit
    recordLabel: QLabel
    previewButton: QPushButton
    previewNote: QLabel
    problemLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, tasks: TaskRunner | None = None) -> None:
        super().__init__(parent)
        load_form("letter_page_dialog", self)
        self._ws = workspace
        self._tasks = tasks
        self.saved: LetterPage | None = None
        self.preview: LetterPreviewDialog | None = None
        self.running: Task | None = None
        self.editable = workspace.can(Permission.OFFICE_SETTINGS)
        self.stored = letter_settings.letter_page(workspace)
        self.redLineCheck.setChecked(self.stored.red_line)
        self.copyToEdit.setText(self.stored.copy_to)
        self.printerEdit.setText(self.stored.printer)
        self.printerEdit.setPlaceholderText(self.tr("不填则为本单位名称：{name}").format(name=workspace.office.name))
        self.sample_id = letter_service.page_sample_application(workspace)
        if self.sample_id is None:
            offer(self.previewButton, False, self.tr("本单位还没有贷款申请，无法预览样稿"))
        else:
            self.previewNote.setText(self.tr("以最近登记的贷款申请排版，不编号、不保存。"))
        why = not_allowed_text(workspace.actor, Permission.OFFICE_SETTINGS)
        for widget in (self.redLineCheck, self.copyToEdit, self.printerEdit):
            offer(widget, self.editable, why)
        if not self.editable:
            self.save_button.hide()
            self.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("关闭"))
        self.redLineCheck.toggled.connect(self._changed)
        self.copyToEdit.textChanged.connect(self._changed)
        self.printerEdit.textChanged.connect(self._changed)
        self.previewButton.clicked.connect(self.open_preview)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        self._changed()

    @property
    def save_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Save)

    def page(self) -> LetterPage:
        """The choices as the dialog shows them."""
        return LetterPage(red_line=self.redLineCheck.isChecked(), copy_to=" ".join(self.copyToEdit.text().split()),
                          printer=" ".join(self.printerEdit.text().split()))

    def _changed(self) -> None:
        page = self.page()
        if page.copy_to or page.printer:
            self.recordLabel.setText(self.tr("版记：抄送 {copy_to}；{printer} 印发，日期为出具日期。").format(
                copy_to=page.copy_to or self.tr("（无）"), printer=page.printer or self._ws.office.name))
        else:
            self.recordLabel.setText(self.tr("不印版记（抄送和印发机关都未填写）。"))
        if self.editable:
            offer(self.save_button, page != self.stored, self.tr("版式没有改动"))

    # -- preview -----------------------------------------------------------------------
    def open_preview(self) -> Task | None:
        """预览样稿…: the newest application's 样稿 with the choices shown (drawn in the background)."""
        if self.sample_id is None or self.running is not None:
            return None
        page = self.page()
        if self._tasks is None:
            try:
                data = _sample(self._ws, None, self.sample_id, page)
            except (ServiceError, StoreError, OSError) as exc:
                self.problemLabel.setText(error_text(exc))
                return None
            self._show_preview(data)
            return None
        task = self._tasks.run(_sample, self.sample_id, page, ws_factory=opener(self._ws),
                               label=self.tr("正在排版样稿…"), parent=self)
        self.running = task
        task.finished.connect(self._ended)
        task.success(self._show_preview)
        task.failure(lambda exc: self.problemLabel.setText(error_text(exc)))
        return task

    def _ended(self) -> None:
        self.running = None

    def _show_preview(self, data: bytes) -> None:
        self.problemLabel.setText("")
        dialog = LetterPreviewDialog(data, self.tr("确认书样稿（版式预览）"), self)
        dialog.finished.connect(dialog.deleteLater)
        self.preview = dialog
        dialog.open()

    # -- saving ------------------------------------------------------------------------
    def accept(self) -> None:
        if not self.editable or self.page() == self.stored:
            super().reject()
            return
        try:
            self.saved = letter_settings.set_letter_page(self._ws, self.page())
        except (ServiceError, StoreError) as exc:
            self.problemLabel.setText(error_text(exc))
            return
        super().accept()
