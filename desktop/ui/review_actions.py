"""The 审核 page's actions: what the record and override buttons offer, recording a decision,
an approver's override, the paired-area list, the 审核流程 box's steps, and showing changes
made elsewhere. Part of :class:`desktop.ui.review_page.ReviewPage`."""

from __future__ import annotations

from desktop.core.decision import Result
from desktop.core.permissions import Permission
from desktop.services import eligibility as eligibility_service
from desktop.services import review as review_service
from desktop.services import reviews
from desktop.services.errors import ServiceError
from desktop.services.review import HistoryEntry
from desktop.store import StoreError
from desktop.ui.decision_view import FAIL_COLOR, label, result_word
from desktop.ui.events import Change, announce, is_echo
from desktop.ui.override_dialog import OverrideDialog
from desktop.ui.paired_areas_dialog import PairedAreasDialog
from desktop.ui.review_details import ReviewDetails
from desktop.ui.text import error_text, not_allowed_text
from desktop.ui.widgets import offer


class ReviewActions(ReviewDetails):
    # -- actions -----------------------------------------------------------------------------------------
    def _update_tabs(self) -> None:
        d = self._shown
        tabs = self.detailTabs
        tabs.setTabText(tabs.indexOf(self.workersTab),
                        self.tr("人员名单（{n}）").format(n=len(d.workers)) if d else self.tr("人员名单"))
        duplicates = sum(1 for w in d.workers if w.facts.other_claims) if d else 0
        if d is not None and d.pending_choices:
            text = self.tr("重复人员（{n}，待决定 {p}）").format(n=duplicates, p=d.pending_choices)
        else:
            text = self.tr("重复人员（{n}）").format(n=duplicates)
        tabs.setTabText(tabs.indexOf(self.duplicatesTab), text)
        tabs.setTabText(tabs.indexOf(self.historyTab), self.tr("认定记录（{n}）").format(n=len(self._history)))

    def _update_actions(self) -> None:
        actor = self._ws.actor
        has_application = self.application_id is not None
        if not self._can_record:
            offer(self.recordButton, False, not_allowed_text(actor, Permission.SUBMIT_REVIEW))
        elif not has_application:
            offer(self.recordButton, False, self.tr("该企业尚未登记贷款申请，不能记录认定结论：请先点“登记贷款申请…”"))
        elif (app := self._current_application()) is not None and app.status not in ("draft", "returned"):
            offer(self.recordButton, False, self.tr("贷款申请{status}，数据已锁定，不能再记录认定结论").format(
                status=label("review", review_service.STATUS_LABELS.get(app.status, app.status))))
        else:
            offer(self.recordButton, self._live is not None, self.tr("当前无法计算认定结论"))
        if not self._can_override:
            offer(self.overrideButton, False, not_allowed_text(actor, Permission.APPROVE_REVIEW))
        elif not self._history:
            offer(self.overrideButton, False, self.tr("请先记录认定结论，再由审核人改变"))
        elif (locked := self._override_refusal()) is not None:
            offer(self.overrideButton, False, locked)
        else:
            offer(self.overrideButton, True, "")
            target = self._override_target()
            if target is not None:
                self.overrideButton.setToolTip(self.tr("改变第 {id} 号认定结论").format(id=target.stored.id))

    def _override_refusal(self) -> str | None:
        """Why the approver may not depart from the result any more (approved, issued, withdrawn), or None."""
        if self.application_id is None:
            return None
        try:
            reviews.ensure_overridable(self._ws, self.application_id)
        except (ServiceError, StoreError) as exc:
            return error_text(exc)
        return None

    def _override_target(self) -> HistoryEntry | None:
        """The recorded decision shown, else the latest one."""
        if self._shown_entry is not None:
            return self._shown_entry
        return self._history[-1] if self._history else None

    def record_decision(self) -> None:
        app_id = self.application_id
        if app_id is None:
            return
        try:
            stored = eligibility_service.record_decision(self._ws, app_id, self.review_date, choices=self._choices)
        except (ServiceError, StoreError) as exc:
            self._status(error_text(exc), error=True)
            return
        self._choices.clear()
        self._refresh_application_label()
        self.recompute()
        self.show_recorded(stored.id)
        self._announce()
        self._status(self.tr("已记录第 {id} 号认定结论：{result}").format(
            id=stored.id, result=result_word(stored.decision.final_result)))

    def open_override_dialog(self) -> OverrideDialog | None:
        target = self._override_target()
        if target is None or not self._can_override:
            return None
        decision_id = target.stored.id

        def save(final: Result, reason: str) -> eligibility_service.StoredDecision:
            return eligibility_service.override_decision(self._ws, decision_id, final, reason)

        dialog = OverrideDialog(target.stored.decision, self._ws.actor.shown_name, save, self)
        dialog.accepted.connect(lambda: self._overridden(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _overridden(self, dialog: OverrideDialog) -> None:
        saved = dialog.saved
        if saved is None:
            return
        self._refresh_application_label()
        self.recompute()
        self.show_recorded(saved.id)
        self._announce()
        d = saved.decision
        self._status(self.tr("已改变结论，另存为第 {id} 号：最终结论{final}，计算结论{computed}").format(
            id=saved.id, final=result_word(d.final_result), computed=result_word(d.computed_result)))

    def open_paired_areas(self) -> PairedAreasDialog:
        dialog = PairedAreasDialog(self._ws, self)
        dialog.accepted.connect(lambda: self._paired_areas_saved(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _paired_areas_saved(self, dialog: PairedAreasDialog) -> None:
        saved = dialog.saved
        self.recompute()
        if saved is not None:
            self._announce(every_enterprise=True)
            self._status(self.tr("对口地区名单已保存（版本 {version}），已按新名单重新计算。").format(version=saved.version))

    def _workflow_changed(self, _application_id: int) -> None:
        """A step or an evidence tick was saved in the 审核流程 box."""
        self._refresh_application_label()
        self.recompute()
        self._announce()

    # -- changes made elsewhere -------------------------------------------------------------------
    def _announce(self, *, every_enterprise: bool = False) -> None:
        eid = None if every_enterprise or self._enterprise is None else self._enterprise.id
        announce(self, Change.APPLICATION, eid)

    def on_data_changed(self, kind: str, enterprise_id: int) -> None:
        """Another page (or another step here) changed the data: show the new state."""
        if is_echo(self):
            return  # this page made the change and already shows it
        self.approvals.refresh()
        if kind in (Change.ENTERPRISE.value, Change.EVERYTHING.value):
            self.picker.reload()
        current = self._enterprise
        if current is None or enterprise_id not in (0, current.id) or kind in (Change.BATCH.value, Change.KEY.value):
            return
        app_id = self.application_id
        self._enterprise_changed(current)
        if app_id is not None and self.applicationCombo.findData(app_id) >= 0:
            self.applicationCombo.setCurrentIndex(self.applicationCombo.findData(app_id))

    def _refresh_application_label(self) -> None:
        if self._enterprise is None:
            return
        self._applications = review_service.applications_of(self._ws, self._enterprise.id)
        app = self._current_application()
        if app is not None:
            self.applicationCombo.setItemText(self.applicationCombo.currentIndex(), self._application_text(app))
        self._update_application_actions()

    def _status(self, text: str, *, error: bool = False) -> None:
        self.actionStatusLabel.setStyleSheet(f"color: {FAIL_COLOR};" if error else "")
        self.actionStatusLabel.setText(text)
