"""Words about workers on a roster: priority groups and contract types."""

from __future__ import annotations

from enum import Enum

from desktop.core.messages import QT_TRANSLATE_NOOP


class PriorityGroup(str, Enum):
    """重点群体 (section 3.2 of the notice)."""

    POVERTY_ALLEVIATED = "poverty_alleviated"
    EMPLOYMENT_DIFFICULTY = "employment_difficulty"
    REGISTERED_UNEMPLOYED = "registered_unemployed"
    UNEMPLOYED_GRADUATE = "unemployed_graduate"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]

    @property
    def evidence_hint(self) -> str:
        """What the clerk records as evidence for this group."""
        return _GROUP_EVIDENCE[self]

    @classmethod
    def from_label(cls, text: str) -> PriorityGroup | None:
        text = text.strip()
        for group, label in _GROUP_LABELS.items():
            if text == label or text == group.value:
                return group
        return None


_GROUP_LABELS = {
    PriorityGroup.POVERTY_ALLEVIATED: QT_TRANSLATE_NOOP("group", "脱贫人口"),
    PriorityGroup.EMPLOYMENT_DIFFICULTY: QT_TRANSLATE_NOOP("group", "就业困难人员"),
    PriorityGroup.REGISTERED_UNEMPLOYED: QT_TRANSLATE_NOOP("group", "登记失业人员"),
    PriorityGroup.UNEMPLOYED_GRADUATE: QT_TRANSLATE_NOOP("group", "离校未就业高校毕业生"),
}

_GROUP_EVIDENCE = {
    PriorityGroup.POVERTY_ALLEVIATED: QT_TRANSLATE_NOOP("group", "防返贫监测系统标识或乡镇证明编号"),
    PriorityGroup.EMPLOYMENT_DIFFICULTY: QT_TRANSLATE_NOOP("group", "就业困难人员认定编号"),
    PriorityGroup.REGISTERED_UNEMPLOYED: QT_TRANSLATE_NOOP("group", "失业登记证编号"),
    PriorityGroup.UNEMPLOYED_GRADUATE: QT_TRANSLATE_NOOP("group", "毕业院校及毕业年份"),
}


class ContractType(str, Enum):
    FIXED = "fixed"
    OPEN_ENDED = "open_ended"
    TASK = "task"

    @property
    def label(self) -> str:
        return _CONTRACT_LABELS[self]


_CONTRACT_LABELS = {
    ContractType.FIXED: QT_TRANSLATE_NOOP("contract", "固定期限"),
    ContractType.OPEN_ENDED: QT_TRANSLATE_NOOP("contract", "无固定期限"),
    ContractType.TASK: QT_TRANSLATE_NOOP("contract", "以完成一定工作任务为期限"),
}
