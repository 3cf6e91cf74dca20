"""The 审核流程 box of the 审核 page: the application's status, the evidence ticks, and the steps.

提交审核 (clerk), 批准 and 退回… (an approver other than the one who
submitted), 重新打开… (approver, with a reason). Each button is enabled only
when the workflow rules (``desktop.core.review.check``) allow it for this
user now; otherwise its tooltip says why. The services check again and their
refusals are shown in Chinese.

Given the window's task runner, a step runs on the database worker (批准
takes a verified backup first, which on a large office file is not a blink)
and the buttons wait until it is done; without one (a bare box in a test) it
runs at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout,
    QWidget,
)

from desktop.core.review import CaseFacts, ReviewError, Status, Step, check
from desktop.services import reviews
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.decision_view import FAIL_COLOR, MUTED_COLOR
from desktop.ui.errors import environment_text, is_environment_error, show_exception
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import error_text
from desktop.ui.widgets import confirm, offer, reserve_lines

_STATUS_COLORS = {
    Status.DRAFT: MUTED_COLOR, Status.SUBMITTED: "#9a6700", Status.RETURNED: FAIL_COLOR,
    Status.APPROVED: "#1b7f3b", Status.ISSUED: "#1b7f3b", Status.WITHDRAWN: MUTED_COLOR,
}


class ReasonDialog(QDialog):
    """A required reason: 确定 with nothing typed is refused in the dialog, which stays open."""

    def __init__(self, parent: QWidget | None, title: str, prompt: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.promptLabel = QLabel(prompt, self)
        self.promptLabel.setWordWrap(True)
        self.reasonEdit = QPlainTextEdit(self)
        self.reasonEdit.setTabChangesFocus(True)
        self.problemLabel = QLabel(self)
        self.problemLabel.setStyleSheet(f"color: {FAIL_COLOR};")
        reserve_lines(self.problemLabel, 1)  # the refusal does not move the buttons
        self.buttonBox = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                          self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.promptLabel)
        layout.addWidget(self.reasonEdit, 1)
        layout.addWidget(self.problemLabel)
        layout.addWidget(self.buttonBox)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        self.resize(420, 240)

    @property
    def reason(self) -> str:
        return self.reasonEdit.toPlainText().strip()

    def accept(self) -> None:
        if not self.reason:
            self.problemLabel.setText(self.tr("理由必须填写：请写明理由，或点“取消”。"))
            self.reasonEdit.setFocus()
            return
        super().accept()


def ask_reason(parent: QWidget, title: str, prompt: str) -> str | None:
    """A reason typed by the user (never blank); None when cancelled (tests replace this function)."""
    dialog = ReasonDialog(parent, title, prompt)
    try:
        return dialog.reason if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def why_not(step: Step, facts: CaseFacts, ws: Workspace) -> str:
    """"" when the rules allow the step now, else why not (in Chinese)."""
    try:
        check(step, facts, reviews.person(ws), reason="-")
    except ReviewError as exc:
        return str(exc)
    return ""


class WorkflowBox(QGroupBox):
    """Status, evidence and the workflow buttons of one application."""

    changed = Signal(int)  # the application's id, after a step or a tick was saved

    def __init__(self, workspace: Workspace, review_date: Callable[[], date] | None = None,
                 parent: QWidget | None = None, tasks: TaskRunner | None = None) -> None:
        super().__init__(self.tr("审核流程"), parent)
        self.setObjectName("workflowGroup")
        self._ws = workspace
        self._tasks = tasks
        self.running: Task | None = None  # the step under way on the worker
        self._review_date = review_date
        self._app_id: int | None = None
        self.status: reviews.ReviewStatus | None = None

        self.statusLabel = QLabel(self)
        self.statusLabel.setTextFormat(Qt.TextFormat.RichText)
        self.statusLabel.setWordWrap(True)
        self.contractsCheck = QCheckBox(self.tr("已核对劳动合同复印件"), self)
        self.wagesCheck = QCheckBox(self.tr("已核对工资发放证明"), self)
        self.submitButton = QPushButton(self.tr("提交审核"), self)
        self.approveButton = QPushButton(self.tr("批准"), self)
        self.returnButton = QPushButton(self.tr("退回…"), self)
        self.reopenButton = QPushButton(self.tr("重新打开…"), self)
        self.messageLabel = QLabel(self)
        self.messageLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.messageLabel.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.statusLabel)
        row = QHBoxLayout()
        row.addWidget(self.contractsCheck)
        row.addWidget(self.wagesCheck)
        row.addStretch(1)
        for button in (self.submitButton, self.approveButton, self.returnButton, self.reopenButton):
            row.addWidget(button)
        layout.addLayout(row)
        layout.addWidget(self.messageLabel)

        self.contractsCheck.toggled.connect(lambda _on: self._evidence_changed())
        self.wagesCheck.toggled.connect(lambda _on: self._evidence_changed())
        self.submitButton.clicked.connect(self.submit)
        self.approveButton.clicked.connect(self.ask_approve)
        self.returnButton.clicked.connect(self.return_for_changes)
        self.reopenButton.clicked.connect(self.reopen)
        self.set_application(None)

    # -- showing ----------------------------------------------------------------------
    @property
    def application_id(self) -> int | None:
        return self._app_id

    def set_application(self, application_id: int | None) -> None:
        self._app_id = application_id
        self.messageLabel.clear()
        self.refresh()

    def refresh(self) -> None:
        self.status = None
        facts: CaseFacts | None = None
        if self._app_id is not None:
            try:
                self.status = reviews.status(self._ws, self._app_id)
                facts = reviews.case_facts(self._ws, self.status.case)
            except (ServiceError, StoreError) as exc:
                self._say(error_text(exc), error=True)
        self._show(facts)

    def _show(self, facts: CaseFacts | None) -> None:
        s = self.status
        for box in (self.contractsCheck, self.wagesCheck):
            box.blockSignals(True)
        if s is None or facts is None:
            self.statusLabel.setText(f'<span style="color:{MUTED_COLOR}">{self.tr("没有贷款申请：无审核流程")}</span>')
            self.contractsCheck.setChecked(False)
            self.wagesCheck.setChecked(False)
            none = self.tr("请先选择有贷款申请的企业")
            for widget in (self.contractsCheck, self.wagesCheck, self.submitButton, self.approveButton,
                           self.returnButton, self.reopenButton):
                offer(widget, False, none)
        else:
            self.statusLabel.setText(self._status_html(s))
            self.contractsCheck.setChecked(s.case.evidence_contracts)
            self.wagesCheck.setChecked(s.case.evidence_wages)
            if s.status.locked or s.status is Status.WITHDRAWN:
                why = self.tr("申请为“{status}”，材料已锁定").format(status=s.status.label)
            else:
                why = why_not(Step.WITHDRAW, facts, self._ws)  # the same right and statuses as ticking evidence
            for box in (self.contractsCheck, self.wagesCheck):
                offer(box, not why, why)
            # Submitting records the current decision first: do not ask for one here.
            submit_facts = CaseFacts(facts.status, facts.version, facts.prepared_by, facts.evidence_contracts,
                                     facts.evidence_wages, has_decision=True)
            for button, step, the_facts in ((self.submitButton, Step.SUBMIT, submit_facts),
                                            (self.approveButton, Step.APPROVE, facts),
                                            (self.returnButton, Step.RETURN, facts),
                                            (self.reopenButton, Step.REOPEN, facts)):
                why = why_not(step, the_facts, self._ws)
                offer(button, not why, why)
        for box in (self.contractsCheck, self.wagesCheck):
            box.blockSignals(False)

    def _status_html(self, s: reviews.ReviewStatus) -> str:
        color = _STATUS_COLORS.get(s.status, MUTED_COLOR)
        parts = [self.tr("状态：{status}").format(status=f'<b style="color:{color}">{s.status.label}</b>'),
                 self.tr("第 {v} 版").format(v=s.case.version)]
        if s.prepared_by:
            parts.append(self.tr("经办人 {name}").format(name=s.prepared_by))
        if s.approved_by:
            parts.append(self.tr("审核人 {name}").format(name=s.approved_by))
        if s.letter_number:
            parts.append(self.tr("确认书 {number}").format(number=s.letter_number))
        text = "　".join(parts)
        if s.status is Status.RETURNED and s.case.return_reason:
            text += "<br>" + self.tr("退回理由：{reason}").format(reason=s.case.return_reason)
        if s.missing and not s.status.locked:
            text += "<br>" + f'<span style="color:{MUTED_COLOR}">' + self.tr("提交前须核对：{what}").format(
                what="、".join(s.missing)) + "</span>"
        return text

    def _say(self, text: str, *, error: bool = False) -> None:
        self.messageLabel.setStyleSheet(f"color: {FAIL_COLOR};" if error else "")
        self.messageLabel.setText(text)

    # -- acting ----------------------------------------------------------------------------
    def _evidence_changed(self) -> None:
        if self._app_id is None:
            return
        try:
            reviews.set_evidence(self._ws, self._app_id, contracts=self.contractsCheck.isChecked(),
                                 wages=self.wagesCheck.isChecked())
        except (ServiceError, StoreError) as exc:
            self._failed(exc)
            return
        self.refresh()
        self._say(self.tr("已保存材料核对情况"))
        self.changed.emit(self._app_id)

    def _take(self, action: Callable[..., object], label: str, done: str, *args: Any) -> bool:
        """Run ``action(ws, application_id, *args)``: on the worker when there is a runner.

        True when the step was taken (at once) or started (on the worker); the
        result then arrives through ``changed`` or an error message.
        """
        app_id = self._app_id
        if app_id is None or self.running is not None:
            return False
        if self._tasks is None:
            try:
                action(self._ws, app_id, *args)
            except (ServiceError, StoreError) as exc:
                self._failed(exc)
                return False
            self._taken(app_id, done)
            return True
        for button in (self.submitButton, self.approveButton, self.returnButton, self.reopenButton):
            button.setEnabled(False)  # one step at a time; refresh() offers them again
        self._say(label)

        def work(ws: Workspace, _state: TaskState) -> None:
            action(ws, app_id, *args)

        task = self._tasks.run(work, ws_factory=opener(self._ws), label=label, parent=self)
        self.running = task
        task.success(lambda _r: self._taken(app_id, done))
        task.failure(self._failed)
        task.finished.connect(self._step_ended)
        return True

    def _step_ended(self) -> None:
        self.running = None

    def _taken(self, app_id: int, done: str) -> None:
        self.running = None
        self.refresh()
        self._say(done)
        self.changed.emit(app_id)

    def _failed(self, exc: BaseException) -> None:
        self.running = None
        self.refresh()
        if is_environment_error(exc):
            self._say(environment_text(exc), error=True)
        show_exception(self, exc)

    def submit(self) -> bool:
        day = self._review_date() if self._review_date else None
        return self._take(_submit, self.tr("正在提交审核…"), self.tr("已提交审核，等待审核人批准"), day)

    def ask_approve(self) -> bool:
        """批准, after saying what will happen."""
        if self._app_id is None:
            return False
        name = self.status.enterprise_name if self.status else ""
        text = self.tr("批准“{name}”的贷款申请第 {id} 号？\n\n批准前自动备份数据库；批准后申请的数据锁定，经办人可以出具确认书。"
                       "如需修改，须由审核人重新打开（写明理由，作为新版本）。").format(name=name, id=self._app_id)
        return confirm(self, self.tr("批准"), text) and self.approve()

    def approve(self) -> bool:
        return self._take(_approve, self.tr("正在备份并批准…"), self.tr("已批准（批准前已自动备份），可以出具确认书"))

    def return_for_changes(self) -> bool:
        reason = ask_reason(self, self.tr("退回"), self.tr("退回给经办人的理由："))
        if not reason:
            return False
        return self._take(_return, self.tr("正在退回…"), self.tr("已退回经办人"), reason)

    def reopen(self) -> bool:
        reason = ask_reason(self, self.tr("重新打开"), self.tr("重新打开的理由（修改将作为新版本）："))
        if not reason:
            return False
        return self._take(_reopen, self.tr("正在重新打开…"), self.tr("已重新打开为草稿（新版本）"), reason)


# The steps as the worker runs them: plain functions of (ws, application id, ...).
def _submit(ws: Workspace, app_id: int, day: date | None) -> object:
    return reviews.submit(ws, app_id, review_date=day)


def _approve(ws: Workspace, app_id: int) -> object:
    return reviews.approve(ws, app_id)


def _return(ws: Workspace, app_id: int, reason: str) -> object:
    return reviews.return_for_changes(ws, app_id, reason)


def _reopen(ws: Workspace, app_id: int, reason: str) -> object:
    return reviews.reopen(ws, app_id, reason)
