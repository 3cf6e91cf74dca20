"""从备份恢复 before anyone can sign in: the office's file is damaged, unreadable or not ours.

Shows the verified backups newest first (time, reason, size, what they hold,
the audit log's last entry), asks for an administrator of the chosen backup,
confirms, and restores through `desktop.services.recovery`: the damaged file
is kept aside, what can still be read of it is saved to a new file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.core.oserrors import os_reason
from desktop.services import recovery
from desktop.services.dbcheck import TABLE_LABELS
from desktop.services.errors import ServiceError
from desktop.services.recovery import Recovered, RecoveryBackup
from desktop.store import StoreError
from desktop.ui.backup_dialogs import backup_items, reason_label
from desktop.ui.forms import load_form
from desktop.ui.text import error_text
from desktop.ui.file_places import open_file


def contents_text(counts: dict[str, int]) -> str:
    return QCoreApplication.translate("RecoveryDialog", "企业 {e} 家，职工 {w} 人次，申请 {a} 件，确认书 {l} 份").format(
        e=counts.get("enterprises", 0), w=counts.get("employments", 0), a=counts.get("applications", 0),
        l=counts.get("letters", 0))


def chain_text(backup: RecoveryBackup) -> str:
    """The audit chain's head, short enough to compare with one written down: 128 条，末条 1a2b3c4d…"""
    return QCoreApplication.translate("RecoveryDialog", "{n} 条，末条 {head}…").format(
        n=backup.counts.get("audit_log", 0), head=backup.chain_head[:12])


class RecoveryDialog(QDialog):
    # From forms/recovery_dialog.ui (load_form sets them).
    problemLabel: QLabel
    introLabel: QLabel
    backupTable: QTableWidget
    emptyLabel: QLabel
    usernameEdit: QLineEdit
    passwordEdit: QLineEdit
    resultLabel: QLabel
    otherFileButton: QPushButton
    buttonBox: QDialogButtonBox

    def __init__(self, db_path: Path, problem: Exception, *, username: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("recovery_dialog", self)
        self.db_path = db_path
        self.recovered: Recovered | None = None  # set once restored
        self.problemLabel.setText(error_text(problem))
        self.ok_button.setText(self.tr("恢复…"))
        self.usernameEdit.setText(username)
        self._backups = recovery.recovery_backups(db_path)
        self._fill()
        self.backupTable.itemSelectionChanged.connect(self._refresh)
        self.usernameEdit.textChanged.connect(self._refresh)
        self.passwordEdit.textChanged.connect(self._refresh)
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
    def backups(self) -> list[RecoveryBackup]:
        return list(self._backups)

    def _fill(self) -> None:
        table = self.backupTable
        table.setRowCount(len(self._backups))
        for row, backup in enumerate(self._backups):
            chain = QTableWidgetItem(chain_text(backup))
            chain.setToolTip(backup.chain_head)
            items = [*backup_items(backup), QTableWidgetItem(contents_text(backup.counts)), chain]
            for column, item in enumerate(items):
                table.setItem(row, column, item)
        header = table.horizontalHeader()
        for column in range(table.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        self.emptyLabel.setVisible(not self._backups)

    def selected(self) -> RecoveryBackup | None:
        rows = self.backupTable.selectionModel().selectedRows()
        return self._backups[rows[0].row()] if rows else None

    def _credentials_given(self) -> bool:
        return bool(self.usernameEdit.text().strip() and self.passwordEdit.text())

    def _refresh(self) -> None:
        self.ok_button.setEnabled(self.selected() is not None and self._credentials_given())

    def accept(self) -> None:
        backup = self.selected()
        if backup is None or not self._credentials_given():
            return
        what = self.tr("{time} 的{reason}备份").format(
            time=f"{backup.taken_at:%Y-%m-%d %H:%M}", reason=reason_label(backup.reason))
        self._restore(backup.path, what)

    def _other_file(self) -> None:
        if not self._credentials_given():
            self.resultLabel.setText(self.tr("请先填写备份中一位管理员的用户名和密码。"))
            return
        path = open_file(self, "backup", self.tr("选择备份文件"), self.tr("劳协数据库 (*.sqlite3);;所有文件 (*)"),
                         start=self.db_path.parent)
        if path:
            self._restore(Path(path), self.tr("文件 {path}").format(path=path))

    def _restore(self, backup: Path, what: str) -> None:
        answer = QMessageBox.question(
            self, self.tr("从备份恢复"),
            self.tr("用 {what} 替换损坏的数据库 {path}？\n\n损坏的文件不会删除，会改名保留在同一文件夹；"
                    "其中仍能读出的数据另存为一个新文件。").format(what=what, path=self.db_path),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.resultLabel.clear()  # a wrong password's message is not left beside this attempt's outcome
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            done = recovery.restore_damaged(self.db_path, backup, self.usernameEdit.text().strip(),
                                            self.passwordEdit.text())
        except (ServiceError, StoreError, OSError) as exc:
            self.resultLabel.setText(error_text(exc) if not isinstance(exc, OSError) else QCoreApplication.translate("problems", os_reason(exc)))
            self.passwordEdit.clear()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.recovered = done
        QMessageBox.information(self, self.tr("已恢复"), self.summary(done))
        super().accept()

    def summary(self, done: Recovered) -> str:
        lines = [self.tr("已从 {backup} 恢复。").format(backup=done.backup),
                 self.tr("损坏的文件保留为：{path}").format(path=done.damaged_kept_as)]
        report = done.salvage
        if report is not None:
            lines.append(self.tr("其中仍能读出的 {n} 行数据另存为：{path}").format(
                n=sum(report.copied.values()), path=report.path))
            if report.unreadable:
                tables = (QCoreApplication.translate("dbcheck", TABLE_LABELS.get(t, t)) for t in sorted(report.unreadable))
                lines.append(self.tr("未能完整读出的表：{tables}").format(tables="、".join(tables)))
        return "\n".join(lines)
