"""Signing in on the command line (until accounts land, the OS user acts)."""

from __future__ import annotations

import argparse

from desktop.cli.common import db_path
from desktop.services.workspace import Workspace


def signed_in_workspace(args: argparse.Namespace) -> Workspace:
    return Workspace.open(db_path(args))
