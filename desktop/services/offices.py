"""Setting up the office an installation works for."""

from __future__ import annotations

from pathlib import Path

from desktop.core.areas import AreaTable
from desktop.core.messages import Problem
from desktop.core.office import OFFICE_KINDS, PROVINCES, Actor, Office, Role, letter_prefix_problem
from desktop.core.permissions import Permission
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.workspace import Workspace, system_actor
from desktop.store import Store


def office_problems(county_code: str, name: str, prefix: str, areas: AreaTable, kind: str = "county") -> list[Problem]:
    """What is wrong with these details of a county office, or (``kind="province"``) a provincial one."""
    problems: list[Problem] = []
    if kind == "province":
        if county_code.strip() not in PROVINCES:
            problems.append(Problem("office_province_unknown", {"field": "county", "value": county_code}))
    else:
        area = areas.by_code(county_code.strip())
        if area is None or not area.current:
            problems.append(Problem("office_county_unknown", {"field": "county", "value": county_code}))
    if not name.strip():
        problems.append(Problem("office_name_empty", {"field": "office"}))
    prefix_code = letter_prefix_problem(prefix)
    if prefix_code:
        problems.append(Problem(prefix_code, {"field": "prefix", "value": prefix}))
    return problems


def initialise_office(
    path: Path | str, *, county_code: str, name: str, letter_prefix: str,
    admin_username: str, admin_password: str, actor: Actor | None = None, kind: str = "county",
) -> Office:
    """First run: create the database, record which office it serves (a county's, or the
    province's when ``kind="province"``: ``county_code`` is then the province's code) and
    make its first admin."""
    from desktop.services.accounts import account_problems, create_user

    if kind not in OFFICE_KINDS:
        raise ValueError(f"office kind {kind!r}")
    areas = AreaTable.default()
    problems = office_problems(county_code, name, letter_prefix, areas, kind)
    problems += account_problems(admin_username, admin_password)
    if problems:
        raise ValidationError(problems)
    actor = actor or system_actor()
    store = Store.open(path, create=True)
    try:
        existing = store.local_office()
        if existing is not None:
            raise ServiceError("already_initialised", path=path, office=existing.name)
        with store.transaction():
            office = store.insert_local_office(county_code.strip(), name.strip(), letter_prefix.strip(), kind=kind)
            store.audit(
                actor, "office.init", office_id=office.id, entity="office", entity_id=office.id,
                detail={"code": office.code, "name": office.name, "letter_prefix": office.letter_prefix,
                        "kind": kind},
            )
            create_user(store, office.id, actor, username=admin_username, role=Role.ADMIN,
                        password=admin_password)
        return office
    finally:
        store.close()


def update_office(ws: Workspace, *, county_code: str, name: str, letter_prefix: str) -> Office:
    ws.require(Permission.OFFICE_SETTINGS)
    problems = office_problems(county_code, name, letter_prefix, ws.areas, ws.office.kind)
    if problems:
        raise ValidationError(problems)
    with ws.store.transaction():
        ws.store.update_office(ws.office.id, code=county_code.strip(), name=name.strip(),
                               letter_prefix=letter_prefix.strip())
        ws.audit("office.update", entity="office", entity_id=ws.office.id, detail={
            "before": {"code": ws.office.code, "name": ws.office.name, "letter_prefix": ws.office.letter_prefix},
            "after": {"code": county_code.strip(), "name": name.strip(), "letter_prefix": letter_prefix.strip()},
        })
    office = ws.store.local_office()
    assert office is not None
    ws.office = office
    return office
