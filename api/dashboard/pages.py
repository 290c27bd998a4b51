"""What the dashboard pages show, read from the store (never from the workflows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session, col, select

from api.dashboard.charts import Chart, aging_chart, concurrence_chart
from api.dashboard.session import workflow_url
from api.tokens import Principal
from domain.memo import RecommendationState
from presentation.events import event_detail
from store.queries import (
    StoredMemoView,
    StoredRecommendationView,
    get_memo_view,
    list_memo_views,
    list_timeline,
    recommendation_state,
)
from store.report_models import OverdueItem
from store.report_sql import clock_rows, report_today
from store.reports import aging_buckets, concurrence_rates, overdue_items
from store.tables import EventPublic, Memo, Recommendation

PAGE_SIZE = 100
CSV_KINDS = (("overdue", "Overdue (this filter)"), ("aging", "Aging buckets"),
             ("concurrence", "Concurrence by component"),
             ("time-to-response", "Time to response"),
             ("open-over-a-year", "Open more than a year"), ("due-soon", "Due in 30 days"))


@dataclass(frozen=True)
class Filters:
    component: str | None
    case_officer: str | None
    page: int

    def query(self, **changes: Any) -> str:
        """`?...`: these filters (with `changes`) as a query string, empty ones left out."""
        values = {"component": self.component, "case_officer": self.case_officer,
                  "page": self.page, **changes}
        kept = {k: v for k, v in values.items() if v is not None and v != "" and
                not (k == "page" and v == 1)}
        return f"?{urlencode(kept)}" if kept else ""

    def csv_query(self, kind: str) -> str:
        """The download of `kind` for these filters (the overdue one takes them all)."""
        if kind == "overdue":
            return self.query(page=None)
        return self.query(page=None, case_officer=None)


@dataclass(frozen=True)
class OverdueRow:
    item: OverdueItem
    title: str

    @property
    def what(self) -> str:
        clock = self.item.clock.replace("_", " ")
        return clock if self.item.number is None else f"#{self.item.number} {clock}"


@dataclass(frozen=True)
class Overview:
    rows: list[OverdueRow]
    has_more: bool
    charts: tuple[Chart, Chart]
    components: list[str]
    case_officers: list[str]
    # Memos a stopped clock waits on (their own or a recommendation's attention is set).
    attention: list[StoredMemoView]

    @property
    def attention_ids(self) -> set[str]:
        return {view.memo_id for view in self.attention}


def _distinct(session: Session, column: Any, who: Principal) -> list[str]:
    statement = select(column).where(column.is_not(None)).distinct().order_by(column)
    if who.component is not None:
        statement = statement.where(col(Memo.component) == who.component)
    return [value for value in session.exec(statement) if value]


def overview(session: Session, who: Principal, filters: Filters) -> Overview:
    """One page of overdue clocks, oldest first, the two charts and the filter choices."""
    offset = (filters.page - 1) * PAGE_SIZE
    items = overdue_items(session, component=filters.component,
                          case_officer=filters.case_officer, limit=PAGE_SIZE + 1,
                          offset=offset)
    ids = {item.memo_id for item in items}
    titles = dict(session.exec(select(Memo.memo_id, Memo.title)
                               .where(col(Memo.memo_id).in_(ids))).all()) if ids else {}
    rows = [OverdueRow(item=item, title=titles.get(item.memo_id, ""))
            for item in items[:PAGE_SIZE]]
    charts = (aging_chart(aging_buckets(session, component=filters.component)),
              concurrence_chart(concurrence_rates(session, component=filters.component)))
    attention = [view for view in list_memo_views(session, needs_attention=True,
                                                  component=filters.component)
                 if who.may_see(view.component)]
    return Overview(rows=rows, has_more=len(items) > PAGE_SIZE, charts=charts,
                    components=_distinct(session, col(Memo.component), who),
                    case_officers=_distinct(session, col(Memo.case_officer), who),
                    attention=attention)


# -- one memo ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str
    detail: str


@dataclass(frozen=True)
class RecommendationPage:
    view: StoredRecommendationView
    state: RecommendationState
    timeline: list[TimelineEntry]
    workflow_url: str

    @property
    def due_dates(self) -> list[tuple[str, date]]:
        s = self.state
        target = s.action_plan.target_completion_on if s.action_plan else None
        dates = (("action plan due", s.action_plan_due_on), ("revision due", s.revision_due_on),
                 ("status update due", s.status_update_due_on),
                 ("target completion", target))
        return [(name, on) for name, on in dates if on is not None]


@dataclass(frozen=True)
class MemoPage:
    view: StoredMemoView
    case_officer: str | None
    on_hold: bool
    timeline: list[TimelineEntry]
    recommendations: list[RecommendationPage]
    workflow_url: str


def _entries(events: list[EventPublic], number: int | None = None) -> list[TimelineEntry]:
    return [TimelineEntry(on=e.occurred_on or e.recorded_at.date(),
                          kind=e.kind.replace("_", " "), detail=event_detail(e, number))
            for e in events]


def memo_page(session: Session, who: Principal, memo_id: str) -> MemoPage | None:
    """The memo with its recommendations and their timelines; None if absent or hidden."""
    row = session.get(Memo, memo_id)
    if row is None or not who.may_see(row.component):
        return None
    view = get_memo_view(session, memo_id=memo_id)
    assert view is not None
    states = {r.number: recommendation_state(r) for r in session.exec(
        select(Recommendation).where(Recommendation.memo_id == memo_id))}
    recs = [RecommendationPage(
        view=rec, state=states[rec.number],
        timeline=_entries(list_timeline(session, memo_id=memo_id, number=rec.number),
                          rec.number),
        workflow_url=workflow_url(f"rec/{memo_id}/{rec.number}"))
        for rec in view.recommendations]
    memo_events = [e for e in list_timeline(session, memo_id=memo_id) if e.number is None]
    return MemoPage(view=view, case_officer=row.case_officer, on_hold=row.on_hold,
                    timeline=_entries(memo_events), recommendations=recs,
                    workflow_url=workflow_url(f"memo/{memo_id}"))


DUE_LIMIT = 500
# The form that answers each clock: a response letter, an action plan, a status update.
_ANSWERED_BY = {"response": "respond", "action_plan": "plan", "revision": "plan"}


def due_today() -> date:
    return report_today(None)


def due_items(session: Session, *, component: str | None) -> list[Any]:
    """Every ticking clock (overdue first, then by due date), at most DUE_LIMIT."""
    return list(clock_rows(session, due_from=None, due_to=date.max, component=component,
                           case_officer=None, limit=DUE_LIMIT, offset=0))


def action_link(item: Any) -> str:
    """The form path (below /dashboard/memos/) that answers a due item."""
    form = _ANSWERED_BY.get(item.clock, "update")
    if item.number is None:
        return f"{item.memo_id}/respond"
    return f"{item.memo_id}/recommendations/{item.number}/{form}"
