"""Turning messages of the core, services and store into translated text.

The layers below the window cannot use Qt, so they hand up a stable code,
a Chinese template (marked with QT_TRANSLATE_NOOP under a context) and
parameters.  Here the template is translated first and filled in after, so
a translation can move the parameters around.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication

from desktop.core.messages import CONTEXT as PROBLEM_CONTEXT
from desktop.core.messages import MESSAGES, Problem
from desktop.core.office import Actor, Role
from desktop.core.permissions import Permission
from desktop.core.size import EnterpriseSize
from desktop.services.errors import SERVICE_MESSAGES, ServiceError, ValidationError
from desktop.store.errors import STORE_MESSAGES, StoreError


def translated(context: str, template: str, **params: object) -> str:
    """``template`` (as marked in ``context``) translated, then filled in with ``params``."""
    return QCoreApplication.translate(context, template).format(**params)


def _from_table(context: str, table: Mapping[str, str], code: str, params: Mapping[str, object]) -> str:
    template = table.get(code)
    if template is None:  # a code without a template is a bug; still say something useful
        return f"{code} {dict(params)}"
    return translated(context, template, **params)


def problem_text(problem: Problem) -> str:
    """The translated message of a problem found by the core."""
    return _from_table(PROBLEM_CONTEXT, MESSAGES, problem.code, problem.params)


def error_text(error: BaseException) -> str:
    """What to tell the clerk about an error of the services or the store (or any failure of a task)."""
    if isinstance(error, ValidationError):
        return "\n".join(problem_text(p) for p in error.problems)
    if isinstance(error, ServiceError):
        return _from_table("service", SERVICE_MESSAGES, error.code, error.params)
    if isinstance(error, StoreError):
        return _from_table("store", STORE_MESSAGES, error.code, error.params)
    return str(error)


def size_label(size: EnterpriseSize) -> str:
    """微型 / 小型 / 中型 / 大型, translated."""
    return QCoreApplication.translate("size", size.label)


def role_label(role: Role | None) -> str:
    """经办人 / 审核人 / 管理员, translated."""
    if role is None:
        return QCoreApplication.translate("text", "未登录")
    return QCoreApplication.translate("role", role.label)


def user_text(actor: Actor) -> str:
    """金经办（经办人）."""
    return QCoreApplication.translate("text", "{user}（{role}）").format(user=actor.shown_name,
                                                                      role=role_label(actor.role))


def not_allowed_text(actor: Actor, permission: Permission) -> str:
    """Why a control is disabled: 当前用户（经办人）无权管理用户."""
    return QCoreApplication.translate("text", "当前用户（{role}）无权{permission}").format(
        role=role_label(actor.role), permission=QCoreApplication.translate("permission", permission.label)
    )
