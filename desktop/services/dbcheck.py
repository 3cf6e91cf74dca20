"""检查数据库: integrity, foreign keys, the audit chain, every row against what the app last
wrote, the schema's triggers, the chain against the heads recorded outside the file, and the
domain's invariants."""

from __future__ import annotations

import datetime

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from desktop.core.identifiers import IdentifierError, parse_id_number, parse_uscc
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.services.backups import recorded_anchors
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import Store
from desktop.store import checks
from desktop.store.audit import fingerprint
from desktop.store.backup import Anchor
from desktop.store.db import available_migrations

FINDINGS: dict[str, str] = {
    "integrity": QT_TRANSLATE_NOOP("dbcheck", "SQLite 完整性检查发现问题：{detail}"),
    "foreign_key": QT_TRANSLATE_NOOP("dbcheck", "表 {table} 第 {rowid} 行引用了 {parent} 中不存在的记录"),
    "audit_hash": QT_TRANSLATE_NOOP("dbcheck", "操作日志第 {entry} 条在程序之外被改动过"),
    "audit_prev_hash": QT_TRANSLATE_NOOP("dbcheck", "操作日志第 {entry} 条之前有记录被删除或调换"),
    "audit_rows": QT_TRANSLATE_NOOP("dbcheck", "操作日志第 {entry} 条所记的数据改动（行摘要）在程序之外被改动过"),
    "audit_unrecorded": QT_TRANSLATE_NOOP(
        "dbcheck", "操作日志第 {entry} 条之后还有 {count} 处数据改动没有记入日志：日志末尾可能被截去"),
    "audit_tail_cut": QT_TRANSLATE_NOOP(
        "dbcheck", "操作日志只到第 {last} 条，但备份 {source} 的记录里已有第 {entry} 条：日志末尾被截去"),
    "audit_tail_cut_noted": QT_TRANSLATE_NOOP(
        "dbcheck", "操作日志只到第 {last} 条，但记下的指纹 {source} 是第 {entry} 条的：日志末尾被截去"),
    "audit_rewritten": QT_TRANSLATE_NOOP(
        "dbcheck", "操作日志第 {entry} 条与备份 {source} 记录的不符：日志被改写过（重新计算了摘要）"),
    "audit_rewritten_noted": QT_TRANSLATE_NOOP(
        "dbcheck", "操作日志第 {entry} 条与记下的指纹 {source} 不符：日志被改写过（重新计算了摘要）"),
    "row_changed": QT_TRANSLATE_NOOP("dbcheck", "{label}（表 {table}）第 {row} 行在程序之外被改动过"),
    "row_added": QT_TRANSLATE_NOOP("dbcheck", "{label}（表 {table}）第 {row} 行不是本程序写入的：在程序之外添加"),
    "row_deleted": QT_TRANSLATE_NOOP("dbcheck", "{label}（表 {table}）第 {row} 行在程序之外被删除"),
    "rows_more": QT_TRANSLATE_NOOP("dbcheck", "{label}（表 {table}）另有 {count} 行也在程序之外被改动、添加或删除"),
    "trigger_missing": QT_TRANSLATE_NOOP("dbcheck", "保护数据的触发器 {name} 被删除了"),
    "trigger_changed": QT_TRANSLATE_NOOP("dbcheck", "保护数据的触发器 {name} 被改动过"),
    "trigger_extra": QT_TRANSLATE_NOOP("dbcheck", "数据库里多了一个不属于本程序的触发器 {name}"),
    "schema": QT_TRANSLATE_NOOP("dbcheck", "数据结构为第 {found} 版，本程序为第 {expected} 版"),
    "local_office": QT_TRANSLATE_NOOP("dbcheck", "本单位信息缺失或重复"),
    "no_admin": QT_TRANSLATE_NOOP("dbcheck", "没有在用的管理员账号"),
    "letter_gaps": QT_TRANSLATE_NOOP("dbcheck", "{year} 年的确认书文号不连续（{n} 份，最大序号 {top}）"),
    "self_approved": QT_TRANSLATE_NOOP("dbcheck", "申请 {id} 已批准，但没有审核人或由经办人本人批准"),
    "override_without_reason": QT_TRANSLATE_NOOP("dbcheck", "认定结论 {id} 改变了计算结果却没有写明理由"),
    "bad_uscc": QT_TRANSLATE_NOOP("dbcheck", "企业 {id} 的统一社会信用代码 {value} 无效：{detail}"),
    "bad_id_number": QT_TRANSLATE_NOOP("dbcheck", "人员 {id} 的身份证号码无效：{detail}"),
}


