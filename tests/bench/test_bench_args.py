"""`python -m bench` flags: sizes default from the run's kind, and a bad flag is one line
and exit 2 before anything starts."""

from __future__ import annotations

import pytest

from bench.run import QUICK, parse


def test_quick_sizes_fill_what_the_caller_left_out() -> None:
    args = parse(["--quick", "--memos", "3", "--workers", "2"])
    assert (args.memos, args.recs, args.workers) == (3, QUICK["recs"], 2)
    assert args.levels == [100, 200]


def test_one_worker_unless_told() -> None:
    assert parse(["--quick"]).workers == 1


@pytest.mark.parametrize(("argv", "message"), [
    (["--workers", "0"], "--workers: at least 1, got 0"),
    (["--only", "issue,speed"], "--only: unknown row group(s) speed"),
])
def test_bad_flags_exit_2_naming_them(argv: list[str], message: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        parse(argv)
    assert raised.value.code == 2
    assert message in capsys.readouterr().err
