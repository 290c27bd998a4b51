"""Import direction between the project's packages, read from the source with `ast`.

Layers, lowest first: `domain` (pure rules) below `store` (tables and queries) below
`presentation` (wording shared by the terminal and the dashboard) below the two front
ends, `api` and `cli`, which stay out of each other's way. So:

- `domain` imports no other project package;
- `store` imports none of `activities`, `workflows`, `api` or `cli`;
- `presentation` imports neither `api` nor `cli`;
- `api` does not import `cli`, and `cli` does not import `api` except in the modules
  that start the API server (`rectrack api`, `rectrack dev`), listed in SERVER_STARTERS.

Every import counts, including the ones inside functions and under TYPE_CHECKING: a
lazy import is still a dependency. A failure names the file, the line and the import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Modules allowed to import `api` although they are in `cli`: they start the server.
SERVER_STARTERS = {"cli/api_commands.py": {"api"}}


def project_names() -> set[str]:
    """Top-level packages (a folder with __init__.py) and modules of the project."""
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    return packages | {p.stem for p in ROOT.glob("*.py")}


@dataclass(frozen=True)
class Rule:
    package: str
    forbidden: frozenset[str]

    def __str__(self) -> str:
        return f"{self.package} must not import {', '.join(sorted(self.forbidden))}"


RULES = [
    Rule("domain", frozenset(project_names() - {"domain"})),
    Rule("store", frozenset({"activities", "workflows", "api", "cli"})),
    Rule("presentation", frozenset({"api", "cli"})),
    Rule("api", frozenset({"cli"})),
    Rule("cli", frozenset({"api"})),
]


@dataclass(frozen=True)
class Import:
    line: int
    module: str  # absolute dotted name

    @property
    def top(self) -> str:
        return self.module.split(".")[0]


def imports_in(source: str, package: str) -> Iterator[Import]:
    """Every import in `source`, at any depth; relative ones resolved against `package`
    (the dotted package of the module the source belongs to)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield Import(node.lineno, module)


def modules_of(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def violations(rule: Rule) -> list[str]:
    found = []
    for path in modules_of(rule.package):
        relative = path.relative_to(ROOT).as_posix()
        allowed = SERVER_STARTERS.get(relative, set())
        dotted = ".".join(path.relative_to(ROOT).parent.parts)
        for imported in imports_in(path.read_text(encoding="utf-8"), dotted):
            if imported.top in rule.forbidden and imported.top not in allowed:
                found.append(f"{relative}:{imported.line} imports {imported.module} ({rule})")
    return found


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.package)
def test_imports_point_down(rule: Rule) -> None:
    assert modules_of(rule.package), f"no modules found under {rule.package}/"
    problems = violations(rule)
    assert not problems, "forbidden imports:\n" + "\n".join(problems)


def test_the_domain_rule_covers_every_other_package() -> None:
    names = project_names()
    assert {"store", "activities", "workflows", "api", "cli", "presentation"} <= names
    assert {"starter", "settings", "worker"} <= names


def test_server_starters_exist() -> None:
    for relative in SERVER_STARTERS:
        assert (ROOT / relative).is_file(), f"{relative} is allow-listed but does not exist"


def test_lazy_and_relative_imports_are_seen() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from api.tokens import Principal\n"
        "def f() -> None:\n"
        "    import cli.render\n"
        "    from ..api import app\n"
        "    from . import render\n"
    )
    found = sorted((i.line, i.module) for i in imports_in(source, "cli.sub"))
    assert found == [(1, "typing"), (3, "api.tokens"), (5, "cli.render"), (6, "cli.api"),
                     (7, "cli.sub")]
