"""Saved histories must replay against today's workflow code.

A failure here means a change to workflow logic would break running workflows: guard it
with `workflow.patched` (see README, "Changing workflow code") instead of re-recording.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from worker import WORKFLOWS

HISTORIES = sorted((Path(__file__).parents[1] / "histories").glob("*.json"))
# Read up front: the event loop is no place for file I/O.
HISTORY_TEXT = {path.stem: path.read_text() for path in HISTORIES}


def test_representative_histories_are_saved() -> None:
    names = {p.stem for p in HISTORIES}
    assert {"memo_ladder_escalation_response", "memo_partial_response_extension",
            "memo_entered_late_response", "memo_withdrawn",
            "recommendation_withdrawn",
            # recorded after the follow-up phase (patch "follow-up-v1") existed
            "memo_follow_up_closed", "recommendation_follow_up_1",
            "recommendation_follow_up_2", "recommendation_follow_up_3",
            # recorded after notice-once-v1 and attention-v1 (issue 7)
            "memo_notice_once", "recommendation_notice_once", "memo_attention"} <= names


@pytest.mark.parametrize("workflow_id", sorted(HISTORY_TEXT))
async def test_saved_history_replays_without_nondeterminism(workflow_id: str) -> None:
    events = json.loads(HISTORY_TEXT[workflow_id])["events"]
    history = WorkflowHistory.from_json(workflow_id, {"events": events})
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
