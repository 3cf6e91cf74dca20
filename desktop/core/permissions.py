"""Who may do what.  Two people review: one prepares (经办人), another approves (审核人)."""

from __future__ import annotations

from enum import Enum

from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP
from desktop.core.office import Role


class Permission(str, Enum):
    EDIT_ENTERPRISES = "edit_enterprises"
    IMPORT_ROSTERS = "import_rosters"
    MARK_PRIORITY = "mark_priority"
    SUBMIT_REVIEW = "submit_review"
    APPROVE_REVIEW = "approve_review"
    ISSUE_LETTERS = "issue_letters"
    EXPORT_BATCHES = "export_batches"
    UNMASK_PERSONAL_DATA = "unmask_personal_data"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    OFFICE_SETTINGS = "office_settings"
    BACKUP = "backup"
    RESTORE = "restore"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Permission.EDIT_ENTERPRISES: QT_TRANSLATE_NOOP("permission", "登记和修改企业"),
    Permission.IMPORT_ROSTERS: QT_TRANSLATE_NOOP("permission", "导入名册"),
    Permission.MARK_PRIORITY: QT_TRANSLATE_NOOP("permission", "标记重点群体"),
    Permission.SUBMIT_REVIEW: QT_TRANSLATE_NOOP("permission", "提交审核"),
    Permission.APPROVE_REVIEW: QT_TRANSLATE_NOOP("permission", "审核批准"),
    Permission.ISSUE_LETTERS: QT_TRANSLATE_NOOP("permission", "出具确认书"),
    Permission.EXPORT_BATCHES: QT_TRANSLATE_NOOP("permission", "导出报送批次"),
    Permission.UNMASK_PERSONAL_DATA: QT_TRANSLATE_NOOP("permission", "查看完整身份证号码和电话"),
    Permission.VIEW_AUDIT: QT_TRANSLATE_NOOP("permission", "查看操作日志"),
    Permission.MANAGE_USERS: QT_TRANSLATE_NOOP("permission", "管理用户"),
    Permission.OFFICE_SETTINGS: QT_TRANSLATE_NOOP("permission", "修改本单位设置"),
    Permission.BACKUP: QT_TRANSLATE_NOOP("permission", "备份数据库"),
    Permission.RESTORE: QT_TRANSLATE_NOOP("permission", "从备份恢复数据库"),
}

_CLERK = {
    Permission.EDIT_ENTERPRISES, Permission.IMPORT_ROSTERS, Permission.MARK_PRIORITY,
    Permission.SUBMIT_REVIEW, Permission.ISSUE_LETTERS, Permission.EXPORT_BATCHES, Permission.BACKUP,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: frozenset(_CLERK),
    Role.APPROVER: frozenset(_CLERK | {Permission.APPROVE_REVIEW, Permission.UNMASK_PERSONAL_DATA,
                                        Permission.VIEW_AUDIT}),
    Role.ADMIN: frozenset(Permission),
}

MESSAGES.update({
    "forbidden": QT_TRANSLATE_NOOP("problems", "用户“{user}”（{role}）无权{permission}"),
})


def allowed(role: Role | None, permission: Permission) -> bool:
    return role is not None and permission in ROLE_PERMISSIONS[role]
