"""Adding an action touches one service function, one workflow update, one CLI line, one
route and one dashboard form: every action of the service layer (app.memos,
app.recommendations) is called from exactly one CLI handler, exactly one API route and
exactly one dashboard form, and every CLI subcommand of the explicit handler table has a
parser."""

from __future__ import annotations

import ast
import inspect
from collections import Counter
from pathlib import Path
from types import ModuleType

from app import memos, recommendations
from cli.handlers import HANDLERS, handler_for
from cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]
CLI_MODULES = [ROOT / "cli" / "commands.py", ROOT / "cli" / "followup_commands.py"]
API_MODULES = sorted(p for p in (ROOT / "api").rglob("*.py") if "dashboard" not in p.parts)
DASHBOARD_MODULES = sorted((ROOT / "api" / "dashboard").rglob("*.py"))
SERVICE: dict[str, ModuleType] = {"memos": memos, "recommendations": recommendations}


def actions() -> set[str]:
    """`memos.issue`, `recommendations.review`...: the public async functions."""
    return {f"{alias}.{name}" for alias, module in SERVICE.items()
            for name, function in vars(module).items()
            if inspect.iscoroutinefunction(function) and not name.startswith("_")
            and function.__module__ == module.__name__}


def calls(paths: list[Path]) -> Counter[str]:
    """How often each `memos.X` / `recommendations.X` is named in these modules."""
    named: Counter[str] = Counter()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in SERVICE):
                named[f"{node.value.id}.{node.attr}"] += 1
    return named


def test_every_action_has_one_cli_handler_and_one_route() -> None:
    every = actions()
    assert {"memos.issue", "memos.respond", "recommendations.plan",
            "recommendations.close"} <= every
    cli, api = calls(CLI_MODULES), calls(API_MODULES)
    forms = calls(DASHBOARD_MODULES)
    assert {name: cli[name] for name in every if cli[name] != 1} == {}
    assert {name: api[name] for name in every if api[name] != 1} == {}
    assert {name: forms[name] for name in every if forms[name] != 1} == {}
    assert set(cli) <= every and set(api) <= every
    assert set(forms) - every <= {"memos.checked_spec"}  # the issue form's preview


def test_every_handler_has_a_subcommand_and_every_subcommand_a_handler() -> None:
    parser = build_parser()
    [sub] = [a for a in parser._actions if a.dest == "command"]
    choices = getattr(sub, "choices", None)
    assert isinstance(choices, dict)
    own = {name for name, p in choices.items() if p.get_default("handler") is not None}
    assert set(HANDLERS) == set(choices) - own
    assert not set(HANDLERS) & own
    # The table names its handlers ("module:function", imported on dispatch): each name
    # must resolve to a handler.
    assert {c for c in HANDLERS if not inspect.iscoroutinefunction(handler_for(c))} == set()


def test_the_service_layer_knows_no_entry_point() -> None:
    """app/ is below both front ends: it imports neither `api` nor `cli`."""
    found = []
    for path in sorted((ROOT / "app").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            found += [f"{path.name}:{node.lineno} {name}" for name in names
                      if name.split(".")[0] in ("api", "cli")]
    assert found == []
