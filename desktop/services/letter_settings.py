"""The office's choices for its confirmation letters: the font file of each role (仿宋, 黑体, …)
and the page (the red separator line, 抄送 and 印发机关 of the 版记), kept as settings with an
audit entry; and how a letter that cannot be drawn (no usable font, a missing glyph, content
that cannot be read) is told as a ServiceError. Letters themselves: ``desktop.services.letters``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from desktop.core.letter import LetterError, LetterPage
from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP
from desktop.core.permissions import Permission
from desktop.letters import FontSet, fontset
from desktop.letters.fonts import ROLES, ROLE_LABELS
from desktop.services.audit import ACTION_LABELS
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.workspace import Workspace

FONT_SETTING = "letters.fonts"
PAGE_SETTING = "letters.page"
COPY_TO_MAX = 200

SERVICE_MESSAGES.update({code: MESSAGES[code] for code in (
    "letter_no_font", "letter_font_unusable", "letter_missing_glyph", "letter_bad_content",
)})
SERVICE_MESSAGES.update({
    "letter_page_too_long": QT_TRANSLATE_NOOP("service", "抄送或印发机关太长（不超过 {limit} 个字）。"),
    "font_role_unknown": QT_TRANSLATE_NOOP("service", "“{role}”不是字体用途：可写 all、{roles}。"),
})
ACTION_LABELS.update({
    "letter.fonts": QT_TRANSLATE_NOOP("audit", "设置确认书字体"),
    "letter.page": QT_TRANSLATE_NOOP("audit", "设置确认书版式（分隔线、抄送、印发机关）"),
})


def letter_error(exc: LetterError) -> ServiceError:
    return ServiceError(exc.code, **exc.params)


def font_choices(ws: Workspace) -> dict[str, str]:
    """The font files chosen in the settings: role (or "all") → path."""
    raw = ws.store.setting(FONT_SETTING)
    return dict(json.loads(raw)) if raw else {}


def fonts(ws: Workspace) -> FontSet:
    try:
        return fontset(font_choices(ws))
    except LetterError as exc:
        raise letter_error(exc) from exc


def letter_page(ws: Workspace) -> LetterPage:
    """The office's choices for its letters: red separator line, 抄送 and 印发机关 of the 版记."""
    raw = ws.store.setting(PAGE_SETTING)
    data = dict(json.loads(raw)) if raw else {}
    return LetterPage(red_line=bool(data.get("red_line", False)), copy_to=str(data.get("copy_to", "")),
                      printer=str(data.get("printer", "")))


def set_letter_page(ws: Workspace, page: LetterPage) -> LetterPage:
    """Keep the office's letter page choices (letters issued from now on carry them; issued ones keep theirs)."""
    ws.require(Permission.OFFICE_SETTINGS)
    cleaned = LetterPage(red_line=bool(page.red_line), copy_to=" ".join(page.copy_to.split()),
                         printer=" ".join(page.printer.split()))
    for text in (cleaned.copy_to, cleaned.printer):
        if len(text) > COPY_TO_MAX:
            raise ServiceError("letter_page_too_long", limit=COPY_TO_MAX)
    data = {"red_line": cleaned.red_line, "copy_to": cleaned.copy_to, "printer": cleaned.printer}
    with ws.store.transaction():
        ws.store.set_setting(PAGE_SETTING, json.dumps(data, ensure_ascii=False, sort_keys=True))
        ws.audit("letter.page", detail=data)
    return cleaned


def set_font_choices(ws: Workspace, choices: Mapping[str, str]) -> FontSet:
    """Choose font files (role → path, "all" for every role; blank removes a choice), checked before saving."""
    ws.require(Permission.OFFICE_SETTINGS)
    for role in choices:
        if role != "all" and role not in ROLES:
            raise ServiceError("font_role_unknown", role=role, roles="、".join(ROLES))
    merged = {k: v for k, v in {**font_choices(ws), **choices}.items() if v}
    try:
        chosen = fontset(merged)
    except LetterError as exc:
        raise letter_error(exc) from exc
    with ws.store.transaction():
        ws.store.set_setting(FONT_SETTING, json.dumps(merged, ensure_ascii=False, sort_keys=True))
        ws.audit("letter.fonts", detail={"choices": merged, "used": chosen.summary()})
    return chosen


def font_report(ws: Workspace) -> dict[str, Any]:
    """Which font each role uses here (for the settings page and `letter --fonts`)."""
    chosen = fonts(ws)
    return {
        "fonts": {ROLE_LABELS[r]: {"face": chosen.primary(r).face_name, "file": str(chosen.primary(r).file.path),
                                   "stands_in_for": bool(chosen.fallbacks[r])} for r in ROLES},
        "notes": list(chosen.notes),
        "choices": font_choices(ws),
    }


__all__ = [
    "COPY_TO_MAX", "FONT_SETTING", "PAGE_SETTING", "font_choices", "font_report", "fonts", "letter_error",
    "letter_page", "set_font_choices", "set_letter_page",
]
