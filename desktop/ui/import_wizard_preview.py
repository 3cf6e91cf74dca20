"""The import wizard's background work (one task of each kind counted, the progress bar, the stop
button), its preview page (the counts, the problems by kind, the problems copy) and the import
itself. Part of :class:`desktop.ui.import_wizard.ImportWizard`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QTreeWidgetItem, QWizard

from desktop.services.roster_commit import ImportResult
from desktop.services.rosters import RosterPreview
from desktop.ui import import_wizard_work as work
from desktop.ui.errors import show_exception
from desktop.ui.import_wizard_form import PREVIEW_PAGE, ImportWizardForm
from desktop.ui.import_wizard_models import ProblemColumn
from desktop.ui.import_wizard_pages import CODE_ROLE, READY, fill_group_tree, say
from desktop.ui.tasks import Task
from desktop.ui.file_places import save_file


class ImportPreview(ImportWizardForm):

    # -- background work ----------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return any(not t.done for t in self._running)

    def _start(self, kind: str, fn: Any, *args: Any) -> Task:
        task = self._tasks.run(fn, *args, ws_factory=self._kept, cancellable=True, parent=self)
        self.task = task
        self._running.append(task)
        self._pending[kind] += 1
        task.progressed.connect(self._progress)
        task.finished.connect(self._task_finished)
        return task

    def _latest(self, kind: str) -> bool:
        """A result of ``kind`` came back: True when it is the newest asked for and the wizard is open."""
        self._pending[kind] -= 1
        return self._pending[kind] == 0 and not self._closing

    def _task_finished(self) -> None:
        self._running = [t for t in self._running if not t.done]
        if not self._running:
            self._hide_progress()
            if self._closing:
                self._dispose()

    def _show_progress(self, text: str) -> None:
        self.progressLabel.setText(text)
        self.progressBar.setRange(0, 0)  # busy until a total is known
        self.stopButton.setEnabled(True)
        self.stopButton.setText(self.tr("取消"))
        self._progress_timer.start()

    def _hide_progress(self) -> None:
        self._progress_timer.stop()
        self.progressPane.hide()

    def _progress(self, done: object, total: object, stage: str) -> None:
        if stage in work.STAGES:
            self.progressLabel.setText(QCoreApplication.translate("ImportWizard", work.STAGES[stage]))
        total_, done_ = int(str(total or 0)), int(str(done or 0))
        if total_ > 0:
            scale = max(1, total_ // 1_000_000)
            self.progressBar.setRange(0, total_ // scale)
            self.progressBar.setValue(min(done_, total_) // scale)

    def _stop(self) -> None:
        if self.task is not None and not self.task.done:
            self.task.cancel()
            self.stopButton.setEnabled(False)
            self.stopButton.setText(self.tr("正在取消…"))

    def _failure_text(self, error: BaseException) -> str:
        text = work.reason_text(error)
        if text is None:  # a bug: the report dialog, and a line on the page
            show_exception(self, error)
            text = self.tr("程序错误（{kind}），操作没有完成；已经保存的数据不受影响。").format(kind=type(error).__name__)
        return text

    # -- page 3: the preview ---------------------------------------------------------------
    def _prepare(self) -> None:
        self._close_preview()
        found = self.inspection
        assert found is not None and found.layout is not None
        say(self.summaryLabel, self.tr("正在核对名册…"))
        say(self.previewStatusLabel, "")
        self.previewTabs.setEnabled(False)  # empty until the check is done
        self._show_progress(self.tr("正在核对名册…"))
        task = self._start("prepare", work.prepare, self.enterprise_id, found.file, found.sheet, self.columns(),
                           found.layout.header_row + 1)
        task.success(self._prepared).failure(self._prepare_failed).on_cancel(self._prepare_cancelled)

    def _prepared(self, preview: RosterPreview) -> None:
        if not self._latest("prepare") or self.currentId() != PREVIEW_PAGE:
            self._let_go(preview)
            return
        self.preview = preview
        c = preview.counts
        self.previewTabs.setEnabled(True)
        self.summaryLabel.setText(work.summary_html(preview))
        self.summaryLabel.setStyleSheet("")
        fill_group_tree(self.groupTree, preview.groups())
        self.problem_model.show_kind(None)
        self.problem_model.set_problems(preview.shown_rows, preview.layout)
        self.problemView.setSortingEnabled(True)
        self.problemView.sortByColumn(ProblemColumn.ROW, Qt.SortOrder.AscendingOrder)
        self.change_model.set_rows(preview.shown_rows)
        problems = self.problem_model.rowCount()
        self.previewTabs.setTabText(0, self.tr("问题（{n}）").format(n=problems))
        self.previewTabs.setTabText(1, self.tr("更新的人员（{n}）").format(n=c["updated"]))
        self.previewTabs.setCurrentIndex(0 if problems or not c["updated"] else 1)
        self.deactivateCheck.setChecked(False)
        self.deactivateCheck.setVisible(c.get("absent", 0) > 0)
        self.deactivateCheck.setText(work.absent_text(preview))
        self.deactivateCheck.setToolTip(work.absent_tip(preview) if preview.absent else "")
        self.problemsCopyButton.setEnabled(problems > 0)
        if c["rows"] == c["refused"]:
            say(self.previewStatusLabel, self.tr("所有行都有错误，导入后不会增加任何人员。请把问题清单发回企业改正。"), error=True)
        self.previewReadyEdit.setText(READY)

    def _group_chosen(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None = None) -> None:
        code = item.data(0, CODE_ROLE) if item is not None else None
        self.problem_model.show_kind(str(code) if code else None)

    def _prepare_failed(self, error: BaseException) -> None:
        if not self._latest("prepare"):
            return
        self.summaryLabel.clear()
        say(self.previewStatusLabel, self._failure_text(error), error=True)

    def _prepare_cancelled(self) -> None:
        if not self._latest("prepare"):
            return
        self.summaryLabel.clear()
        say(self.previewStatusLabel, self.tr("已取消核对，没有写入任何数据。点“上一步”可重新开始。"))

    def _let_go(self, preview: RosterPreview) -> None:
        """Close a preview on the GUI thread; its staged rows stay for the worker to drop
        while a task of ours may be using the kept connection (the next staging or the
        connection's end removes them)."""
        if self.busy or self._closing:
            preview.stage_token = ""
        preview.close()

    def _close_preview(self) -> None:
        if self.preview is not None:
            self._let_go(self.preview)
            self.preview = None
        self.previewReadyEdit.clear()
        self.problem_model.clear()
        self.change_model.clear()
        self.groupTree.clear()
        self.summaryLabel.clear()
        self.previewStatusLabel.clear()
        self.deactivateCheck.hide()
        self.problemsCopyButton.setEnabled(False)
        self.previewTabs.setTabText(0, self.tr("问题"))
        self.previewTabs.setTabText(1, self.tr("更新的人员"))

    def _write_problems_copy(self) -> None:
        preview = self.preview
        if preview is None or self.busy:
            return
        suggested = preview.file.path.with_name(self.tr("{stem}-问题清单.xlsx").format(stem=preview.file.path.stem))
        out = save_file(self, "roster", self.tr("把问题清单发回企业"), suggested, self.tr("Excel 工作簿 (*.xlsx)"))
        if not out:
            return
        target = Path(out) if out.lower().endswith(".xlsx") else Path(out + ".xlsx")
        say(self.previewStatusLabel, self.tr("正在写入问题清单…"))
        self.problemsCopyButton.setEnabled(False)
        task = self._start("copy", work.write_problems_copy, preview, target)
        task.success(self._copy_written).failure(self._copy_failed).on_cancel(self._copy_failed_quietly)

    def _copy_written(self, path: Path) -> None:
        if not self._latest("copy"):
            return
        self.problemsCopyButton.setEnabled(True)
        say(self.previewStatusLabel, self.tr("问题清单已写入 {path}：有问题的单元格已标红并加批注，另附“问题清单”工作表。这份副本含完整的身份证号码，请只交给该企业。").format(path=path))  # noqa: E501 - one literal for lupdate

    def _copy_failed(self, error: BaseException) -> None:
        if not self._latest("copy"):
            return
        self.problemsCopyButton.setEnabled(True)
        say(self.previewStatusLabel, self.tr("问题清单没有写成：{reason}").format(
            reason=self._failure_text(error)), error=True)

    def _copy_failed_quietly(self) -> None:
        if self._latest("copy"):
            self.problemsCopyButton.setEnabled(True)
            self.previewStatusLabel.clear()

    # -- page 3 → 4: the import ------------------------------------------------------------
    def _commit(self) -> None:
        preview = self.preview
        assert preview is not None
        self.previewReadyEdit.clear()  # no second 导入 while this one runs
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self.deactivateCheck.setEnabled(False)
        self.problemsCopyButton.setEnabled(False)
        say(self.previewStatusLabel, self.tr("正在导入…"))
        self._show_progress(self.tr("正在导入…"))
        task = self._start("commit", work.commit, preview, self.deactivateCheck.isChecked())
        task.success(self._committed).failure(self._commit_failed).on_cancel(self._commit_cancelled)

    def _after_commit(self) -> None:
        self._pending["commit"] -= 1
        self.deactivateCheck.setEnabled(True)
        self.problemsCopyButton.setEnabled(self.problem_model.rowCount() > 0)

    def _committed(self, result: ImportResult) -> None:
        self._after_commit()
        self.result_ = result
        self.preview = None  # commit_import closed it
        late = self.task is not None and self.task.state.cancelled  # the commit's task: 取消 came after COMMIT
        self.resultLabel.setText(work.result_html(result, cancelled_late=late))
        if result.preview.unchanged_since is not None:  # the last import's file again: nothing was written
            self.resultPage.setTitle(self.tr("没有变化"))
            self.resultPage.setSubTitle(self.tr("这份名册与上次导入的相同，数据库中的名册没有改动。"))
        self._close_when_done = False  # written before the cancel arrived: the clerk must see that it was
        self.imported.emit(result)
        self.next()

    def _commit_failed(self, error: BaseException) -> None:
        self._after_commit()
        say(self.previewStatusLabel, self.tr("没有导入：{reason}\n数据库没有任何改动。").format(
            reason=self._failure_text(error)), error=True)
        self._commit_ended()

    def _commit_cancelled(self) -> None:
        self._after_commit()
        say(self.previewStatusLabel, self.tr("已取消导入，数据库没有任何改动。"))
        self._commit_ended()

    def _commit_ended(self) -> None:
        if self._close_when_done:
            self._close_when_done = False
            super().reject()
            return
        self.previewReadyEdit.setText(READY)  # the same preview may be imported again
