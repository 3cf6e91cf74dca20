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
    "bad_fingerprint": QT_TRANSLATE_NOOP(
        "service", "“{value}”不是数据库指纹：指纹形如 1234:3f9a-77c2-01bd（检查数据库时显示）。"),
    "forbidden": QT_TRANSLATE_NOOP("service", "用户“{user}”（{role}）无权{permission}。"),
    "login_failed": QT_TRANSLATE_NOOP("service", "用户名或密码不对。"),
    "login_locked": QT_TRANSLATE_NOOP(
        "service", "用户“{user}”连续 {failures} 次密码错误，已暂停登录，请 {minutes} 分钟后再试，或请管理员重设密码。"
    ),
    "account_disabled": QT_TRANSLATE_NOOP("service", "用户“{user}”已停用，请联系管理员。"),
    "password_required": QT_TRANSLATE_NOOP(
        "service", "需要用户“{user}”的密码：请在提示时输入，或设置环境变量 LAOXIE_PASSWORD。"
    ),
    "user_required": QT_TRANSLATE_NOOP("service", "请用 --user 指定操作的用户（或设置环境变量 LAOXIE_USER）。"),
    "last_admin": QT_TRANSLATE_NOOP("service", "不能停用或降级最后一位管理员。"),
    "user_not_found": QT_TRANSLATE_NOOP("service", "找不到用户“{user}”。"),
    "wrong_password": QT_TRANSLATE_NOOP("service", "原密码不对，密码未修改。"),
    "password_change_required": QT_TRANSLATE_NOOP(
        "service", "用户“{user}”正在使用初始密码或管理员重设的临时密码，须先修改密码：laoxie user passwd"
        "（新密码在提示时输入，或放在环境变量 LAOXIE_NEW_PASSWORD 中）。"
    ),
    "invalid": QT_TRANSLATE_NOOP("service", "输入有误：{details}"),
    "enterprise_not_found": QT_TRANSLATE_NOOP("service", "找不到统一社会信用代码为 {uscc} 的企业。"),
    "no_workers_selected": QT_TRANSLATE_NOOP("service", "没有选中任何人员。"),
    "workers_not_found": QT_TRANSLATE_NOOP(
        "service", "有 {count} 名人员不在这家企业的名册上（可能已被重新导入的名册替换），请刷新后再选。"
    ),
    "priority_evidence_required": QT_TRANSLATE_NOOP(
        "service", "标记为“{group}”需要填写证明材料编号（{hint}）。"
    ),
    "priority_verify_evidence_required": QT_TRANSLATE_NOOP(
        "service", "核实企业申报的重点群体需要写明所核对的证明材料（如“核对县脱贫人口名单（2026年11月）”）。"
    ),
    "priority_no_claims": QT_TRANSLATE_NOOP(
        "service", "选中的人员在企业名册中都没有申报重点群体；要标记他们，请用“标记重点群体”并选择类别。"
    ),
    "priority_evidence_too_long": QT_TRANSLATE_NOOP("service", "证明材料编号太长（不超过 {limit} 个字）。"),
    "backup_to_not_allowed": QT_TRANSLATE_NOOP(
        "service", "用户“{user}”只能备份到设置中的备份文件夹；备份到别处（{path}）须由管理员操作。"
    ),
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
