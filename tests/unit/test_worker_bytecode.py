"""The worker writes the workflow modules' bytecode at start (issue 12): the sandbox
re-imports them for each workflow instance, and without cached bytecode each import
compiled the source again."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import workflows
from worker import compile_workflow_modules


def test_every_workflow_module_has_fresh_bytecode_after_start() -> None:
    sources = sorted(Path(workflows.__file__).parent.glob("*.py"))
    assert len(sources) > 5
    cached = {source.name: Path(importlib.util.cache_from_source(str(source)))
              for source in sources}
    # Start from none, as under PYTHONDONTWRITEBYTECODE, so only the worker can write it.
    for path in cached.values():
        path.unlink(missing_ok=True)
    compile_workflow_modules()
    stale = [name for name, path in cached.items()
             if not path.exists()
             or path.stat().st_mtime < (path.parent.parent / name).stat().st_mtime]
    assert stale == []
