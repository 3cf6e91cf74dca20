"""Backups and the database check as the clerk sees them: the last backup,
choosing a backup to restore, and the check's report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.services.backups import Backup
from desktop.services.dbcheck import FINDINGS, CheckReport
from desktop.services.recovery import RecoveryBackup
from desktop.ui.forms import load_form
from desktop.ui.text import translated
from desktop.ui.widgets import offer
from desktop.ui.file_places import open_file

_CONTEXT: Final = "backups"
OK_STYLE: Final = "color: #1e7d32;"
PROBLEM_STYLE: Final = "color: #b3261e;"

REASON_LABELS: Final[dict[str, str]] = {
    "auto": QT_TRANSLATE_NOOP("backups", "自动"),
    "manual": QT_TRANSLATE_NOOP("backups", "手动"),
    "before-import": QT_TRANSLATE_NOOP("backups", "导入前"),
    "before-approval": QT_TRANSLATE_NOOP("backups", "审批前"),
    "before-restore": QT_TRANSLATE_NOOP("backups", "恢复前"),
    "before-batch-import": QT_TRANSLATE_NOOP("backups", "批次导入前"),
    "before-export": QT_TRANSLATE_NOOP("backups", "导出前"),
}

CHECKED_LABELS: Final[dict[str, str]] = {
    "integrity": QT_TRANSLATE_NOOP("backups", "数据库文件的完整性"),
    "foreign_keys": QT_TRANSLATE_NOOP("backups", "表之间的引用"),
    "audit_chain": QT_TRANSLATE_NOOP("backups", "操作日志逐条核对（{n} 条）"),
    "schema": QT_TRANSLATE_NOOP("backups", "数据结构版本"),
    "invariants": QT_TRANSLATE_NOOP("backups", "业务规则（本单位、管理员、文号连续、两人审核、改判理由）"),
    "identifiers": QT_TRANSLATE_NOOP("backups", "统一社会信用代码和身份证号码"),
    "anchors": QT_TRANSLATE_NOOP("backups", "操作日志与备份旁的记录、记下的指纹核对"),
    "rows": QT_TRANSLATE_NOOP("backups", "每一行数据与程序最后写入的是否一致"),
    "triggers": QT_TRANSLATE_NOOP("backups", "保护数据的触发器"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def reason_label(reason: str) -> str:
    template = REASON_LABELS.get(reason)
    return _tr(template) if template else reason


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def time_text(taken: datetime, now: datetime | None = None) -> str:
    """11-24 19:30 this year, 2025-11-24 19:30 before."""
    now = now or datetime.now()
    return f"{taken:%m-%d %H:%M}" if taken.year == now.year else f"{taken:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class LastBackup:
    """The last good backup as the window tells it (``backups.last_good_backup`` read for people)."""

    ok: bool
    when: str = ""  # 11-24 19:30
    detail: str = ""  # the file, its size, verified

    @property
    def status_text(self) -> str:
        """上次备份：11-24 19:30, or 尚未备份."""
        if not self.ok:
            return QCoreApplication.translate("backups", "尚未备份")
        return QCoreApplication.translate("backups", "上次备份：{time}").format(time=self.when)


def last_backup(last: dict[str, object] | None, now: datetime | None = None) -> LastBackup:
    if last is None:
        return LastBackup(False, "", QCoreApplication.translate(
            "backups", "这个数据库还没有备份过：请在“设置”中点“立即备份”。"))
    taken = datetime.fromisoformat(str(last["at"]))
    detail = QCoreApplication.translate("backups", "{path}（{size}，已校验）").format(
        path=last.get("path", ""), size=size_text(int(str(last.get("size", 0)))))
    return LastBackup(True, time_text(taken, now), detail)


def finding_text(code: str, params: dict[str, object]) -> str:
    return translated("dbcheck", FINDINGS[code], **params)


def backup_items(backup: Backup | RecoveryBackup) -> list[QTableWidgetItem]:
    """The first columns of a backup's row: time (the file in its tooltip), reason, size."""
    when = QTableWidgetItem(f"{backup.taken_at:%Y-%m-%d %H:%M:%S}")
    when.setToolTip(str(backup.path))
    size = QTableWidgetItem(size_text(backup.size))
    size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return [when, QTableWidgetItem(reason_label(backup.reason)), size]


