"""Errors that a clerk can cause, with messages to show as they are."""

from __future__ import annotations

from desktop.core.messages import Problem, QT_TRANSLATE_NOOP

SERVICE_MESSAGES: dict[str, str] = {
    "already_initialised": QT_TRANSLATE_NOOP(
        "service", "数据库 {path} 已设置为“{office}”，不能再次初始化。"
    ),
    "not_initialised": QT_TRANSLATE_NOOP(
        "service", "数据库 {path} 尚未设置本单位信息。请先运行 laoxie init，或在窗口中完成首次设置。"
    ),
    "invalid": QT_TRANSLATE_NOOP("service", "输入有误：{details}"),
    "enterprise_not_found": QT_TRANSLATE_NOOP("service", "找不到统一社会信用代码为 {uscc} 的企业。"),
    "demo_exists": QT_TRANSLATE_NOOP(
        "service", "文件 {path} 已存在。演示数据库只建在新文件上；请删除该文件或用 --db 指定另一个路径。"
    ),
}


class ServiceError(Exception):
    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(SERVICE_MESSAGES[code].format(**params))


class ValidationError(ServiceError):
    """Input that cannot be saved; `problems` names each field and what is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("invalid", details="；".join(p.text() for p in problems))
