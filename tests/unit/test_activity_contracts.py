"""The activity declarations workflows call (`activities/contracts.py`) match what the worker
registers, so a typed call in a workflow can never drift from the code that runs it.

Names are compared as Temporal dispatches them (the `@activity.defn` name, which saved
histories hold); parameters and results as resolved type hints, so `list[ClockPlan]` and a
string annotation under `from __future__ import annotations` compare equal.
"""

from __future__ import annotations

import ast
import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from temporalio import activity
from temporalio.client import Client

import worker
from activities import contracts
from activities.activities import RectrackActivities

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW_MODULES = sorted((ROOT / "workflows").glob("*.py"))
# Saved histories schedule these activity types: never rename one.
HISTORY_NAMES = {"record_event", "post_notice", "record_delivery", "send_notification",
                 "plan_deadline", "plan_clocks"}


def registered_activities(monkeypatch: pytest.MonkeyPatch) -> list[Callable[..., Any]]:
    """What `worker.build_worker` hands to Temporal's `Worker` as its activities."""
    captured: dict[str, Any] = {}

    def fake_worker(_client: Client, **kwargs: Any) -> object:
        captured.update(kwargs)
        return object()

    monkeypatch.setattr(worker, "Worker", fake_worker)
    # The methods are only inspected, never called: no engine, client or settings needed.
    implementations = RectrackActivities.__new__(RectrackActivities)
    worker.build_worker(cast(Client, None), implementations, task_queue="contracts")
    return list(captured["activities"])


def activity_name(fn: Callable[..., Any]) -> str:
    # The definition Temporal itself reads when registering or scheduling by reference.
    name = activity._Definition.must_from_callable(fn).name
    assert name is not None
    return name


def signature_types(fn: Callable[..., Any]) -> tuple[list[tuple[str, Any]], Any]:
    """(parameter name and type, in order; result type), `self` left out."""
    hints = typing.get_type_hints(fn)
    params = [(p.name, hints[p.name]) for p in inspect.signature(fn).parameters.values()]
    return params, hints["return"]


def test_declarations_carry_the_names_in_saved_histories() -> None:
    assert {activity_name(d) for d in contracts.DECLARATIONS} == HISTORY_NAMES
    for declaration in contracts.DECLARATIONS:
        assert activity_name(declaration) == declaration.__name__


def test_worker_registers_exactly_the_declared_activities(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered = sorted(activity_name(fn) for fn in registered_activities(monkeypatch))
    assert registered == sorted(HISTORY_NAMES)


def test_each_implementation_has_its_declarations_parameters_and_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    declared = {activity_name(d): d for d in contracts.DECLARATIONS}
    for implementation in registered_activities(monkeypatch):
        name = activity_name(implementation)
        assert signature_types(implementation) == signature_types(declared[name]), name
        assert inspect.iscoroutinefunction(implementation), name


async def test_a_declaration_never_runs() -> None:
    with pytest.raises(NotImplementedError, match="declaration"):
        await contracts.plan_deadline(cast(Any, None))


def test_contracts_import_no_io_library() -> None:
    tree = ast.parse((ROOT / "activities" / "contracts.py").read_text(encoding="utf-8"))
    modules = {node.module for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) and node.module}
    modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    assert modules <= {"__future__", "temporalio", "activities.models"}


@pytest.mark.parametrize("path", WORKFLOW_MODULES, ids=lambda p: p.name)
def test_workflows_call_activities_by_declaration_not_by_name(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"execute_activity", "start_activity"}):
            first = node.args[0]
            assert not isinstance(first, ast.Constant), f"{path.name}:{node.lineno}"
            assert isinstance(first, ast.Attribute), f"{path.name}:{node.lineno}"
            assert isinstance(first.value, ast.Name) and first.value.id == "contracts"
