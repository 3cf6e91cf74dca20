"""`laoxie import FILE --enterprise USCC`, `laoxie template OUT.xlsx`, `laoxie roster list`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli.common import EXIT_OK, ChineseArgumentParser, Streamed, UsageError, emit, open_workspace, write_json

if TYPE_CHECKING:
    from desktop.core.roster import Field, RosterRow
    from desktop.services.roster_commit import ImportResult
    from desktop.services.rosters import RosterPreview

_STATUS = {"valid": "有效", "invalid": "有误", "duplicate": "重复"}
_ACTION = {"new": "新增", "updated": "更新", "unchanged": "未变", "refused": "拒收"}
_STAGE = {"read": "读取", "check": "核对", "compare": "比对", "write": "写入"}
_TEXT_LIMIT = 200


def field_named(text: str) -> Field:
    """A field by its code (id_number), its label (公民身份号码) or a header it is known by (身份证号)."""
    from desktop.core.roster import FIELD_LABELS, Field, field_of_header

    value = text.strip()
    for f in Field:
        if value in (f.value, FIELD_LABELS[f]):
            return f
    found = field_of_header(value)
    if found is None:
        names = "、".join(f"{f.value}（{f.label}）" for f in Field)
        raise UsageError(f"无法识别的列：{text}。可用的列：{names}")
    return found


def column_overrides(pairs: list[str] | None) -> dict[Field, int | None]:
    from desktop.services import rosters as roster_service
    from desktop.services.roster_mapping import parse_column

    overrides: dict[Field, int | None] = {}
    for pair in pairs or []:
        name, sep, column = pair.partition("=")
        if not sep:
            raise UsageError(f"--map 应写成 列名=列字母，如 身份证号=D 或 性别=-（表示没有这一列），而不是“{pair}”")
        try:
            overrides[field_named(name)] = parse_column(column)
        except roster_service.RosterError as exc:
            raise UsageError(str(exc)) from exc
    return overrides


def import_record(preview: RosterPreview, *, full_ids: bool, streamed: bool = False) -> dict[str, Any]:
    """What `import --json` prints: the file, the mapping, the counts, every data row and every problem
    (the rows with a problem when the file is the last import's again: ``unchanged_since``).  ``streamed``:
    the rows and the problems as :class:`Streamed` lists, for write_json to write as they are made."""
    from desktop.services import rosters as roster_service

    layout = preview.layout
    rows = (_row_record(r, full_ids=full_ids) for r in preview.every_row())
    problems = (roster_service.problem_record(preview.sheet, layout, p) for p in preview.check.problems())
    same = preview.unchanged_since
    return {
        "file": preview.file.name, "sha256": preview.file.sha256, "kind": preview.file.kind,
        "encoding": preview.file.encoding or None,
        "sheet": preview.sheet, "sheets": [s.name for s in preview.sheets],
        "header_row": layout.header_row + 1, "first_data_row": layout.first_data_row + 1,
        "mapping": preview.mapping(),
        "month_columns": {roster_service.column_letter(c): m for c, m in sorted(layout.month_columns.items())},
        "remembered_mapping": preview.remembered,
        "enterprise": {"id": preview.enterprise.id, "uscc": preview.enterprise.uscc, "name": preview.enterprise.name},
        "counts": preview.counts,
        "minimum_wage": preview.minimum_wage,
        "ids": "full" if full_ids else "masked",
        "unchanged_since": same.record() if same is not None else None,
        "rows": Streamed(rows) if streamed else list(rows),
        "problems": Streamed(problems) if streamed else list(problems),
        "groups": preview.groups(),
        "skipped_rows": preview.check.skipped,
    }


def _row_record(r: RosterRow, *, full_ids: bool) -> dict[str, Any]:
    from desktop.services.privacy import shown_id

    return {
        "sheet_row": r.sheet_row,
        "id": r.id_number if full_ids or len(r.id_number) != 18 else shown_id(r.id_number),
        "name": r.name,
        "status": r.status,
        "action": r.action,
        "problems": [p.code for p in r.errors],
        "warnings": [p.code for p in r.warnings],
        "hukou_code": r.hukou_code,
        "contract_type": r.contract_type,
        "contract_start": r.contract_start,
        "contract_end": r.contract_end,
        "priority_claim": r.priority_claim,
        "changes": {k: [v[0], v[1]] for k, v in r.changes.items()},
    }


def import_text(preview: RosterPreview, result: ImportResult | None) -> str:
    from desktop.services.privacy import shown_id
    from desktop.services.roster_digest import SAME_FILE_DONE

    c = result.counts if result else preview.counts
    layout = preview.layout
    lines = [
        f"名册：{preview.file.name}（工作表“{preview.sheet}”，表头在第 {layout.header_row + 1} 行）",
        f"企业：{preview.enterprise.name}（{preview.enterprise.uscc}）",
        f"共 {c['rows']} 行：新增 {c['new']}，更新 {c['updated']}，未变 {c['unchanged']}，"
        f"拒收 {c['refused']}（有误 {c['invalid']}，重复 {c['duplicate']}）；有提醒的 {c['warnings']} 行",
    ]
    same = preview.unchanged_since
    if same is not None:
        lines.insert(2, same.text())
    if c.get("absent"):
        lines.append(f"库中有 {c['absent']} 人不在这份名册上" + (
            f"，已标记为离职 {c['deactivated']} 人" if c.get("deactivated") else "（未改动；用 --deactivate-missing 标记为离职）"))
    groups = preview.groups()
    if groups:
        lines += ["", "问题（按类别）："]
        for g in groups:
            rows = "、".join(str(r) for r in g["rows"][:12])  # type: ignore[index]
            more = " 等" if len(g["rows"]) > 12 else ""  # type: ignore[arg-type]
            kind = "错误" if g["severity"] == "error" else "提醒"
            lines.append(f"  {kind}  {g['title']} ×{g['count']}：第 {rows}{more} 行")
        lines += ["", "逐条："]
        records = preview.problem_records()
        for p in records[:_TEXT_LIMIT]:
            where = f"第 {p['row']} 行 {p['column']}列" + (f"（{p['header']}）" if p["header"] else "")
            lines.append(f"  {where}：{p['message']}")
        if len(records) > _TEXT_LIMIT:
            lines.append(f"  ……另有 {len(records) - _TEXT_LIMIT} 条，完整清单请用 --problems 导出或 --json")
    updated = [r for r in preview.shown_rows if r.action == "updated"]
    if updated:
        lines += ["", "变化："]
        for r in updated[:_TEXT_LIMIT]:
            change = "；".join(f"{k}：{_shown(k, v[0])} → {_shown(k, v[1])}" for k, v in r.changes.items())
            lines.append(f"  第 {r.sheet_row} 行 {shown_id(r.id_number)} {r.name}：{change}")
    lines.append("")
    if result is not None and same is not None:
        lines.append(SAME_FILE_DONE.format(id=result.import_id))
    else:
        lines.append(f"已导入（导入编号 {result.import_id}）。" if result else "试运行：未写入数据库。")
    return "\n".join(lines)


def _shown(name: str, value: object) -> str:
    from desktop.services.privacy import shown_phone

    if value is None or value == "":
        return "（空）"
    if name == "phone":
        return shown_phone(str(value))
    if isinstance(value, tuple):
        return "、".join(value)
    return str(value)


def cmd_import(args: argparse.Namespace) -> int:
    from desktop.services import enterprises as enterprise_service, rosters as roster_service
    from desktop.services.privacy import show_full_ids
    from desktop.services.roster_commit import import_roster

    overrides = column_overrides(args.map)
    if args.header_row is not None and args.header_row < 1:
        raise UsageError("--header-row 是表头所在的行号，从 1 开始")
    progress = _progress_printer() if args.progress else None
    with open_workspace(args) as ws:
        enterprise = enterprise_service.find_enterprise(ws, args.enterprise)
        preview, result = import_roster(
            ws, enterprise.id, Path(args.file), dry_run=args.dry_run, deactivate_absent=args.deactivate_missing,
            sheet=args.sheet, columns=overrides, header_row=args.header_row, progress=progress,
        )
        problems_file = None
        if args.problems:
            problems_file = roster_service.write_problems_copy(ws, preview, Path(args.problems))
        full_ids = show_full_ids(ws, wanted=bool(args.json), purpose="名册导入核对", enterprise_id=enterprise.id,
                                 count=preview.row_count)  # DOMAIN.md 7: who saw full ID numbers is logged
    if args.json:
        record = import_record(preview, full_ids=full_ids, streamed=True)
        record |= {"dry_run": result is None, "import_id": result.import_id if result else None,
                   "problems_file": str(problems_file) if problems_file else None}
        if result is not None:
            record["counts"] = result.counts
        write_json({"import": record}, sys.stdout)  # the rows as they are made: never one 100,000-row text
        return EXIT_OK
    text = import_text(preview, result)
    if problems_file:
        text += f"\n问题清单已写入 {problems_file}"
    print(text)
    return EXIT_OK


def _progress_printer() -> Any:
    import sys

    def report(stage: str, done: int, total: int) -> None:
        label = _STAGE.get(stage, stage)
        print(f"\r{label} {done}/{total}" if total else f"\r{label}…", end="", file=sys.stderr, flush=True)

    return report


def cmd_template(args: argparse.Namespace) -> int:
    from desktop.services import rosters as roster_service

    written = roster_service.write_template(Path(args.out))
    emit(args, {"template": str(written)}, f"名册模板已写入 {written}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from desktop.core.workers import ContractType, PriorityGroup
    from desktop.services import enterprises as enterprise_service, roster_view as roster_service
    from desktop.services.privacy import shown_id
    from desktop.services.roster_view import RosterQuery

    group = args.group or ""
    if group not in ("", "any", "none", "claimed") and group not in {g.value for g in PriorityGroup}:
        found = [g.value for g in PriorityGroup if g.label == group]
        if not found:
            raise UsageError(f"无法识别的重点群体：{group}。可用：any、none、claimed、" + "、".join(g.label for g in PriorityGroup))
        group = found[0]
    contract = args.contract or ""
    if contract and contract not in {c.value for c in ContractType}:
        found = [c.value for c in ContractType if c.label == contract]
        if not found:
            raise UsageError(f"无法识别的合同类型：{contract}")
        contract = found[0]
    if args.sort not in roster_service.SORT_COLUMNS:
        raise UsageError(f"无法按“{args.sort}”排序。可用的排序列：" + "、".join(sorted(roster_service.SORT_COLUMNS)))
    with open_workspace(args) as ws:
        enterprise = enterprise_service.find_enterprise(ws, args.enterprise)
        query = RosterQuery(enterprise.id, text=args.search or "", priority_group=group, contract_type=contract,
                            active_only=not args.all, sort=args.sort, descending=args.desc)
        try:
            total = roster_service.count_roster(ws, query)
            records = roster_service.roster_page(ws, query, limit=args.limit, offset=args.offset)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    rows = [
        {"employment_id": r.employment_id, "id": shown_id(r.id_number), "name": r.name,
         "hukou_code": r.hukou_code, "hukou_text": r.hukou_text, "contract_type": r.contract_type,
         "contract_start": r.contract_start, "contract_end": r.contract_end,
         "priority_group": r.priority_group, "priority_evidence": r.priority_evidence,
         "priority_claim": r.priority_claim, "active": r.active, "source_row": r.source_row}
        for r in records
    ]
    lines = [f"{r['id']}  {r['name']:<6} {r['hukou_text']:<10} {r['contract_start'] or '':10}"
             f" — {r['contract_end'] or '长期':10} {_group_text(r)}" for r in rows]
    lines.append(f"共 {total} 人" + (f"（显示 {len(rows)} 人）" if total > len(rows) else ""))
    emit(args, {"total": total, "workers": rows}, "\n".join(lines))
    return EXIT_OK


def _group_label(value: object) -> str:
    """The priority group in Chinese for the plain-text list (the JSON keeps the stable code)."""
    from desktop.core.workers import PriorityGroup

    try:
        return PriorityGroup(value).label if value else ""
    except ValueError:
        return str(value)


def _group_text(row: dict[str, Any]) -> str:
    """The verified group with its evidence, or the enterprise's claim marked as not verified."""
    verified, claim = row["priority_group"], row["priority_claim"]
    if verified:
        text = f"{_group_label(verified)}（已核实：{row['priority_evidence']}）"
        return text + (f"，企业申报为{_group_label(claim)}" if claim and claim != verified else "")
    return f"{_group_label(claim)}（企业申报，未核实）" if claim else ""


def _employment_ids(ws: Any, enterprise_id: int, numbers: list[str]) -> list[int]:
    """The enterprise's employments of these ID numbers (each must be on its roster)."""
    from desktop.services.privacy import shown_id
    from desktop.core.identifiers import normalize_id_text
    from desktop.services.priority import employments_by_id_number

    wanted = [normalize_id_text(text) for text in numbers]
    found = employments_by_id_number(ws, enterprise_id, wanted)
    for number in wanted:
        if number not in found:
            raise UsageError(f"这家企业的名册上没有身份证号码为 {shown_id(number)} 的人员")
    return [found[n] for n in dict.fromkeys(wanted)]


def cmd_mark(args: argparse.Namespace) -> int:
    from desktop.core.workers import PriorityGroup
    from desktop.services import enterprises as enterprise_service
    from desktop.services.priority import mark_priority

    group: PriorityGroup | None = None
    if args.action == "mark":
        group = PriorityGroup.from_label(args.group)
        if group is None:
            raise UsageError(f"无法识别的重点群体：{args.group}。可用：" + "、".join(g.label for g in PriorityGroup))
    with open_workspace(args) as ws:
        enterprise = enterprise_service.find_enterprise(ws, args.enterprise)
        ids = _employment_ids(ws, enterprise.id, args.id)
        changed = mark_priority(ws, enterprise.id, ids, group, args.evidence if group else "")
    what = f"标记为“{group.label}”" if group else "取消重点群体标记"
    emit(args, {"changed": changed, "group": group.value if group else None},
         f"{enterprise.name}：{what} {changed} 人" + ("" if changed == len(ids) else f"（{len(ids) - changed} 人原已如此）"))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from desktop.services import enterprises as enterprise_service, roster_view as roster_service
    from desktop.services.roster_view import RosterQuery
    from desktop.services.priority import verify_claims

    with open_workspace(args) as ws:
        enterprise = enterprise_service.find_enterprise(ws, args.enterprise)
        if args.all_claimed:
            query = RosterQuery(enterprise.id, priority_group="claimed")
            ids = roster_service.roster_ids(ws, query)
            if not ids:
                raise UsageError(f"{enterprise.name} 的名册上没有尚未核实的重点群体申报")
        elif args.id:
            ids = _employment_ids(ws, enterprise.id, args.id)
        else:
            raise UsageError("请用 --id 指定人员，或用 --all-claimed 核实全部尚未核实的申报")
        changed = verify_claims(ws, enterprise.id, ids, args.evidence)
    emit(args, {"changed": changed, "evidence": " ".join(args.evidence.split())},
         f"{enterprise.name}：核实企业申报的重点群体 {changed} 人，依据：{' '.join(args.evidence.split())}")
    return EXIT_OK


def cmd_hukou(args: argparse.Namespace) -> int:
    from desktop.services import enterprises as enterprise_service
    from desktop.services.priority import record_hukou_check

    check = "checked" if args.checked else "excluded" if args.exclude else None
    with open_workspace(args) as ws:
        enterprise = enterprise_service.find_enterprise(ws, args.enterprise)
        ids = _employment_ids(ws, enterprise.id, args.id)
        changed = record_hukou_check(ws, enterprise.id, ids, check)
    what = {"checked": "记为“已核对户口簿”", "excluded": "决定不计入", None: "撤销户口簿核对结果"}[check]
    emit(args, {"changed": changed, "check": check}, f"{enterprise.name}：{what} {changed} 人")
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from desktop.services import enterprises as enterprise_service, roster_view as roster_service

    with open_workspace(args) as ws:
        enterprise = enterprise_service.find_enterprise(ws, args.enterprise)
        imports = roster_service.roster_history(ws, enterprise.id)
    lines = [f"{enterprise.name}（{enterprise.uscc}）的名册导入记录：" if imports else f"{enterprise.name} 尚无名册导入记录"]
    for i in imports:
        c = i["counts"]
        who = f"，{i['imported_by_name']}" if i.get("imported_by_name") else ""
        undone = f"（已于 {str(i['undone_at'])[:16].replace('T', ' ')} 撤销）" if i.get("undone_at") else ""
        lines.append(f"  [{i['id']}] {str(i['imported_at'])[:16].replace('T', ' ')}{who}：{i['file_name']}"
                     f"（工作表“{i['sheet']}”） 新增 {c.get('new', 0)}，更新 {c.get('updated', 0)}，"
                     f"未变 {c.get('unchanged', 0)}，拒收 {c.get('refused', 0)}  SHA-256 {str(i['sha256'])[:16]}…{undone}")
    emit(args, {"enterprise": enterprise.uscc, "imports": imports}, "\n".join(lines))
    return EXIT_OK


def cmd_undo(args: argparse.Namespace) -> int:
    from desktop.services import enterprises as enterprise_service
    from desktop.services.roster_undo import last_undoable, undo_import

    with open_workspace(args) as ws:
        enterprise = enterprise_service.find_enterprise(ws, args.enterprise)
        import_id = args.import_id
        if import_id is None:
            latest = last_undoable(ws, enterprise.id)
            if latest is None:
                raise UsageError(f"{enterprise.name} 没有可撤销的名册导入（roster history 列出导入记录）")
            import_id = latest.id
        result = undo_import(ws, import_id)
    c = result.counts
    emit(args, {"undo": {"import_id": result.import_id, "file": result.file_name, "counts": c}},
         f"{enterprise.name}：已撤销名册导入 {result.import_id}（{result.file_name}）：删除新增的在职记录 {c['removed']} 条、"
         f"人员 {c['persons_removed']} 人，恢复原有记录 {c['restored']} 条、人员姓名 {c['persons_restored']} 条")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    from desktop.core.workers import PriorityGroup

    p = sub.add_parser("import", parents=[common], help="导入企业报送的名册（.xlsx / .xls / .csv）")
    p.add_argument("file", metavar="文件", help="名册文件")
    p.add_argument("--enterprise", required=True, metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--sheet", metavar="工作表", help="工作表名称（默认：第一个有表头的工作表）")
    p.add_argument("--header-row", type=int, metavar="行号", help="表头所在行号（默认自动查找）")
    p.add_argument("--map", action="append", metavar="列名=列", help="指定某列，如 身份证号=D；性别=- 表示没有这一列（可多次使用）")
    p.add_argument("--dry-run", action="store_true", help="只核对，不写入数据库")
    p.add_argument("--deactivate-missing", action="store_true", help="库中有、名册上没有的人员标记为离职")
    p.add_argument("--problems", metavar="文件.xlsx", help="把标出问题的名册副本和问题清单写到这个文件，退给企业")
    p.add_argument("--progress", action="store_true", help="在标准错误输出显示进度")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("template", parents=[common], help="生成给企业填写的名册模板")
    p.add_argument("out", metavar="文件.xlsx", help="模板写到这个 .xlsx 文件")
    p.set_defaults(handler=cmd_template)

    roster = sub.add_parser("roster", parents=[common], help="名册人员")
    roster_sub = roster.add_subparsers(dest="action", metavar="操作", parser_class=ChineseArgumentParser,
                                       required=True)
    p = roster_sub.add_parser("list", parents=[common], help="列出企业的名册人员")
    p.add_argument("--enterprise", required=True, metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--search", metavar="文字", help="按姓名，或身份证号码、电话中的数字筛选")
    p.add_argument("--group", metavar="群体", help="重点群体：类别名称、any（已核实的任一类）、claimed（企业申报、尚未核实）或 none（既无申报也无核实）")
    p.add_argument("--contract", metavar="合同类型", help="合同类型")
    p.add_argument("--all", action="store_true", help="包括已离职人员")
    p.add_argument("--sort", default="source_row", metavar="列",
                   help="排序列：source_row（名册行号，默认）、name、id_number、contract_start、contract_end 等")
    p.add_argument("--desc", action="store_true", help="倒序排列")
    p.add_argument("--limit", metavar="数量", type=int, default=200, help="最多列出多少人（默认 200）")
    p.add_argument("--offset", metavar="数量", type=int, default=0, help="跳过前多少人（默认 0），用于分页")
    p.set_defaults(handler=cmd_list)

    p = roster_sub.add_parser("history", parents=[common], help="企业的名册导入记录（文件、SHA-256、人数）")
    p.add_argument("--enterprise", required=True, metavar="信用代码", help="企业的统一社会信用代码")
    p.set_defaults(handler=cmd_history)

    p = roster_sub.add_parser("undo", parents=[common],
                              help="撤销企业最近一次名册导入（恢复导入前的名册；导入编号见 roster history）")
    p.add_argument("--enterprise", required=True, metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--import", dest="import_id", type=int, metavar="导入编号", help="导入编号（默认最近一次）")
    p.set_defaults(handler=cmd_undo)

    p = roster_sub.add_parser("mark", parents=[common], help="把人员标记为重点群体（需填写证明材料编号）")
    p.add_argument("--enterprise", required=True, metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--id", required=True, action="append", metavar="身份证号码", help="可多次使用")
    p.add_argument("--group", metavar="群体", required=True, help="重点群体类别：" + "、".join(g.label for g in PriorityGroup))
    p.add_argument("--evidence", metavar="证明材料", required=True, help="证明材料编号，如就业困难人员认定编号、失业登记证编号")
    p.set_defaults(handler=cmd_mark)

    p = roster_sub.add_parser("verify", parents=[common],
                              help="核实企业在名册中申报的重点群体（一份证明材料可覆盖多人）")
    p.add_argument("--enterprise", required=True, metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--id", action="append", metavar="身份证号码", help="可多次使用")
    p.add_argument("--all-claimed", action="store_true", help="核实这家企业全部尚未核实的申报")
    p.add_argument("--evidence", metavar="证明材料", required=True, help="所核对的证明材料，如“核对县脱贫人口名单（2026年11月）”")
    p.set_defaults(handler=cmd_verify)

    p = roster_sub.add_parser("hukou", parents=[common],
                              help="身份证号码所示地区与户籍地不同的人员：记为已核对户口簿，或决定不计入")
    p.add_argument("--enterprise", required=True, metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--id", required=True, action="append", metavar="身份证号码", help="可多次使用")
    answer = p.add_mutually_exclusive_group(required=True)
    answer.add_argument("--checked", action="store_true", help="已核对户口簿，户籍地无误")
    answer.add_argument("--exclude", action="store_true", help="不计入")
    answer.add_argument("--clear", action="store_true", help="撤销已记录的结果")
    p.set_defaults(handler=cmd_hukou)

    p = roster_sub.add_parser("unmark", parents=[common], help="取消人员的重点群体标记")
    p.add_argument("--enterprise", required=True, metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--id", required=True, action="append", metavar="身份证号码", help="可多次使用")
    p.set_defaults(handler=cmd_mark)
