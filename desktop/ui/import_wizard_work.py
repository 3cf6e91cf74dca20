"""What the roster import wizard runs on the database worker, and the texts it shows about the result.

The wizard's tasks share one Workspace that the worker keeps open for the
wizard (``TaskRunner.keep_workspace``): ``prepare_import`` stages the new
rows in a TEMP table of that connection and ``commit_import`` copies them
from there, the fast way the bench measures.  Should the staging be gone
(or the office changed meanwhile) the commit writes the rows the ordinary
way: the same rows, in one transaction.

The services stop on ``cancel()`` with ``RosterError("roster_cancelled")``;
here that becomes :class:`Cancelled`, so the task reports a cancel, not a
failure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, TypeVar

from PySide6.QtCore import QCoreApplication

from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.roster import Field, RosterError
from desktop.rosters.reader import RosterFile
from desktop.services import roster_commit, rosters
from desktop.services.roster_digest import SAME_FILE_DONE, SAME_FILE_TEXT
from desktop.services.reviews import ensure_enterprise_editable
from desktop.services.roster_commit import ImportResult
from desktop.services.privacy import shown_id
from desktop.services.rosters import RosterInspection, RosterPreview
from desktop.services.workspace import Workspace
from desktop.ui.errors import environment_text, is_environment_error
from desktop.ui.tasks import Cancelled, TaskState
from desktop.ui.text import problem_text

T = TypeVar("T")

STAGES: Final = {
    "read": QT_TRANSLATE_NOOP("ImportWizard", "正在读取文件…"),
    "check": QT_TRANSLATE_NOOP("ImportWizard", "正在核对各行…"),
    "compare": QT_TRANSLATE_NOOP("ImportWizard", "正在与库中人员比对…"),
    "write": QT_TRANSLATE_NOOP("ImportWizard", "正在写入数据库…"),
}
FIGURES: Final = (
    ("new", QT_TRANSLATE_NOOP("ImportWizard", "新增")), ("updated", QT_TRANSLATE_NOOP("ImportWizard", "更新")),
    ("unchanged", QT_TRANSLATE_NOOP("ImportWizard", "未变")), ("refused", QT_TRANSLATE_NOOP("ImportWizard", "拒收")),
    ("warnings", QT_TRANSLATE_NOOP("ImportWizard", "有提醒")),
)
COUNT_COLORS: Final = {"new": "#1e7d32", "updated": "#1565c0", "unchanged": "#555555", "refused": "#b3261e",
                       "warnings": "#8a5300"}


def _cancellable(state: TaskState, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a service with the task's progress and cancel flag; a cancel is reported as one."""
    try:
        return call(*args, progress=lambda stage, done, total: state.progress(done, total, stage),
                    cancel=lambda: state.cancelled, **kwargs)
    except RosterError as exc:
        if exc.code == "roster_cancelled":
            raise Cancelled from exc
        raise


def inspect(ws: Workspace, state: TaskState, enterprise_id: int, source: Path | RosterFile, sheet: str | None,
            header_row: int | None) -> RosterInspection:
    """Read the file (unless it was read already) and find its header; nothing is checked or written."""
    ensure_enterprise_editable(ws, enterprise_id)
    rf = source if isinstance(source, RosterFile) else rosters.open_roster(source)
    try:
        state.check()
        return rosters.inspect_roster(ws, enterprise_id, rf, sheet=sheet, header_row=header_row)
    except BaseException:
        if rf is not source:
            rf.close()
        raise


def prepare(ws: Workspace, state: TaskState, enterprise_id: int, rf: RosterFile, sheet: str,
            columns: Mapping[Field, int | None], header_row: int) -> RosterPreview:
    preview = _cancellable(state, rosters.prepare_import, ws, enterprise_id, rf, sheet=sheet, columns=columns,
                           header_row=header_row)
    if state.cancelled:  # asked after the last check: the clerk still expects nothing to be shown
        preview.close()
        raise Cancelled
    return preview


def commit(ws: Workspace, state: TaskState, preview: RosterPreview, deactivate_absent: bool) -> ImportResult:
    """One transaction; a cancel before its end leaves the database as it was."""
    return _cancellable(state, roster_commit.commit_import, ws, preview, deactivate_absent=deactivate_absent)


def write_problems_copy(ws: Workspace, state: TaskState, preview: RosterPreview, out: Path) -> Path:
    state.check()
    return rosters.write_problems_copy(ws, preview, out)


def reason_text(error: BaseException) -> str | None:
    """What the clerk can act on, in Chinese; None for a bug (which gets a report instead)."""
    if isinstance(error, RosterError):
        return problem_text(error.problem)
    if is_environment_error(error):
        return environment_text(error)
    return None


# --------------------------------------------------------------------------
# Texts about the preview and the result


def _number(key: str, value: int, label: str) -> str:
    color = COUNT_COLORS[key] if value else "#9e9e9e"
    return (f'<td align="center" style="padding: 0 14px"><span style="font-size: 17pt; font-weight: 600;'
            f' color: {color}">{value}</span><br/>{label}</td>')