def confirm_restore(parent: QWidget | None, what: str) -> bool:
    """The last word before the office's data is replaced."""
    answer = QMessageBox.question(
        parent, QCoreApplication.translate("backups", "从备份恢复"),
        QCoreApplication.translate(
            "backups",
            "用 {what} 替换现在的全部数据？\n\n恢复之前会先把现在的数据另存为一份“恢复前”备份，需要时可以再恢复回来。恢复期间请不要关闭程序。",
        ).format(what=what),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


class RestoreDialog(QDialog):
    """Pick a backup (newest first) or another file; the choice is confirmed before the dialog closes."""

    # From forms/restore_dialog.ui (load_form sets them).
    introLabel: QLabel
    folderLabel: QLabel
    backupTable: QTableWidget
    emptyLabel: QLabel
    otherFileButton: QPushButton
    buttonBox: QDialogButtonBox

    def __init__(self, folder: Path, backups: list[Backup], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("restore_dialog", self)
        self.chosen: Path | None = None  # set once confirmed
        self._folder = folder
        self._backups = sorted(backups, key=lambda b: b.taken_at, reverse=True)
        self.folderLabel.setText(self.tr("备份文件夹：{folder}").format(folder=folder))
        self.ok_button.setText(self.tr("恢复…"))
        self._fill()
        self.backupTable.itemSelectionChanged.connect(self._refresh)
        self.backupTable.doubleClicked.connect(lambda _index: self.accept())
        self.otherFileButton.clicked.connect(self._other_file)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        if self._backups:
            self.backupTable.selectRow(0)
        self._refresh()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def backups(self) -> list[Backup]:
        return list(self._backups)

    def _fill(self) -> None:
        table = self.backupTable
        table.setRowCount(len(self._backups))
        for row, backup in enumerate(self._backups):
            for column, item in enumerate(backup_items(backup)):
                table.setItem(row, column, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        self.emptyLabel.setVisible(not self._backups)

    def selected(self) -> Backup | None:
        rows = self.backupTable.selectionModel().selectedRows()
        return self._backups[rows[0].row()] if rows else None

    def _refresh(self) -> None:
        offer(self.ok_button, self.selected() is not None, self.tr("请先在列表中选择一个备份"))

    def accept(self) -> None:
        backup = self.selected()
        if backup is None:
            return
        what = self.tr("{time} 的{reason}备份").format(
            time=f"{backup.taken_at:%Y-%m-%d %H:%M}", reason=reason_label(backup.reason)
        )
        self._choose(backup.path, what)

    def _other_file(self) -> None:
        path = open_file(self, "backup", self.tr("选择备份文件"), self.tr("劳协数据库 (*.sqlite3);;所有文件 (*)"),
                         start=self._folder)
        if path:
            self._choose(Path(path), self.tr("文件 {path}").format(path=path))

    def _choose(self, path: Path, what: str) -> None:
        if confirm_restore(self, what):
            self.chosen = path
            super().accept()


class CheckDialog(QDialog):
    """The report of 检查数据库: what was checked, and what was found."""

    # From forms/check_dialog.ui (load_form sets them).
    summaryLabel: QLabel
    checkedLabel: QLabel
    fingerprintLabel: QLabel
    findingsList: QListWidget
    adviceLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, report: CheckReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("check_dialog", self)
        self.buttonBox.rejected.connect(self.reject)
        self.buttonBox.accepted.connect(self.accept)
        checked = [translated(_CONTEXT, CHECKED_LABELS[c], n=report.audit_entries) if c in CHECKED_LABELS else c
                   for c in report.checked]
        self.checkedLabel.setText(self.tr("已检查：") + "".join(f"\n　· {item}" for item in checked))
        self.fingerprintLabel.setText(self.tr(
            "数据库指纹：{fingerprint}\n请抄下保存。日后检查数据库时可用它核对操作日志没有被改写。"
        ).format(fingerprint=report.fingerprint))
        texts = [finding_text(f.code, f.params) for f in report.findings]
        self.findingsList.addItems(texts)
        self.findingsList.setVisible(bool(texts))
        if report.ok:
            self.summaryLabel.setText(self.tr("未发现问题"))
            self.summaryLabel.setStyleSheet(OK_STYLE)
            self.adviceLabel.setText("")
            self.adviceLabel.hide()
        else:
            self.summaryLabel.setText(self.tr("发现 {n} 个问题").format(n=len(texts)))
            self.summaryLabel.setStyleSheet(PROBLEM_STYLE)
            self.adviceLabel.setText(self.tr(
                "数据库仍可打开，但以上内容与程序记录的不一致，可能在程序之外被改动过。请把这份结果告诉管理员；需要时可以从出现问题之前的备份恢复。"
            ))
        self.resize(max(self.width(), 560), self.sizeHint().height())

    def findings(self) -> list[str]:
        return [self.findingsList.item(i).text() for i in range(self.findingsList.count())]
