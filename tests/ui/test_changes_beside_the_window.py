"""A `laoxie` command writes while the window is open: the window shows it when the clerk comes back (issue 11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop.services.workspace import Workspace
from tests.services.test_side_by_side import _command, _uscc

pytestmark = pytest.mark.gui


def test_the_window_shows_what_a_command_wrote_when_it_is_activated(
    office_db: Path, admin_ws: Workspace, open_window: Any
) -> None:
    window = open_window(admin_ws)
    assert window.model.total == 0 and not window.show_changes_made_elsewhere()
    _command(office_db, "enterprise", "add", "--name", "命令企业", "--uscc", _uscc(300),
             "--county", "222401", "--industry", "other", "--staff", "20")
    assert window.show_changes_made_elsewhere()  # what activating the window runs
    assert window.model.total == 1 and "共 1 家企业" in window.enterpriseCountLabel.text()
    assert not window.show_changes_made_elsewhere()  # nothing new since
