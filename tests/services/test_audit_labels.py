"""Every action and detail key the code writes into the audit log has a Chinese label.

The code is read, not run: each ``….audit(...)`` call in desktop/ gives its
action (a literal, ``review.{step}``, or a name whose literal values the
module passes along) and the keys of its ``detail`` dict, nested dicts
included, and of dicts assigned to a name passed as ``detail``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from pathlib import Path

import desktop.services.letters  # noqa: F401 - each adds its actions' labels
import desktop.services.policy  # noqa: F401
import desktop.services.reviews  # noqa: F401
from desktop.core.enterprise import EnterpriseDraft
from desktop.core.roster import SheetCheck
from desktop.services.audit import ACTION_LABELS
from desktop.core.batch_reasons import REASONS
from desktop.services.audit_labels import BATCH_REASONS, DETAIL_KEYS, NESTED_KEYS, key_label, step_actions

ROOT = Path(__file__).resolve().parents[2] / "desktop"
ACTION = re.compile(r"[a-z_]+\.[a-z_]+")
NOT_ACTIONS = {"letter.pdf"}


def _audit_calls() -> list[tuple[Path, ast.Module, ast.Call]]:
    calls = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "audit":
                calls.append((path, tree, node))
    return calls


def _action_arg(call: ast.Call) -> ast.expr | None:
    for arg in call.args:  # ws.audit(action, …) or store.audit(actor, action, …)
        if isinstance(arg, (ast.Constant, ast.JoinedStr)) or (isinstance(arg, ast.Name) and arg.id == "action"):
            return arg
        if isinstance(arg, ast.IfExp):
            return arg
    return None


def _literals(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def written_actions() -> set[str]:
    found: set[str] = set()
    for path, tree, call in _audit_calls():
        arg = _action_arg(call)
        if path.name == "workspace.py" or arg is None:
            continue  # Workspace.audit passes its own argument on
        if isinstance(arg, ast.JoinedStr):
            assert ast.unparse(arg) == "f'review.{step.value}'", f"{path}: a new computed action {ast.unparse(arg)}"
            found.update(step_actions())
        elif isinstance(arg, ast.Name):  # a helper's parameter: the module's action literals
            found.update(s for s in _literals(tree) if ACTION.fullmatch(s) and s.split(".")[0] in ("key", "policy"))
        else:
            found.update(s for s in _literals(arg) if ACTION.fullmatch(s))
    return found - NOT_ACTIONS


def _dict_keys(node: ast.AST) -> set[str]:
    keys: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Dict):
            keys.update(k.value for k in sub.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))
    return keys


def written_detail_keys() -> dict[str, set[str]]:
    """Detail keys by where they are written (also a helper's ``detail={…}`` that it passes on to the log)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "detail" and isinstance(keyword.value, ast.Dict):
                        found[f"{path.relative_to(ROOT.parent)}:{node.lineno}"] = _dict_keys(keyword.value)
    for path, tree, call in _audit_calls():
        for keyword in call.keywords:
            if keyword.arg != "detail":
                continue
            where = f"{path.relative_to(ROOT.parent)}:{call.lineno}"
            value = keyword.value
            if isinstance(value, ast.Name) and value.id != "detail":  # a dict built before the call
                function = next(f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
                                and f.lineno <= call.lineno <= (f.end_lineno or 0))
                keys = set()
                for node in ast.walk(function):
                    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
                            and node.value.id == value.id and isinstance(node.slice, ast.Constant):
                        keys.add(node.slice.value)
                found[where] = keys
            else:
                found[where] = _dict_keys(value)
    return found


def test_the_scan_finds_what_the_issue_saw() -> None:
    assert {"key.import_province", "review.approve", "letter.issue", "user.login"} <= written_actions()
    keys = set().union(*written_detail_keys().values())
    assert {"confirmed_by_phone", "applications", "fingerprint", "role", "active"} <= keys


def test_every_action_written_has_a_chinese_label() -> None:
    missing = sorted(a for a in written_actions() if a not in ACTION_LABELS)
    assert not missing, f"actions without a label in ACTION_LABELS: {missing}"


def test_every_detail_key_written_has_a_chinese_label() -> None:
    missing = {where: sorted(k for k in keys if key_label(k) is None)
               for where, keys in written_detail_keys().items()}
    missing = {where: keys for where, keys in missing.items() if keys}
    assert not missing, f"detail keys without a label in desktop/services/audit_labels.py: {missing}"


def test_keys_inside_values_have_labels() -> None:
    """An enterprise's changes name its fields; a roster import counts rows by kind."""
    assert {f.name for f in fields(EnterpriseDraft)} <= set(NESTED_KEYS["changes"])
    sheet = SheetCheck.__new__(SheetCheck)
    sheet.rows = []
    counted = set(sheet.counts()) | {"new", "updated", "unchanged", "refused", "absent", "skipped_blank",
                                     "skipped_closing"}
    assert counted <= set(NESTED_KEYS["counts"])
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in DETAIL_KEYS.values() if label != "SHA-256")


def test_every_batch_reason_has_a_label() -> None:
    assert set(BATCH_REASONS) == set(REASONS)
