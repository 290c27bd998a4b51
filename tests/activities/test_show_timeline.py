"""`rectrack show` from the store: each recommendation's timeline from the audit log."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.context import Context
from cli import render
from cli.read_commands import cmd_show
from domain.memo import MemoState, RecommendationResponse, RecordResponse, record_response
from domain.vocabulary import Decision, EventKind
from settings import Settings
from store.db import make_engine
from store.events import apply_event
from store.queries import list_timeline
from tests.activities.activity_samples import (
    DUE_ON,
    ISSUED_ON,
    MEMO_ID,
    PLAN_ON,
    RECEIVED_ON,
    REVIEWED_ON,
    closed_not_implemented,
    event_record,
    issued_state,
    planned,
    rec_record,
    responded_state,
)


def response_data(issued: MemoState) -> dict[str, Any]:
    """The data of the memo's response_recorded event, as the domain makes it."""
    answers = [RecommendationResponse(number=1, decision=Decision.CONCUR)] + [
        RecommendationResponse(number=n, decision=Decision.NON_CONCUR,
                               rationale="Existing policy already covers this.")
        for n in (2, 3)]
    _, [event] = record_response(issued, RecordResponse(received_on=RECEIVED_ON,
                                                        responses=answers),
                                 latest_date=date(2100, 1, 1))
    return event.data


@pytest.fixture
def store_settings(engine: Engine, session: Session, tmp_path: Path) -> Settings:
    """The ICE memo answered; recommendation 1 planned, 2 closed; 3 only in memo events."""
    issued = issued_state()
    responded = responded_state(issued)
    for record in [
        event_record(issued, 1, occurred_on=ISSUED_ON).model_copy(
            update={"data": {"response_due_on": DUE_ON.isoformat()}}),
        event_record(responded, 2, EventKind.RESPONSE_RECORDED, RECEIVED_ON).model_copy(
            update={"data": response_data(issued)}),
        rec_record(MEMO_ID, planned(responded.recommendation(1)), 1,
                   EventKind.ACTION_PLAN_SUBMITTED, PLAN_ON,
                   data={"plan": {"responsible_official": "ICE Privacy Officer",
                                  "target_completion_on": "2023-12-31"}},
                   recorded_at=datetime(2023, 3, 1, tzinfo=UTC)),
        rec_record(MEMO_ID, closed_not_implemented(responded.recommendation(2)), 1,
                   EventKind.RECOMMENDATION_CLOSED, REVIEWED_ON,
                   data={"reason": "not_implemented", "justification": "Policy covers it"},
                   recorded_at=datetime(2023, 3, 16, tzinfo=UTC)),
    ]:
        apply_event(session, record=record)
    url = engine.url.render_as_string(hide_password=False)
    return Settings(home=tmp_path, database_url=url)


def show_args(*, json: bool = False, timeline: bool = False) -> argparse.Namespace:
    return argparse.Namespace(memo_id=MEMO_ID, json=json, live=False, timeline=timeline)


async def show(args: argparse.Namespace, settings: Settings) -> int:
    """`rectrack show` with one engine on the test's store, as the CLI passes it down."""
    engine = make_engine(settings.db_url)
    try:
        return await cmd_show(args, Context(settings, engine))
    finally:
        engine.dispose()


async def test_show_prints_each_recommendation_timeline(
    store_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await show(show_args(), store_settings) == 0
    out = capsys.readouterr().out
    head, one, two, three = out.split("\n\n")[-4:]
    assert "DAYS LATE" in head
    assert one.splitlines()[0] == "recommendation 1: timeline"
    assert [line.split()[:2] for line in one.splitlines()[3:]] == [
        ["2022-09-30", "memo_issued"], ["2023-01-30", "response_recorded"],
        ["2023-02-20", "action_plan_submitted"]]
    assert "response due 2022-11-29" in one
    assert one.splitlines()[4].split()[1:] == ["response_recorded", "concur"]  # its own only
    assert "ICE Privacy Officer target 2023-12-31" in one
    assert "non_concur (Existing policy already covers this.)" in two
    assert two.splitlines()[-1].split() == ["2023-03-15", "recommendation_closed",
                                            "not_implemented", "-", "Policy", "covers", "it"]
    assert len(three.strip().splitlines()) == 5  # title, header, rule, issued, response


async def test_show_json_adds_the_timeline_only_when_asked(
    store_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    await show(show_args(json=True), store_settings)
    plain = json.loads(capsys.readouterr().out)
    assert "timeline" not in plain and plain["memo_id"] == MEMO_ID

    await show(show_args(json=True, timeline=True), store_settings)
    data = json.loads(capsys.readouterr().out)
    assert {k: v for k, v in data.items() if k != "timeline"} == plain
    assert [(e["event_id"], e["number"], e["kind"]) for e in data["timeline"]] == [
        (f"{MEMO_ID}#1", None, "memo_issued"), (f"{MEMO_ID}#2", None, "response_recorded"),
        (f"{MEMO_ID}/1#1", 1, "action_plan_submitted"),
        (f"{MEMO_ID}/2#1", 2, "recommendation_closed")]
    assert data["timeline"][0]["recorded_at"] == "2023-02-01T15:30:01Z"
    assert data["timeline"][3]["occurred_on"] == "2023-03-15"


def test_timeline_render_of_sparse_and_unknown_events(session: Session) -> None:
    issued = issued_state()
    apply_event(session, record=event_record(issued, 1).model_copy(update={"data": {}}))
    apply_event(session, record=rec_record(MEMO_ID, issued.recommendation(1), 1,
                                           EventKind.BECAME_OVERDUE, data={"clock": "revision"}))
    events = list_timeline(session, memo_id=MEMO_ID, number=1)
    lines = render.timeline(events, number=1).splitlines()
    assert lines[0].split() == ["DATE", "EVENT", "DETAIL"]
    assert lines[2].split() == ["2023-02-01", "memo_issued", "-"]  # the day it was recorded
    assert lines[3].split() == ["2023-03-01", "became_overdue", "clock", "revision"]
    assert render.timeline([]) == "  no recorded events"
