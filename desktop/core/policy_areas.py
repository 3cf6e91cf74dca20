"""The paired source areas (对口地区, ``paired_areas.json``), in groups; the office may edit the
list and the province may send a new one (:meth:`desktop.core.policy.RuleSet.with_paired_areas`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

from desktop.core.datafile import load_json, parse_json
from desktop.core.policy_reader import PolicyReader

_GROUP_CODE: Final = re.compile(r"[a-z0-9_]{1,40}")


@dataclass(frozen=True)
class PairedGroup:
    code: str
    name: str
    source: str
    note: str
    counties: tuple[str, ...]


@dataclass(frozen=True)
class PairedAreas:
    """The list of paired source areas, in groups (a county may be in several)."""

    id: str
    version: str
    title: str
    source: str
    note: str
    groups: tuple[PairedGroup, ...]

    @property
    def counties(self) -> frozenset[str]:
        return frozenset(code for group in self.groups for code in group.counties)

    def groups_of(self, county_code: str) -> tuple[PairedGroup, ...]:
        return tuple(group for group in self.groups if county_code in group.counties)

    @classmethod
    def load(cls, path: Path) -> PairedAreas:
        """A list file, e.g. the shipped one or one the province sent."""
        return read_paired_areas(load_json(path, "the paired-area list", parse_float=Decimal), path)

    @classmethod
    def from_dict(cls, data: Mapping[str, object], origin: str = "paired areas") -> PairedAreas:
        """A list kept elsewhere (the office's edited copy), checked like a file."""
        # Through JSON text so the check sees exactly what a file would hold.
        raw = parse_json(json.dumps(dict(data), ensure_ascii=False), origin, parse_float=Decimal)
        return read_paired_areas(raw, origin)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "version": self.version, "title": self.title, "source": self.source,
            "note": self.note,
            "groups": [
                {"code": g.code, "name": g.name, "source": g.source, "note": g.note, "counties": list(g.counties)}
                for g in self.groups
            ],
        }

    def with_group_counties(self, group_code: str, counties: Iterable[str], *, version: str) -> PairedAreas:
        """The list with one group's counties replaced (an office's edit), as a new ``version``."""
        data = self.to_dict()
        groups = data["groups"]
        assert isinstance(groups, list)
        for group in groups:
            if group["code"] == group_code:
                group["counties"] = list(counties)
                break
        else:
            raise KeyError(f"no paired-area group {group_code!r}")
        data["version"] = version
        return PairedAreas.from_dict(data, origin=f"{self.id} (edited)")


def read_paired_areas(raw: object, origin: object) -> PairedAreas:
    """A paired-area list already parsed, checked strictly: ValueError naming the key otherwise."""
    return _PairedReader(origin).paired(raw)


class _PairedReader(PolicyReader):
    def paired(self, raw: object) -> PairedAreas:
        top = self.obj(raw, "", ("id", "version", "title", "source", "note", "groups"))
        groups: list[PairedGroup] = []
        for i, item in enumerate(self.items(top["groups"], "groups")):
            where = f"groups[{i}]"
            group = self.obj(item, where, ("code", "name", "source", "note", "counties"))
            code = self.text(group["code"], f"{where}.code")
            if not _GROUP_CODE.fullmatch(code):
                raise self.fail(f"{where}.code", f"should be lower-case letters, digits and _, not {code!r}")
            if any(g.code == code for g in groups):
                raise self.fail(f"{where}.code", f"duplicate group code {code!r}")
            groups.append(PairedGroup(
                code=code,
                name=self.text(group["name"], f"{where}.name"),
                source=self.text(group["source"], f"{where}.source"),
                note=self.note(group["note"], f"{where}.note"),
                counties=self.county_codes(group["counties"], f"{where}.counties"),
            ))
        return PairedAreas(
            id=self.text(top["id"], "id"),
            version=self.text(top["version"], "version"),
            title=self.text(top["title"], "title"),
            source=self.text(top["source"], "source"),
            note=self.note(top["note"], "note"),
            groups=tuple(groups),
        )
