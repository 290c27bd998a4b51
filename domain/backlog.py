"""A backlog: memos issued before rectrack, with the history each recommendation already has.

An office adopts rectrack with years of memos in spreadsheets. `rectrack import` reads
them into these models (one `MemoHistory` per memo, one `RecommendationHistory` per
recommendation, each naming the file row it came from) and then brings each memo to its
recorded state through the ordinary workflow updates. The models are pure so that a dry
run can check a whole file against the same domain rules the workflows apply, without
starting anything.

`Origin` (domain.provenance) travels with every imported update as its own argument
(never inside the command, so the API's request bodies stay as they are) and the workflows
copy it into the events it produces: the audit log says which file and rows each imported
event came from. `BacklogImport` (domain.provenance) rides on the memo's state: it tells
the clocks that every notice dated before the import was the old system's business
(`quiet_before`), and whether the memo sends its one consolidated catch-up notice.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.followup import ActionPlan
from domain.memo import (
    MemoSpec,
    MemoState,
    RecommendationResponse,
    RecommendationState,
    RecordResponse,
)
from domain.provenance import BacklogImport, Origin  # noqa: F401  (re-exported)
from domain.recommendation import Close, Review, due_dates
from domain.vocabulary import Decision, Implementation, MemoStatus, ReviewDecision


class RowProblem(BaseModel):
    """One thing wrong with one row (row 0: the file as a whole)."""

    model_config = ConfigDict(frozen=True)

    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        where = "file" if self.row == 0 else f"row {self.row}"
        return f"{where}, {self.column}: {self.problem}"


class RecommendationHistory(BaseModel):
    """What a row says one recommendation went through before rectrack."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    row: int = Field(ge=1)
    number: int = Field(ge=1)
    decision: Decision | None = None
    rationale: str | None = None
    received_on: date | None = None
    action_plan: ActionPlan | None = None
    resolved_on: date | None = None  # the office accepted the response or plan that day
    closure: Close | None = None


class MemoHistory(BaseModel):
    """One memo of the backlog: its file shape plus each recommendation's history."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    spec: MemoSpec
    rows: list[int] = Field(min_length=1)
    recommendations: list[RecommendationHistory] = Field(min_length=1)

    def history_of(self, number: int) -> RecommendationHistory:
        return next(r for r in self.recommendations if r.number == number)


class BacklogPlan(BaseModel):
    """A whole file read and checked: the memos to bring in and the rows refused.

    A memo with any bad row is held back whole (its recommendations cannot be added to it
    later), and each of its good rows is named as held back by the bad one.
    """

    file: str
    rows_read: int
    memos: list[MemoHistory] = []
    problems: list[RowProblem] = []
    held_back: dict[str, list[int]] = {}  # memo id -> rows not imported because of a bad row

    @property
    def recommendation_count(self) -> int:
        return sum(len(m.recommendations) for m in self.memos)



class RespondStep(BaseModel):
    """One response letter: every row answered on the same `received_on`."""

    action: Literal["respond"] = "respond"
    command: RecordResponse
    origin: Origin


class ReviewStep(BaseModel):
    action: Literal["review"] = "review"
    number: int
    command: Review
    origin: Origin


class CloseStep(BaseModel):
    action: Literal["close"] = "close"
    number: int
    command: Close
    origin: Origin


Step = RespondStep | ReviewStep | CloseStep


def _closed_by_review(rec: RecommendationHistory) -> bool:
    return rec.decision is Decision.NON_CONCUR and rec.resolved_on is not None


class ImportedAnswer(BaseModel):
    """What the memo tells a recommendation after an imported letter: its new state and
    the rows it came from."""

    recommendation: RecommendationState
    origin: Origin


def memo_steps(memo: MemoHistory, file: str) -> list[Step]:
    """The updates that bring an issued memo to its recorded state, in the order they
    happened: letters by date, then each acceptance, then each closure. A resolved
    non-concurrence is one acceptance that closes it on `resolved_on`, for its row's
    closure reason."""
    steps: list[Step] = []
    answered = [r for r in memo.recommendations if r.decision is not None]
    for received_on in sorted({r.received_on for r in answered if r.received_on}):
        letter = [r for r in answered if r.received_on == received_on]
        steps.append(RespondStep(
            command=RecordResponse(received_on=received_on, responses=[
                RecommendationResponse(number=r.number, decision=r.decision,
                                       rationale=r.rationale, action_plan=r.action_plan)
                for r in letter if r.decision is not None]),
            origin=Origin(file=file, rows=[r.row for r in letter])))
    for rec in memo.recommendations:
        if rec.resolved_on is None:
            continue
        review = Review(decision=ReviewDecision.ACCEPT, reviewed_on=rec.resolved_on)
        if rec.decision is Decision.NON_CONCUR and rec.closure is not None:
            # Accepting a non-concurrence closes it, that day, for the row's reason.
            review = review.model_copy(update={"closure_reason": rec.closure.reason,
                                               "justification": rec.closure.justification})
        steps.append(ReviewStep(number=rec.number, command=review,
                                origin=Origin(file=file, rows=[rec.row])))
    for rec in memo.recommendations:
        if rec.closure is not None and not _closed_by_review(rec):
            steps.append(CloseStep(number=rec.number, command=rec.closure,
                                   origin=Origin(file=file, rows=[rec.row])))
    return steps


class OverdueItem(BaseModel):
    """One thing overdue in a memo: the response (`number` None for the memo's letter),
    or one clock of one recommendation."""

    number: int | None
    clock: str
    due_on: date


def overdue_items(state: MemoState, on: date) -> list[OverdueItem]:
    """What the memo's consolidated catch-up notice lists: every open due date before `on`
    (the catch-up day), nothing while the memo is on hold or withdrawn. The public summary
    is not among them (see domain.clocks.publication_clock)."""
    if state.hold is not None or state.status is MemoStatus.WITHDRAWN:
        return []
    items = []
    if state.awaiting_numbers() and state.response_due_on < on:
        items.append(OverdueItem(number=None, clock="response", due_on=state.response_due_on))
    for rec in state.recommendations:
        if rec.implementation is Implementation.CLOSED or rec.hold is not None:
            continue
        items.extend(OverdueItem(number=rec.number, clock=name, due_on=due)
                     for name, due in sorted(due_dates(rec).items()) if due < on)
    return items
