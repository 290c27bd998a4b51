"""Suite-wide collection order: the longest modules first.

`make test` runs on three xdist workers, a module to a worker (`-n 3 --dist loadfile
--no-loadscope-reorder`), handing out modules in collection order. Started last, a
45-second module leaves one worker running it while the others have nothing left; started
first, it runs beside everything else. The list is the slowest modules of `pytest
--durations` on this machine; the rest keep their order.
"""

from __future__ import annotations

import pytest

LONGEST_FIRST = (
    "tests/faults/test_short.py",
    "tests/faults/test_short_postgresql.py",
    "tests/bench/test_bench_smoke.py",
    "tests/integration/test_import.py",
    "tests/integration/test_cli_bad_input.py",
    "tests/workflows/test_follow_up_scenario.py",
    "tests/integration/test_doctor.py",
    "tests/integration/test_cli_followup.py",
    "tests/integration/test_dev_command.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: index for index, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