def summary_html(preview: RosterPreview) -> str:
    """The preview page's headline: where the data came from, then the counts in large figures."""
    c = preview.counts
    where = QCoreApplication.translate("ImportWizard", "名册“{file}”，工作表“{sheet}”，表头在第 {row} 行；企业：{enterprise}").format(
        file=preview.file.name, sheet=preview.sheet, row=preview.layout.header_row + 1,
        enterprise=preview.enterprise.name)
    figures = "".join(_number(key, c[key], QCoreApplication.translate("ImportWizard", label))
                      for key, label in FIGURES)
    notes = [QCoreApplication.translate("ImportWizard", "共 {rows} 行人员数据。").format(rows=c["rows"])]
    if c["refused"]:
        notes.append(QCoreApplication.translate("ImportWizard", "拒收的 {refused} 行有错误，不会导入（有误 {invalid}，重复 {duplicate}）。").format(
            refused=c["refused"], invalid=c["invalid"], duplicate=c["duplicate"]))
    if c["warnings"]:
        notes.append(QCoreApplication.translate("ImportWizard", "有提醒的 {n} 行照常导入，请核对。").format(n=c["warnings"]))
    skipped = []
    if c.get("skipped_blank"):
        skipped.append(QCoreApplication.translate("ImportWizard", "空行 {n} 行").format(n=c["skipped_blank"]))
    if c.get("skipped_closing"):
        skipped.append(QCoreApplication.translate("ImportWizard", "合计、签名等行 {n} 行").format(n=c["skipped_closing"]))
    if skipped:
        notes.append(QCoreApplication.translate("ImportWizard", "已跳过{what}。").format(what="、".join(skipped)))
    if preview.remembered:
        notes.append(QCoreApplication.translate("ImportWizard", "列的对应参考了上次为本企业确认的结果。"))
    same = ""
    if preview.unchanged_since is not None:  # the last import's file again (desktop.services.roster_digest)
        text = QCoreApplication.translate("roster_digest", SAME_FILE_TEXT).format(**preview.unchanged_since.params())
        same = f'<p style="font-weight: 600; color: {COUNT_COLORS["unchanged"]}">{text}</p>'
    return (f"<p>{where}</p>{same}<table><tr>{figures}</tr></table>"
            f"<p>{''.join(notes)}</p>")


ABSENT_NAMED: Final = 3  # named in the check box's text
ABSENT_LISTED: Final = 30  # in its tooltip, with masked ID numbers


def absent_text(preview: RosterPreview) -> str:
    """The check box that marks the workers the roster no longer lists as 离职: how many, and who (the
    first names; the tooltip, :func:`absent_tip`, lists more), so the clerk does not tick it blind."""
    count = preview.counts.get("absent", 0)
    names = [name for name, _number in preview.absent_workers(ABSENT_NAMED) if name]
    if not names:
        return QCoreApplication.translate("ImportWizard", "将名册中没有的在职人员标记为离职（库中有 {n} 人不在这份名册上）").format(n=count)
    who = "、".join(names) + (QCoreApplication.translate("ImportWizard", "等") if count > len(names) else "")
    return QCoreApplication.translate(
        "ImportWizard", "将名册中没有的在职人员标记为离职（库中有 {n} 人不在这份名册上：{who}）").format(n=count, who=who)


def absent_tip(preview: RosterPreview) -> str:
    people = preview.absent_workers(ABSENT_LISTED)
    lines = [QCoreApplication.translate("ImportWizard", "库中在职、这份名册上没有的人员：")]
    lines += [f"{name or '—'}　{shown_id(number)}" for name, number in people]
    more = preview.counts.get("absent", 0) - len(people)
    if more > 0:
        lines.append(QCoreApplication.translate("ImportWizard", "……另有 {n} 人").format(n=more))
    return "\n".join(lines)


def result_html(result: ImportResult, *, cancelled_late: bool = False) -> str:
    """The result page; ``cancelled_late``: the clerk asked to cancel once the import was committed."""
    c = result.counts
    preview = result.preview
    figures = "".join(_number(key, c[key], QCoreApplication.translate("ImportWizard", label))
                      for key, label in FIGURES if key != "warnings")
    lines = [QCoreApplication.translate("ImportWizard", "已导入“{file}”（企业：{enterprise}；导入编号 {id}）。").format(
        file=preview.file.name, enterprise=preview.enterprise.name, id=result.import_id)]
    if c["refused"]:
        lines.append(QCoreApplication.translate("ImportWizard", "拒收的 {refused} 行有错误，没有导入：可把问题清单发回企业，改正后重新报送。").format(refused=c["refused"]))  # noqa: E501 - one literal for lupdate
    if c.get("deactivated"):
        lines.append(QCoreApplication.translate("ImportWizard", "已将名册中没有的 {n} 人标记为离职。").format(
            n=c["deactivated"]))
    elif c.get("absent"):
        lines.append(QCoreApplication.translate("ImportWizard", "库中另有 {n} 人不在这份名册上，仍为在职。").format(
            n=c["absent"]))
    if preview.unchanged_since is not None:  # nothing was written: say so instead
        lines[0] = QCoreApplication.translate("roster_digest", SAME_FILE_DONE).format(id=result.import_id)
    elif result.backed_up:
        lines.append(QCoreApplication.translate("ImportWizard", "导入前已按计划备份数据库；本次导入已记入操作日志（含文件的 SHA-256），如有错误，可在名册页用“撤销上次导入”撤回。"))  # noqa: E501 - one literal for lupdate
    else:
        lines.append(QCoreApplication.translate("ImportWizard", "本次导入已记入操作日志（含文件的 SHA-256），如有错误，可在名册页用“撤销上次导入”撤回。"))  # noqa: E501 - one literal for lupdate
    late = ""
    if cancelled_late and preview.unchanged_since is None:
        text = QCoreApplication.translate("ImportWizard", "取消时导入已完成，来不及取消：这份名册已写入数据库。如需回退，可在名册页用“撤销上次导入”撤回。")  # noqa: E501 - one literal for lupdate
        late = f'<p style="font-weight: 600; color: {COUNT_COLORS["warnings"]}">{text}</p>'
    return f"{late}<p>{lines[0]}</p><table><tr>{figures}</tr></table>" + "".join(f"<p>{line}</p>" for line in lines[1:])
