"""Bad input: exit code 2, one line on stderr naming the field or problem, nothing changed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from tests.integration.support import (
    ICE_MEMO,
    CliResult,
    Stack,
    unique_id,
    write_memo,
    write_yaml,
)


def assert_bad_input(result: CliResult, *needles: str) -> str:
    """Exit 2 and exactly one stderr line containing every needle; returns that line."""
    assert result.returncode == 2, result
    assert len(result.stderr_lines) == 1, result
    [line] = result.stderr_lines
    for needle in needles:
        assert needle in line, line
    return line


async def assert_not_started(stack: Stack, memo_id: str) -> None:
    with pytest.raises(RPCError) as caught:
        await stack.handle(memo_id).describe()
    assert caught.value.status is RPCStatusCode.NOT_FOUND
    assert stack.stored_view(memo_id) is None
    assert stack.events(memo_id) == []


# -- memo files ------------------------------------------------------------------------


def _duplicate_numbers(memo: dict[str, Any]) -> None:
    memo["recommendations"][2]["number"] = 1


BAD_MEMOS: dict[str, tuple[Callable[[dict[str, Any]], None], tuple[str, ...]]] = {
    "missing component": (lambda m: m.pop("component"), ("component", "Field required")),
    "duplicate numbers": (_duplicate_numbers, ("duplicate recommendation numbers: [1]",)),
    "due before issue": (lambda m: m.update(response_due_on="2022-09-01"),
                         ("response_due_on 2022-09-01 must be after issued_on 2022-09-30",)),
    "malformed date": (lambda m: m.update(issued_on="2022-09-31"), ("issued_on",)),
    "unknown kind": (lambda m: m.update(kind="advisory"), ("kind",)),
    "unknown time zone": (lambda m: m.update(time_zone="Mars/Olympus_Mons"),
                          ("time_zone", "Mars/Olympus_Mons")),
}


def _too_many_recommendations(memo: dict[str, Any]) -> None:
    memo["recommendations"] = [{"number": n, "text": "x"} for n in range(1, 1_002)]


HOSTILE_MEMOS: dict[str, tuple[Callable[[dict[str, Any]], None], tuple[str, ...]]] = {
    "integer date": (lambda m: m.update(issued_on=0), ("issued_on", "YYYY-MM-DD")),
    "date and time string": (lambda m: m.update(issued_on="2022-09-30T10:00:00"),
                             ("issued_on", "YYYY-MM-DD", "2022-09-30T10:00:00")),
    "yaml timestamp": (lambda m: m.update(issued_on=datetime(2022, 9, 30, 10)),
                       ("issued_on", "not a date and time")),
    "before 1950": (lambda m: m.update(issued_on="1949-12-31"),
                    ("issued_on", "before the earliest business date 1950-01-01")),
    "issued after tomorrow": (lambda m: m.update(issued_on="2999-01-01"),
                              ("issued_on 2999-01-01 is after tomorrow",)),
    "due 31 years later": (lambda m: m.update(response_due_on="2053-09-30"),
                           ("response_due_on 2053-09-30 is more than 30 years",)),
    "10 kB title": (lambda m: m.update(title="t" * 10_000),
                    ("title", "at most 500 characters")),
    "1,001 recommendations": (_too_many_recommendations,
                              ("recommendations", "at most 1000 items")),
}


@pytest.mark.parametrize("case", [*BAD_MEMOS, *HOSTILE_MEMOS])
async def test_bad_memo_file_starts_nothing(stack: Stack, tmp_path: Path, memo_id: str,
                                            case: str) -> None:
    mutate, needles = (BAD_MEMOS | HOSTILE_MEMOS)[case]
    memo = yaml.safe_load(ICE_MEMO.read_text())
    memo["memo_id"] = memo_id
    mutate(memo)
    path = write_yaml(tmp_path / "memo.yaml", memo)

    assert_bad_input(await stack.cli("issue", path), str(path), *needles)
    await assert_not_started(stack, memo_id)


async def test_issuing_an_existing_memo_id_changes_nothing(
        stack: Stack, tmp_path: Path, memo_id: str) -> None:
    await stack.issue(write_memo(tmp_path, memo_id))
    (tmp_path / "again").mkdir()
    again = write_memo(tmp_path / "again", memo_id, title="A different title")

    assert_bad_input(await stack.cli("issue", again), "memo_id", memo_id, "already exists")
    view = stack.stored_view(memo_id)
    assert view is not None
    assert view.title == "ICE use of facial recognition databases"
    assert (await stack.live_state(memo_id)).spec.title == view.title
    assert [e.kind for e in stack.events(memo_id)].count("memo_issued") == 1


# -- updates rejected by the CLI or the workflow ------------------------------------------


class Answered:
    """One overdue memo whose recommendation 1 was answered (concur) on 2023-01-30."""

    def __init__(self, stack: Stack, memo_id: str) -> None:
        self.stack = stack
        self.memo_id = memo_id

    async def snapshot(self) -> tuple[Any, ...]:
        """Everything a rejected command must leave alone.

        Notices and the overdue flag are left out: the workflow sends its catch-up
        notices on its own after issue, independently of any command.
        """
        state = await self.stack.live_state(self.memo_id)
        view = self.stack.stored_view(self.memo_id)
        assert view is not None
        kinds = [e.kind for e in self.stack.events(self.memo_id)
                 if e.kind not in ("notice_sent", "notice_failed", "became_overdue")]
        return (state.model_dump(exclude={"notices", "event_seq", "overdue_flag"}),
                view.model_dump(), kinds)


@pytest.fixture(scope="module")
async def answered(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Answered:
    memo_id = unique_id("BAD")
    await stack.issue(write_memo(tmp_path_factory.mktemp("answered"), memo_id))
    result = await stack.cli("respond", memo_id, "--received-on", "2023-01-30", "--concur", "1")
    assert result.returncode == 0, result
    return Answered(stack, memo_id)


@pytest.fixture
async def unchanged(answered: Answered) -> AsyncIterator[Answered]:
    """The answered memo; asserts after the test that nothing about it changed."""
    before = await answered.snapshot()
    yield answered
    assert await answered.snapshot() == before


async def test_response_to_unknown_memo(stack: Stack) -> None:
    memo_id = unique_id("NONE")
    result = await stack.cli("respond", memo_id, "--received-on", "2023-01-30",
                             "--concur", "1")
    assert_bad_input(result, "unknown memo", memo_id)
    await assert_not_started(stack, memo_id)


async def test_unknown_recommendation_number(stack: Stack, unchanged: Answered) -> None:
    result = await stack.cli("respond", unchanged.memo_id, "--received-on", "2023-01-30",
                             "--concur", "9")
    assert_bad_input(result, unchanged.memo_id, "no recommendation 9")


async def test_second_response_to_answered_recommendation(
        stack: Stack, unchanged: Answered) -> None:
    result = await stack.cli("respond", unchanged.memo_id, "--received-on", "2023-02-15",
                             "--non-concur", "1:changed our mind")
    assert_bad_input(result, "recommendation 1 was already answered")


async def test_non_concurrence_without_rationale_in_file(
        stack: Stack, unchanged: Answered, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "response.yaml", {
        "received_on": "2023-01-30", "responses": [{"number": 2, "decision": "non_concur"}]})
    result = await stack.cli("respond", unchanged.memo_id, "--file", path)
    assert_bad_input(result, "responses.0", "rationale is required for non_concur")


async def test_raw_update_without_rationale_is_rejected_by_the_workflow(
        stack: Stack, unchanged: Answered) -> None:
    """The same bad payload, bypassing the CLI: the update's pydantic argument fails to
    convert, the update is rejected cleanly and never enters history."""
    handle = stack.handle(unchanged.memo_id)
    payload = {"received_on": "2023-01-30",
               "responses": [{"number": 2, "decision": "non_concur"}]}
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await asyncio.wait_for(handle.execute_update("record_response", payload), 20)
    rejection = caught.value.cause
    assert isinstance(rejection, ApplicationError)
    assert "Failed decoding arguments" in rejection.message
    decoding = rejection.__cause__
    assert isinstance(decoding, ApplicationError)
    assert decoding.type == "ValidationError"
    assert "a rationale is required for non_concur" in decoding.message
    history = await handle.fetch_history()
    update_events = {EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
                     EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED,
                     EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED}
    accepted = [e for e in history.events if e.event_type in update_events]
    # Exactly the one good update of the fixture (accepted + completed), nothing else.
    assert len(accepted) == 2
    assert not [e for e in history.events
                if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]


async def test_extension_not_after_current_due_date(stack: Stack, unchanged: Answered) -> None:
    result = await stack.cli("extend", unchanged.memo_id, "--to", "2022-11-29",
                             "--reason", "more time", "--approved-by", "Director")
    assert_bad_input(result, "to_due_on 2022-11-29 is not after the current due date")


async def test_extension_with_bad_date(stack: Stack, unchanged: Answered) -> None:
    result = await stack.cli("extend", unchanged.memo_id, "--to", "2023-02-30",
                             "--reason", "more time", "--approved-by", "Director")
    assert_bad_input(result, "--to", "not a date")


async def test_show_unknown_memo(stack: Stack) -> None:
    memo_id = unique_id("NONE")
    assert_bad_input(await stack.cli("show", memo_id, "--json"), "unknown memo", memo_id)


# -- hostile files and values (issue 7) ----------------------------------------------------


async def test_a_memo_file_that_is_not_utf8_is_one_line(stack: Stack, tmp_path: Path,
                                                        memo_id: str) -> None:
    text = write_memo(tmp_path, memo_id).read_text(encoding="utf-8")
    path = tmp_path / "latin1.yaml"
    path.write_bytes(text.replace("ICE use", "ICE usé").encode("latin-1"))

    line = assert_bad_input(await stack.cli("issue", path), str(path), "not UTF-8")
    assert "Traceback" not in line
    await assert_not_started(stack, memo_id)


DUPLICATES = {
    "yaml top level": ("memo.yaml", "memo_id: {id}\nmemo_id: OTHER-{id}\n", "'memo_id'"),
    "yaml nested": ("memo.yaml", "contacts:\n  component: {{name: a, name: b}}\n", "'name'"),
    "json nested": ("memo.json", '{{"contacts": {{"x": {{"name": "a", "name": "b"}}}}}}',
                    "'name'"),
}


@pytest.mark.parametrize("case", list(DUPLICATES))
async def test_a_key_given_twice_is_refused_not_silently_overwritten(
        stack: Stack, tmp_path: Path, memo_id: str, case: str) -> None:
    name, fragment, key = DUPLICATES[case]
    memo = yaml.safe_load(ICE_MEMO.read_text())
    memo["memo_id"] = memo_id
    extra = fragment.format(id=memo_id)
    path = tmp_path / name
    if name.endswith(".json"):
        body = json.dumps({k: v for k, v in memo.items() if k != "contacts"}, default=str)
        path.write_text(body[:-1] + ", " + extra[1:-1] + "}", encoding="utf-8")
    else:
        memo.pop("contacts", None)
        if "memo_id" in extra:
            memo.pop("memo_id")
        path.write_text(extra + yaml.safe_dump(memo, sort_keys=False), encoding="utf-8")

    assert_bad_input(await stack.cli("issue", path), str(path), "duplicate key", key)
    await assert_not_started(stack, memo_id)


async def test_a_file_over_the_size_limit_is_refused_before_parsing(
        stack: Stack, tmp_path: Path, memo_id: str) -> None:
    path = write_memo(tmp_path, memo_id)
    with path.open("a", encoding="utf-8") as file:
        file.write("# " + "x" * (600 * 1024) + "\n")
    assert_bad_input(await stack.cli("issue", path), str(path), "larger than the limit",
                     "512 KiB")
    await assert_not_started(stack, memo_id)


async def test_a_response_file_that_is_not_utf8_or_repeats_a_key_changes_nothing(
        stack: Stack, unchanged: Answered, tmp_path: Path) -> None:
    latin = tmp_path / "response.yaml"
    latin.write_bytes("received_on: 2023-01-30\nresponses:\n  - {number: 2, decision: "
                      "non_concur, rationale: déjà}\n".encode("latin-1"))
    assert_bad_input(await stack.cli("respond", unchanged.memo_id, "--file", latin),
                     str(latin), "not UTF-8")
    twice = tmp_path / "response.json"
    twice.write_text('{"received_on": "2023-01-30", "received_on": "2022-01-01", '
                     '"responses": [{"number": 2, "decision": "concur"}]}', encoding="utf-8")
    assert_bad_input(await stack.cli("respond", unchanged.memo_id, "--file", twice),
                     str(twice), "duplicate key 'received_on'")


async def test_closure_dated_before_the_memo_is_refused_by_the_workflow(
        stack: Stack, unchanged: Answered) -> None:
    result = await stack.cli("close", unchanged.memo_id, "2", "--reason", "superseded",
                             "--justification", "newer memo", "--on", "2001-01-01")
    assert_bad_input(result, unchanged.memo_id,
                     "closed_on 2001-01-01 is before the memo's issue date 2022-09-30")
