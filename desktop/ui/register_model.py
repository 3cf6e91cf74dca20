"""企业汇总's rows as a query fetched a page at a time (the one paging mechanism,
:mod:`desktop.ui.paged_model`): what the list shows is read out of the decisions' payloads (every
worker, about 140 KB a decision) for the rows fetched only."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtWidgets import QWidget

from desktop.core.tracking import Verdict
from desktop.core.tracking_confirm import Confirmation, state_of
from desktop.services import province
from desktop.services.workspace import Workspace
from desktop.ui.paged_model import Index, PagedTableModel

REGISTER_PAGE = 200  # rows a page of the register
_RESULT = {"pass": "符合", "fail": "不符合"}
_STATUS = {"approved": "已批准", "issued": "已出具确认书", "submitted": "待审核", "draft": "草稿",
           "returned": "已退回"}


class RegisterModel(PagedTableModel[province.RegisterRow]):
    """The register as a query fetched a page at a time: the decisions' payloads (every worker) are
    read for the rows shown only."""

    HEADERS = ("县（市、区）", "企业名称", "统一社会信用代码", "状态", "认定结果", "适用标准", "认定人数", "职工总数",
               "占比", "确认书文号", "核验码", "批准日期", "贷款期内核实")

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.filters: dict[str, str | None] = {}
        self.counties = 0

    def set_filters(self, **filters: str | None) -> None:
        self.filters = filters
        self.reload()

    def _query_first(self) -> tuple[int, list[province.RegisterRow]]:
        if not self.filters:
            return 0, []
        total, self.counties = province.register_count(self._ws, **self.filters)  # type: ignore[arg-type]
        return total, self._query_page(0)

    def _query_page(self, offset: int) -> list[province.RegisterRow]:
        return province.register(self._ws, **self.filters, limit=REGISTER_PAGE, offset=offset)  # type: ignore[arg-type]

    def row(self, index: int) -> province.RegisterRow:
        return self._rows[index]

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's API
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("RegisterPage", self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        r = self._rows[index.row()]
        value = (f"{r.county_name}（{r.county_code}）", r.enterprise_name, r.uscc, _STATUS.get(r.status, r.status),
                 _RESULT.get(r.result or "", "—"), r.standard_label, r.qualifying_count, r.staff_total,
                 r.share_percent, r.letter_number, r.verification_code, (r.approved_at or "")[:10],
                 _tracking(r))[index.column()]
        return "" if value is None else str(value)


def _tracking(r: province.RegisterRow) -> str:
    """The register's 贷款期内核实 cell: the latest re-verification of the application's loans."""
    if not r.loans:
        return ""
    if r.last_verdict is None:
        return QCoreApplication.translate("RegisterPage", "已登记贷款，尚未核实")
    text = f"{r.last_check_date} {Verdict(r.last_verdict).label}"
    state = state_of(r.last_verdict, r.last_answer)
    return text + (f"（{state.label}）" if state is not Confirmation.NOT_NEEDED else "")


__all__ = ["REGISTER_PAGE", "RegisterModel"]
