"""The roster view: one enterprise's workers, filtered, sorted and read a page
at a time (the queries run in the database, see :mod:`desktop.store.roster_view`).

A search that finds rows only by digits the masked numbers hide is logged as
an unmasking.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from desktop.core.permissions import Permission
from desktop.services.privacy import HIDDEN_DIGITS_PURPOSE, unmask
from desktop.services.workspace import Workspace
from desktop.store import roster_view as roster_store
from desktop.store import rosters as roster_import_store
from desktop.store.roster_query import SORT_COLUMNS, RosterQuery, RosterRecord, searches_numbers
from desktop.store.roster_view import RosterWindow

__all__ = [
    "SORT_COLUMNS", "RosterQuery", "RosterRecord", "RosterWindow", "count_roster", "filter_roster",
    "next_roster_page", "roster_history", "roster_ids", "roster_page", "roster_records",
]

def count_roster(ws: Workspace, query: RosterQuery) -> int:
    return roster_store.count_roster(ws.store, _scoped(ws, query))


def roster_page(ws: Workspace, query: RosterQuery, *, limit: int = 200, offset: int = 0) -> list[RosterRecord]:
    """One page of the roster; a search that finds rows by digits their masked numbers hide is logged."""
    query = _scoped(ws, query)
    if query.hidden_digits and searches_numbers(query):
        _log_hidden_search(ws, query, roster_store.count_roster(ws.store, query))
    return roster_store.roster_page(ws.store, query, limit=limit, offset=offset)


def filter_roster(ws: Workspace, query: RosterQuery, *, first: int = 200) -> RosterWindow:
    """What the roster view runs when the clerk types or picks a filter: the first rows, and the count
    when it costs little (None: the view counts with :func:`count_roster` in the background)."""
    query = _scoped(ws, query)
    window = roster_store.filter_roster(ws.store, query, first=first)
    if query.hidden_digits and searches_numbers(query):
        # what the search tells must be logged before its rows are shown: counted now
        found = window.total if window.total is not None else roster_store.count_roster(ws.store, query)
        _log_hidden_search(ws, query, found)
    return window


def next_roster_page(ws: Workspace, query: RosterQuery, *, after: int, offset: int,
                     limit: int = 200) -> list[RosterRecord]:
    """The rows after employment ``after`` (the last one shown, at ``offset``) of a filter the view
    ran with :func:`filter_roster` (which logged what it found)."""
    return roster_store.roster_page(ws.store, _scoped(ws, query), limit=limit, offset=offset, after=after)


def roster_ids(ws: Workspace, query: RosterQuery) -> list[int]:
    return roster_store.roster_ids(ws.store, _scoped(ws, query))


def _scoped(ws: Workspace, query: RosterQuery) -> RosterQuery:
    """A search reaches the digits masked numbers hide only for a user with the right to see them."""
    return dataclasses.replace(query, hidden_digits=ws.can(Permission.UNMASK_PERSONAL_DATA))


def _log_hidden_search(ws: Workspace, query: RosterQuery, found: int) -> None:
    """Record a search that found rows only through hidden digits: it tells what the mask hides."""
    shown = roster_store.count_roster(ws.store, dataclasses.replace(query, hidden_digits=False))
    if found > shown:
        unmask(ws, purpose=HIDDEN_DIGITS_PURPOSE, subjects=[str(query.enterprise_id)], entity="enterprise",
               count=found - shown)


def roster_records(ws: Workspace, employment_ids: Sequence[int]) -> list[RosterRecord]:
    return roster_store.roster_records(ws.store, employment_ids)


def roster_history(ws: Workspace, enterprise_id: int) -> list[dict[str, Any]]:
    """The enterprise's imports, newest first (file, SHA-256, counts, when)."""
    return roster_import_store.roster_imports(ws.store, enterprise_id)
