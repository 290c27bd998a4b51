"""The worker writes the workflow modules' bytecode at start (issue 12): the sandbox
re-imports them for each workflow instance, and without cached bytecode each import
compiled the source again."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import workflows
from worker import compile_workflow_modules


def test_every_workflow_module_has_fresh_bytecode_after_start() -> None:
    compile_workflow_modules()
    sources = sorted(Path(workflows.__file__).parent.glob("*.py"))
    assert len(sources) > 5
    stale = []
    for source in sources:
        cached = Path(importlib.util.cache_from_source(str(source)))
        if not cached.exists() or cached.stat().st_mtime < source.stat().st_mtime:
            stale.append(source.name)
    assert stale == []