# What each table of the record holds, for the findings (a table added later shows its name).
TABLE_LABELS: dict[str, str] = {
    "offices": QT_TRANSLATE_NOOP("dbcheck", "单位"),
    "settings": QT_TRANSLATE_NOOP("dbcheck", "设置"),
    "audit_log": QT_TRANSLATE_NOOP("dbcheck", "操作日志"),
    "row_log": QT_TRANSLATE_NOOP("dbcheck", "数据行的校验记录"),
    "agreements": QT_TRANSLATE_NOOP("dbcheck", "劳务协作协议"),
    "users": QT_TRANSLATE_NOOP("dbcheck", "用户和角色"),
    "enterprises": QT_TRANSLATE_NOOP("dbcheck", "企业"),
    "applications": QT_TRANSLATE_NOOP("dbcheck", "贷款申请"),
    "persons": QT_TRANSLATE_NOOP("dbcheck", "人员"),
    "roster_imports": QT_TRANSLATE_NOOP("dbcheck", "名册导入记录"),
    "employments": QT_TRANSLATE_NOOP("dbcheck", "用工名册（含重点群体标记）"),
    "decisions": QT_TRANSLATE_NOOP("dbcheck", "认定结论"),
    "letters": QT_TRANSLATE_NOOP("dbcheck", "确认书"),
    "letter_files": QT_TRANSLATE_NOOP("dbcheck", "确认书原件"),
    "batches": QT_TRANSLATE_NOOP("dbcheck", "报送批次"),
    "batch_items": QT_TRANSLATE_NOOP("dbcheck", "批次中的申请"),
    "batch_refs": QT_TRANSLATE_NOOP("dbcheck", "接收的县级记录"),
    "batch_quarantine": QT_TRANSLATE_NOOP("dbcheck", "隔离的批次"),
    "own_keys": QT_TRANSLATE_NOOP("dbcheck", "本单位密钥"),
    "peer_keys": QT_TRANSLATE_NOOP("dbcheck", "登记的对方公钥"),
    "identity_conflicts": QT_TRANSLATE_NOOP("dbcheck", "身份信息不一致的人员"),
    "duplicate_rulings": QT_TRANSLATE_NOOP("dbcheck", "重复用工的裁定"),
    "province_rulings": QT_TRANSLATE_NOOP("dbcheck", "省里下发的裁定"),
    "bank_lists": QT_TRANSLATE_NOOP("dbcheck", "报省开行的名单"),
    "quarantine_rechecks": QT_TRANSLATE_NOOP("dbcheck", "隔离批次的复查"),
    "record_history": QT_TRANSLATE_NOOP("dbcheck", "县级记录的变更历史"),
    "loans": QT_TRANSLATE_NOOP("dbcheck", "贷款"),
    "province_counted": QT_TRANSLATE_NOOP("dbcheck", "省里已计入的职工"),
    "tracking_lists": QT_TRANSLATE_NOOP("dbcheck", "贷后跟踪名单"),
    "tracking_list_rows": QT_TRANSLATE_NOOP("dbcheck", "贷后跟踪名单中的职工"),
    "tracking_checks": QT_TRANSLATE_NOOP("dbcheck", "贷后复核"),
    "tracking_confirmations": QT_TRANSLATE_NOOP("dbcheck", "贷后复核的确认"),
    "tracking_insured": QT_TRANSLATE_NOOP("dbcheck", "贷后跟踪的缴费月份"),
    "batch_tracking_refs": QT_TRANSLATE_NOOP("dbcheck", "批次中的贷后跟踪记录"),
}
ROWS_SHOWN = 20  # per table: the rest are counted
_NOTED = re.compile(r"^(\d+):([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})$")


def parse_fingerprint(text: str) -> Anchor:
    """A fingerprint as written down (1234:3f9a-77c2-01bd); ServiceError when it is not one."""
    match = _NOTED.match(text.strip().lower())
    if not match:
        raise ServiceError("bad_fingerprint", value=text)
    return Anchor(int(match[1]), match[2] + match[3] + match[4], text.strip(), kind="noted")


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
    fingerprint: str = ""  # the newest entry and the start of its hash, for the office to write down
    anchors: int = 0  # heads recorded outside the file that the chain was compared with

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok, "checked": self.checked, "chain_head": self.chain_head,
            "audit_entries": self.audit_entries, "fingerprint": self.fingerprint, "anchors": self.anchors,
            "findings": [{"code": f.code, "message": f.text(), **{k: str(v) for k, v in f.params.items()}}
                         for f in self.findings],
        }


