"""The worker's sandbox shares the workflow modules between instances (issue 12).

Every new or evicted workflow instance used to re-import `workflows.memo` (or
`workflows.recommendation`) inside its own sandbox; the worker now passes the package
through (worker.PASSTHROUGH_MODULES). Loading a module runs its body, and Python raises an
`exec` audit event with the body's code object, so the test replays saved histories with
the worker's own runner and counts module bodies run from `workflows/` and `domain/`,
against a runner with the SDK's default passthrough as the control.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import CodeType
from typing import Any

from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from worker import WORKFLOWS, workflow_runner

ROOT = Path(__file__).resolve().parents[2]
HISTORIES = ROOT / "tests" / "histories"
PROJECT_DIRS = (str(ROOT / "workflows"), str(ROOT / "domain"))
NAMES = ("memo_notice_once", "recommendation_notice_once")
TEXTS = {name: (HISTORIES / f"{name}.json").read_text() for name in NAMES}
_recording: list[str] | None = None


def _on_audit(event: str, args: tuple[Any, ...]) -> None:
    if _recording is None or event != "exec" or not isinstance(args[0], CodeType):
        return
    code = args[0]
    if code.co_name == "<module>" and code.co_filename.startswith(PROJECT_DIRS):
        _recording.append(Path(code.co_filename).relative_to(ROOT).as_posix())


sys.addaudithook(_on_audit)  # hooks cannot be removed; it records only inside `imports`


@contextmanager
def imports() -> Iterator[list[str]]:
    global _recording
    _recording = []
    try:
        yield _recording
    finally:
        _recording = None


async def _replay_all(runner: WorkflowRunner, copies: int) -> None:
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter,
                        workflow_runner=runner)
    for index in range(copies):
        for name in NAMES:
            events = json.loads(TEXTS[name])["events"]
            history = WorkflowHistory.from_json(f"{name}-{index}", {"events": events})
            result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
            assert result.replay_failure is None


async def test_workflow_instances_do_not_re_import_the_workflow_modules() -> None:
    with imports() as shared:
        await _replay_all(workflow_runner(), copies=3)
    assert shared == []


async def test_without_the_passthrough_each_instance_re_imports_them() -> None:
    with imports() as reimported:
        await _replay_all(SandboxedWorkflowRunner(), copies=3)
    # Each instance runs its workflow module's body again (the SDK's first look at the
    # module for a run may add more): at least once for each of 3 memos and 3 recs.
    assert reimported.count("workflows/memo.py") >= 3
    assert reimported.count("workflows/recommendation.py") >= 3
