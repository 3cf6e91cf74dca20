"""Reading the audit log (操作日志): who did what, when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.permissions import Permission
from desktop.services.workspace import Workspace
from desktop.store.audit import verify_chain

ACTION_LABELS: dict[str, str] = {
    "office.init": QT_TRANSLATE_NOOP("audit", "建立本单位数据库"),
    "office.update": QT_TRANSLATE_NOOP("audit", "修改本单位信息"),
    "user.create": QT_TRANSLATE_NOOP("audit", "添加用户"),
    "user.update": QT_TRANSLATE_NOOP("audit", "修改用户"),
    "user.login": QT_TRANSLATE_NOOP("audit", "登录"),
    "user.login_failed": QT_TRANSLATE_NOOP("audit", "登录失败"),
    "user.logout": QT_TRANSLATE_NOOP("audit", "退出登录"),
    "user.unlock": QT_TRANSLATE_NOOP("audit", "解锁"),
    "user.unlock_failed": QT_TRANSLATE_NOOP("audit", "解锁失败"),
    "user.password": QT_TRANSLATE_NOOP("audit", "修改密码"),
    "user.password_reset": QT_TRANSLATE_NOOP("audit", "重设密码"),
    "enterprise.create": QT_TRANSLATE_NOOP("audit", "登记企业"),
    "enterprise.update": QT_TRANSLATE_NOOP("audit", "修改企业"),
    "application.create": QT_TRANSLATE_NOOP("audit", "登记贷款申请"),
    "roster.import": QT_TRANSLATE_NOOP("audit", "导入名册"),
    "roster.undo": QT_TRANSLATE_NOOP("audit", "撤销名册导入"),
    "roster.import_unchanged": QT_TRANSLATE_NOOP("audit", "再次导入相同的名册（没有变化，未写入）"),
    "roster.demo": QT_TRANSLATE_NOOP("audit", "演示名册"),
    "roster.mapping_forget": QT_TRANSLATE_NOOP("audit", "清除记住的名册列对应"),
    "roster.problems_export": QT_TRANSLATE_NOOP("audit", "导出名册问题清单"),
    "roster.mark_priority": QT_TRANSLATE_NOOP("audit", "标记重点群体"),
    "roster.hukou_check": QT_TRANSLATE_NOOP("audit", "记录户口簿核对结果（身份证地区与户籍地不同）"),
    "roster.verify_priority": QT_TRANSLATE_NOOP("audit", "核实企业申报的重点群体"),
    "roster.unmark_priority": QT_TRANSLATE_NOOP("audit", "取消重点群体标记"),
    "loan.create": QT_TRANSLATE_NOOP("audit", "登记贷款"),
    "track.import": QT_TRANSLATE_NOOP("audit", "导入贷款期内名单"),
    "track.check": QT_TRANSLATE_NOOP("audit", "贷款期内核实"),
    "track.confirm": QT_TRANSLATE_NOOP("audit", "审核人确认核实不达标"),
    "track.return": QT_TRANSLATE_NOOP("audit", "审核人退回不达标的核实"),
    "track.report": QT_TRANSLATE_NOOP("audit", "制作贷款跟踪评估报告"),
    "track.workbook": QT_TRANSLATE_NOOP("audit", "导出贷款跟踪状态表"),
    "decision.create": QT_TRANSLATE_NOOP("audit", "记录审核结果"),
    "decision.override": QT_TRANSLATE_NOOP("audit", "审核人调整结果（原则上）"),
    "batch.export": QT_TRANSLATE_NOOP("audit", "导出报送批次"),
    "batch.export_again": QT_TRANSLATE_NOOP("audit", "重新导出报送批次"),
    "batch.import": QT_TRANSLATE_NOOP("audit", "导入报送批次"),
    "batch.quarantine": QT_TRANSLATE_NOOP("audit", "隔离未通过核验的批次"),
    "batch.receipt": QT_TRANSLATE_NOOP("audit", "导入批次回执"),
    "batch.recheck": QT_TRANSLATE_NOOP("audit", "重新核验隔离的批次"),
    "province.settle_identity": QT_TRANSLATE_NOOP("audit", "核实身份不一致的人员"),
    "province.rule": QT_TRANSLATE_NOOP("audit", "裁定重复计入的人员"),
    "province.notice": QT_TRANSLATE_NOOP("audit", "写出裁定通知"),
    "province.notice_import": QT_TRANSLATE_NOOP("audit", "导入省里的裁定通知"),
    "province.bank_list": QT_TRANSLATE_NOOP("audit", "生成报送省开行名单"),
    "province.bank_key": QT_TRANSLATE_NOOP("audit", "登记开行的 age 公钥"),
    "key.export_public": QT_TRANSLATE_NOOP("audit", "导出公钥"),
    "key.export_private": QT_TRANSLATE_NOOP("audit", "导出私钥"),
    "db.backup": QT_TRANSLATE_NOOP("audit", "备份数据库"),
    "db.restore": QT_TRANSLATE_NOOP("audit", "从备份恢复"),
    "db.seal": QT_TRANSLATE_NOOP("audit", "为已有数据建立逐行校验"),
    "backup.settings": QT_TRANSLATE_NOOP("audit", "修改备份设置"),
    "pii.unmask": QT_TRANSLATE_NOOP("audit", "查看或导出完整个人信息"),
    "pii.export": QT_TRANSLATE_NOOP("audit", "导出含完整个人信息的文件"),
    "person.ids_shown": QT_TRANSLATE_NOOP("audit", "显示完整身份证号码"),  # files from before pii.unmask was the one name
    "settings.idle_lock": QT_TRANSLATE_NOOP("audit", "修改自动锁定时间"),
    "review.issue": QT_TRANSLATE_NOOP("audit", "申请转为已出具确认书"),
    "review.void": QT_TRANSLATE_NOOP("audit", "申请因确认书作废回到已批准"),
    "key.create": QT_TRANSLATE_NOOP("audit", "生成本单位密钥"),
    "key.restore": QT_TRANSLATE_NOOP("audit", "恢复本单位密钥"),
    "key.import_province": QT_TRANSLATE_NOOP("audit", "导入省级公钥"),
    "key.register_county": QT_TRANSLATE_NOOP("audit", "登记县级公钥"),
}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    username: str
    action: str
    action_label: str
    entity: str
    entity_id: str
    detail: dict[str, object]


@dataclass(frozen=True)
class AuditPage:
    total: int
    entries: list[AuditEntry]


def search(
    ws: Workspace, *, username: str | None = None, action_prefix: str | None = None,
    since: date | None = None, until: date | None = None, text: str | None = None,
    limit: int = 500, offset: int = 0, action: str | None = None,
) -> AuditPage:
    """`action` matches one action exactly ("user.login" without "user.login_failed"); `action_prefix` a group."""
    ws.require(Permission.VIEW_AUDIT)
    total, rows = ws.store.search_audit(
        username=username, action_prefix=action_prefix, since=since.isoformat() if since else None,
        until=until.isoformat() if until else None, text=text, limit=limit, offset=offset, action=action,
    )
    return AuditPage(total, [
        AuditEntry(r["id"], r["at"], r["username"], r["action"], ACTION_LABELS.get(r["action"], r["action"]),
                   r["entity"], r["entity_id"], json.loads(r["detail"] or "{}"))
        for r in rows
    ])


def actions(ws: Workspace) -> list[tuple[str, str]]:
    """(action, label) pairs present in the log, for a filter box."""
    ws.require(Permission.VIEW_AUDIT)
    return [(a, ACTION_LABELS.get(a, a)) for a in ws.store.audit_actions()]


def chain_intact(ws: Workspace) -> bool:
    return not verify_chain(ws.store.conn)