def check_workspace(ws: Workspace, noted: Sequence[Anchor] = ()) -> CheckReport:
    """检查数据库 for the window and `laoxie db check`: with the heads recorded beside the backups
    and any fingerprints the office wrote down."""
    return check_database(ws.store, [*recorded_anchors(ws), *noted])


def check_database(store: Store, anchors: Sequence[Anchor] = ()) -> CheckReport:
    """Read-only: every finding says what is wrong and where.

    SQLite's integrity check (half the time of a big office's check, in C) runs on a connection
    and thread of its own while the checks in Python run here, two cores instead of one (1,000,000
    employments: 26 s -> ~15 s).  A damaged file gives only its integrity findings, as when the
    integrity check ran first: what the other checks read from damaged pages is dropped."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="laoxie-integrity") as pool:
        integrity = pool.submit(checks.integrity_problems_apart, store.path)
        try:
            report = _other_checks(store, anchors)
            failed: Exception | None = None
        except Exception as exc:  # noqa: BLE001 - judged once the integrity check has spoken
            report, failed = CheckReport(), exc
        damaged = integrity.result()
    if damaged:  # restore from a backup: nothing else the file says can be trusted
        return CheckReport(checked=["integrity"], findings=[Finding("integrity", {"detail": d}) for d in damaged])
    if failed is not None:
        raise failed
    report.checked.insert(0, "integrity")
    return report


def _other_checks(store: Store, anchors: Sequence[Anchor]) -> CheckReport:
    """Every check after SQLite's own integrity check."""
    report = CheckReport()
    conn = store.conn
    report.checked.append("foreign_keys")
    report.findings += [Finding("foreign_key", p) for p in checks.foreign_key_problems(conn)]
    report.checked.append("audit_chain")
    for b in checks.audit_chain_breaks(conn):
        params: dict[str, object] = {"entry": b.entry_id}
        if b.reason == "unrecorded":
            params["count"] = b.count
        report.findings.append(Finding(f"audit_{b.reason}", params))
    last, report.chain_head = checks.audit_tip(conn)
    report.fingerprint = fingerprint(last, report.chain_head)
    report.audit_entries = store.table_counts().get("audit_log", 0)
    report.checked.append("anchors")
    report.anchors = len(anchors)
    report.findings += _anchor_findings(store, anchors, last)
    report.checked.append("rows")
    report.findings += _row_findings(store)
    report.checked.append("triggers")
    report.findings += [Finding(f"trigger_{kind}", {"name": name}) for kind, name in checks.trigger_problems(conn)]
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
    today = datetime.date.today()
    for person_id, number in checks.all_id_numbers(conn):
        try:
            parse_id_number(number, today=today)
        except IdentifierError as exc:
            report.findings.append(Finding("bad_id_number", {"id": person_id, "detail": str(exc)}))
    return report


def _anchor_findings(store: Store, anchors: Sequence[Anchor], last: int) -> list[Finding]:
    """The newest anchor past the end (a cut tail), the oldest one that differs (a rewritten chain)."""
    found: list[Finding] = []
    beyond = [a for a in anchors if a.entry > last]
    if beyond:
        a = max(beyond, key=lambda a: a.entry)
        code = "audit_tail_cut_noted" if a.kind == "noted" else "audit_tail_cut"
        found.append(Finding(code, {"last": last, "entry": a.entry, "source": a.source}))
    hashes = checks.entry_hashes(store.conn, sorted({a.entry for a in anchors if a.entry <= last}))
    differing = [a for a in anchors if a.entry in hashes and not hashes[a.entry].startswith(a.head)]
    differing += [a for a in anchors if a.entry <= last and a.entry not in hashes]
    if differing:
        a = min(differing, key=lambda a: a.entry)
        code = "audit_rewritten_noted" if a.kind == "noted" else "audit_rewritten"
        found.append(Finding(code, {"entry": a.entry, "source": a.source}))
    return found


def _row_findings(store: Store) -> list[Finding]:
    found: list[Finding] = []
    more: dict[str, int] = {}
    shown: dict[str, int] = {}
    for change in checks.row_changes(store.conn):
        if shown.get(change.table, 0) >= ROWS_SHOWN:
            more[change.table] = more.get(change.table, 0) + 1
            continue
        shown[change.table] = shown.get(change.table, 0) + 1
        found.append(Finding(f"row_{change.kind}", {
            "table": change.table, "row": change.key, "label": TABLE_LABELS.get(change.table, change.table)}))
    found += [Finding("rows_more", {"table": t, "count": n, "label": TABLE_LABELS.get(t, t)})
              for t, n in more.items()]
    return found
