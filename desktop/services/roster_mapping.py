"""The column mapping an enterprise's roster was last read with, remembered for its next import.

Split from :mod:`desktop.services.rosters`: the setting's key and text, reading it back,
forgetting it, and a column as the clerk names it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from desktop.core.permissions import Permission
from desktop.core.roster import HeaderLayout, RosterError
from desktop.services.workspace import Workspace

__all__ = ["MAPPING_KEY", "forget_mapping", "mapping_text", "parse_column", "parse_mapping", "remembered_mapping"]


MAPPING_KEY = "roster_mapping:{enterprise_id}"


def mapping_text(layout: HeaderLayout, unmapped: Mapping[str, str]) -> str:
    """The remembered mapping setting's text for a roster read with ``layout`` and these columns ignored."""
    return json.dumps({"fields": layout.learned_names(), "ignored": dict(unmapped)}, ensure_ascii=False, sort_keys=True)



def remembered_mapping(ws: Workspace, enterprise_id: int) -> dict[str, dict[str, str]]:
    """{"fields": {field: header}, "ignored": {field: header}} last used for this enterprise."""
    return parse_mapping(ws.store.setting(MAPPING_KEY.format(enterprise_id=enterprise_id)))


def parse_mapping(text: str | None) -> dict[str, dict[str, str]]:
    """The remembered mapping setting's text read (anything unreadable: nothing remembered)."""
    if not text:
        return {"fields": {}, "ignored": {}}
    try:
        data = json.loads(text)
    except ValueError:
        return {"fields": {}, "ignored": {}}
    if not isinstance(data, dict):
        return {"fields": {}, "ignored": {}}
    return {
        key: {str(k): str(v) for k, v in dict(data.get(key) or {}).items()} for key in ("fields", "ignored")
    }


def forget_mapping(ws: Workspace, enterprise_id: int) -> None:
    ws.require(Permission.IMPORT_ROSTERS)
    with ws.store.transaction():
        ws.store.set_setting(MAPPING_KEY.format(enterprise_id=enterprise_id), "{}")
        ws.audit("roster.mapping_forget", entity="enterprise", entity_id=enterprise_id)


def parse_column(text: str | int | None) -> int | None:
    """A column as the clerk names it: "D", "d", 4 (1-based) or "4"; None / "" / "-" for none."""
    if text is None:
        return None
    if isinstance(text, int):
        if text < 1:
            raise RosterError("roster_mapping_invalid", detail=f"列号 {text}")
        return text - 1
    value = text.strip().upper()
    if value in ("", "-", "无", "NONE"):
        return None
    if value.isdigit():
        return parse_column(int(value))
    if value.isascii() and value.isalpha() and len(value) <= 3:
        index = 0
        for ch in value:
            index = index * 26 + ord(ch) - 64
        return index - 1
    raise RosterError("roster_mapping_invalid", detail=f"“{text}”不是列字母（如 D）或列号（如 4）")
