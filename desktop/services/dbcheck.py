"""检查数据库: integrity, foreign keys, the audit chain and the domain's invariants."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.core.identifiers import IdentifierError, parse_id_number, parse_uscc
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.store import Store
from desktop.store import checks
from desktop.store.db import available_migrations

FINDINGS: dict[str, str] = {
    "integrity": QT_TRANSLATE_NOOP("dbcheck", "SQLite 完整性检查发现问题：{detail}"),
    "foreign_key": QT_TRANSLATE_NOOP("dbcheck", "表 {table} 第 {rowid} 行引用了 {parent} 中不存在的记录"),
    "audit_hash": QT_TRANSLATE_NOOP("dbcheck", "操作日志第 {entry} 条在程序之外被改动过"),
    "audit_prev_hash": QT_TRANSLATE_NOOP("dbcheck", "操作日志第 {entry} 条之前有记录被删除或调换"),
    "schema": QT_TRANSLATE_NOOP("dbcheck", "数据结构为第 {found} 版，本程序为第 {expected} 版"),
    "local_office": QT_TRANSLATE_NOOP("dbcheck", "本单位信息缺失或重复"),
    "no_admin": QT_TRANSLATE_NOOP("dbcheck", "没有在用的管理员账号"),
    "letter_gaps": QT_TRANSLATE_NOOP("dbcheck", "{year} 年的确认书文号不连续（{n} 份，最大序号 {top}）"),
    "self_approved": QT_TRANSLATE_NOOP("dbcheck", "申请 {id} 已批准，但没有审核人或由经办人本人批准"),
    "override_without_reason": QT_TRANSLATE_NOOP("dbcheck", "认定结论 {id} 改变了计算结果却没有写明理由"),
    "bad_uscc": QT_TRANSLATE_NOOP("dbcheck", "企业 {id} 的统一社会信用代码 {value} 无效：{detail}"),
    "bad_id_number": QT_TRANSLATE_NOOP("dbcheck", "人员 {id} 的身份证号码无效：{detail}"),
}


@dataclass(frozen=True)
class Finding:
    code: str
    params: dict[str, object]

    def text(self) -> str:
        return FINDINGS[self.code].format(**self.params)


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    chain_head: str = ""
    audit_entries: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok, "checked": self.checked, "chain_head": self.chain_head,
            "audit_entries": self.audit_entries,
            "findings": [{"code": f.code, "message": f.text(), **{k: str(v) for k, v in f.params.items()}}
                         for f in self.findings],
        }


def check_database(store: Store) -> CheckReport:
    """Read-only: every finding says what is wrong and where."""
    report = CheckReport()
    conn = store.conn
    report.checked.append("integrity")
    report.findings += [Finding("integrity", {"detail": d}) for d in checks.integrity_problems(conn)]
    if report.findings:  # a damaged file: what follows would read damaged pages; restore from a backup
        return report
    report.checked.append("foreign_keys")
    report.findings += [Finding("foreign_key", p) for p in checks.foreign_key_problems(conn)]
    report.checked.append("audit_chain")
    for b in checks.audit_chain_breaks(conn):
        report.findings.append(Finding(f"audit_{b.reason}", {"entry": b.entry_id}))
    report.chain_head = store.audit_chain_head()
    report.audit_entries = store.table_counts().get("audit_log", 0)
    report.checked.append("schema")
    expected = available_migrations()[-1].version
    if store.schema_version() != expected:
        report.findings.append(Finding("schema", {"found": store.schema_version(), "expected": expected}))
    report.checked.append("invariants")
    for code, sql in checks.invariant_queries().items():
        for row in checks.rows(conn, sql):
            report.findings.append(Finding(code, row))
    report.checked.append("identifiers")
    for ent_id, code in checks.all_uscc(conn):
        try:
            parse_uscc(code)
        except IdentifierError as exc:
            report.findings.append(Finding("bad_uscc", {"id": ent_id, "value": code, "detail": str(exc)}))
    for person_id, number in checks.all_id_numbers(conn):
        try:
            parse_id_number(number)
        except IdentifierError as exc:
            report.findings.append(Finding("bad_id_number", {"id": person_id, "detail": str(exc)}))
    return report
