"""plan_deadline: ladder dates become UTC instants in the office time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy import Engine

from activities.activities import RectrackActivities
from activities.models import PlanRequest
from domain.ladder import ReminderLadder
from settings import Settings
from tests.activities.activity_samples import DUE_ON, activity_env


async def test_plan_deadline_resolves_instants(acts: RectrackActivities) -> None:
    request = PlanRequest(due_on=DUE_ON, time_zone="America/New_York", ladder=ReminderLadder(),
                          now=datetime(2022, 10, 1, tzinfo=UTC), limit=2)
    plan = await activity_env().run(acts.plan_deadline, request)
    assert plan.due_on == DUE_ON
    assert plan.overdue_at == datetime(2022, 11, 30, 5, 0, tzinfo=UTC)  # 00:00 EST next day
    assert [(n.step.offset_days, n.at) for n in plan.notices] == [
        (-14, datetime(2022, 11, 15, 14, 0, tzinfo=UTC)),  # 09:00 EST
        (-7, datetime(2022, 11, 22, 14, 0, tzinfo=UTC)),
    ]


async def test_notices_go_out_at_the_workers_configured_hour(
    engine: Engine, http: httpx.AsyncClient, settings: Settings
) -> None:
    acts_at_ten = RectrackActivities(engine=engine, http=http,
                                     settings=settings.model_copy(update={"notice_hour": 10}))
    request = PlanRequest(due_on=DUE_ON, time_zone="America/New_York", ladder=ReminderLadder(),
                          now=datetime(2022, 10, 1, tzinfo=UTC), limit=1)
    plan = await activity_env().run(acts_at_ten.plan_deadline, request)
    assert plan.notices[0].at == datetime(2022, 11, 15, 15, 0, tzinfo=UTC)  # 10:00 EST
