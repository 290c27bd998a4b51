"""Workflow code stays deterministic without the sandbox re-importing it.

The worker passes the `workflows` package through the sandbox (worker.PASSTHROUGH_MODULES,
bench/README.md "Levers"), so a workflow instance no longer gets its own restricted copy
of these modules, and the sandbox would not stop `datetime.now()` in them at run time.
This test stops it at review time instead, reading every workflow module with `ast`:

- imports only from the standard library's pure parts, temporalio, pydantic, the domain,
  the activities' contracts and models, and other workflow modules;
- no clock, calendar, randomness, environment, file or console call (`datetime.now()`,
  `date.today()`, `open`, `print`, ...): `workflow.now()`, `workflow.random()` and
  activities are the ways to reach those.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
ALLOWED_IMPORTS = {"__future__", "asyncio", "collections", "dataclasses", "datetime", "enum",
                   "functools", "itertools", "typing", "temporalio", "pydantic", "domain",
                   "workflows", "activities.contracts", "activities.models"}
CLOCK_ATTRIBUTES = {"now", "utcnow", "today", "fromtimestamp", "utcfromtimestamp"}
FORBIDDEN_CALLS = {"open", "print", "input", "exec", "eval", "__import__"}


def violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = ([f"{node.module}.{a.name}" for a in node.names]
                     if node.module == "activities" else [node.module])
        for name in names:
            if not any(name == ok or name.startswith(f"{ok}.") for ok in ALLOWED_IMPORTS):
                found.append(f"line {getattr(node, 'lineno', '?')}: imports {name}")
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                found.append(f"line {node.lineno}: calls {func.id}()")
            if (isinstance(func, ast.Attribute) and func.attr in CLOCK_ATTRIBUTES
                    and isinstance(func.value, ast.Name)
                    and func.value.id in {"datetime", "date"}):
                found.append(f"line {node.lineno}: calls {func.value.id}.{func.attr}()")
    return found


def test_the_check_catches_what_the_sandbox_would_have() -> None:
    source = ("import random\nfrom datetime import datetime, date\n"
              "from activities.activities import RectrackActivities\n"
              "def f():\n    print(datetime.now(), date.today(), open('x'))\n")
    assert violations(source) == [
        "line 1: imports random", "line 3: imports activities.activities",
        "line 5: calls print()", "line 5: calls datetime.now()",
        "line 5: calls date.today()", "line 5: calls open()"]
    assert violations("from activities import contracts\nfrom temporalio import workflow\n"
                      "def f():\n    return workflow.now()\n") == []


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.py")), ids=lambda p: p.name)
def test_workflow_modules_call_no_clock_io_or_randomness(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8")) == []
