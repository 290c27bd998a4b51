"""Memo and recommendation models and the response-phase transitions.

Transitions are pure: they take the current `MemoState` and a command, validate it, and
return the new state with the `DomainEvent`s it produced. An illegal command raises a
`DomainError` whose message names what is wrong; the input state is never modified.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.dates import BusinessDate, check_within_horizon
from domain.errors import DomainError, InvalidTransition, UnknownItem
from domain.followup import (
    ActionPlan,
    Evidence,
    ExtensionRequest,
    FollowUpPolicy,
    Hold,
    StatusUpdate,
    check_action_plan,
)
from domain.ladder import ReminderLadder
from domain.limits import (
    MAX_CONTACTS,
    MAX_RECOMMENDATIONS,
    MAX_URI_CHARS,
    Name,
    OptionalText,
    Text,
    Title,
)
from domain.provenance import BacklogImport, Origin
from domain.vocabulary import (
    ClosureReason,
    Counting,
    Decision,
    EventKind,
    Implementation,
    MemoStatus,
    NoticeKind,
    PublicationKind,
    RecommendationKind,
    Resolution,
    ResponseStatus,
)

MEMO_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
DEFAULT_TIME_ZONE = "America/New_York"


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    email: str | None = Field(default=None, max_length=MAX_URI_CHARS)
    webhook: str | None = Field(default=None, max_length=MAX_URI_CHARS,
                                pattern=r"^https?://\S+$")


class RecommendationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int = Field(ge=1, le=1_000_000)
    text: Text
    kind: RecommendationKind = RecommendationKind.RECOMMENDATION
    priority: bool = False


class ResponseWindow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    days: int = Field(default=60, ge=1, le=3650)
    counting: Counting = Counting.CALENDAR


class MemoSpec(BaseModel):
    """The memo file as `rectrack issue FILE` takes it (docs/contracts.md#memo-file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    memo_id: str = Field(pattern=MEMO_ID_PATTERN)
    title: Title
    office: Name | None = None
    component: Name
    kind: RecommendationKind = RecommendationKind.RECOMMENDATION
    issued_on: BusinessDate
    response_due_on: BusinessDate | None = None
    response_window: ResponseWindow = ResponseWindow()
    time_zone: str = Field(default=DEFAULT_TIME_ZONE, max_length=MAX_URI_CHARS)
    contacts: dict[Name, Contact] = Field(default={}, max_length=MAX_CONTACTS)
    ladder: ReminderLadder = ReminderLadder()
    follow_up: FollowUpPolicy = FollowUpPolicy()
    recommendations: list[RecommendationSpec] = Field(min_length=1,
                                                      max_length=MAX_RECOMMENDATIONS)

    @model_validator(mode="after")
    def _consistent(self) -> MemoSpec:
        numbers = [r.number for r in self.recommendations]
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate recommendation numbers: {duplicates}")
        if self.response_due_on is not None and self.response_due_on <= self.issued_on:
            raise ValueError(
                f"response_due_on {self.response_due_on} must be after issued_on {self.issued_on}"
            )
        if self.response_due_on is not None:
            check_within_horizon(self.response_due_on, "response_due_on", self.issued_on)
        return self


class RecommendationState(BaseModel):
    number: int
    text: str
    kind: RecommendationKind = RecommendationKind.RECOMMENDATION
    priority: bool = False
    response: ResponseStatus = ResponseStatus.AWAITING
    rationale: str | None = None
    received_on: date | None = None
    implementation: Implementation = Implementation.OPEN
    resolution: Resolution = Resolution.UNRESOLVED
    closure_reason: ClosureReason | None = None
    # Follow-up to closure (all optional, so states recorded before it still load).
    action_plan: ActionPlan | None = None
    action_plan_received_on: date | None = None
    action_plan_due_on: date | None = None
    dispute_reason: str | None = None
    revision_due_on: date | None = None
    resolved_on: date | None = None
    status_update_due_on: date | None = None
    status_updates: list[StatusUpdate] = []
    evidence: list[Evidence] = []
    extension_requests: list[ExtensionRequest] = []
    hold: Hold | None = None
    closure_justification: str | None = None
    closed_on: date | None = None
    reopen_reasons: list[str] = []
    # Why this recommendation's clocks stopped (a failure no retry can fix); None if fine.
    attention: str | None = None


class Extension(BaseModel):
    from_due_on: date
    to_due_on: date
    reason: str
    approved_by: str


class NoticeRecord(BaseModel):
    """A notice the memo workflow sent (or tried to send) for one ladder step."""

    key: str
    kind: NoticeKind
    on: date
    sent_at: datetime
    recipients: list[str]
    numbers: list[int]
    delivered: bool = True


class Publication(BaseModel):
    kind: PublicationKind
    published_on: date
    uri: str


class MemoState(BaseModel):
    """Full live state of one memo: what its workflow holds and its query returns."""

    spec: MemoSpec
    response_due_on: date
    status: MemoStatus = MemoStatus.AWAITING_RESPONSE
    overdue_flag: bool = False  # set by the workflow timer at 00:00 office time after due
    recommendations: list[RecommendationState]
    extensions: list[Extension] = []
    withdrawn_reason: str | None = None
    notices: list[NoticeRecord] = []
    event_seq: int = 0
    hold: Hold | None = None
    publications: list[Publication] = []
    publication_due_on: date | None = None  # public summary due (set once fully answered)
    # Why this memo's clocks stopped (a failure no retry can fix); None while all is well.
    attention: str | None = None
    # Set when the memo came in from a backlog file (`rectrack import`).
    backlog: BacklogImport | None = None

    @classmethod
    def issue(cls, spec: MemoSpec, response_due_on: date) -> MemoState:
        recs = [RecommendationState(number=r.number, text=r.text, kind=r.kind,
                                    priority=r.priority) for r in spec.recommendations]
        return cls(spec=spec, response_due_on=response_due_on, recommendations=recs)

    @property
    def memo_id(self) -> str:
        return self.spec.memo_id

    def awaiting_numbers(self) -> list[int]:
        """Recommendations still owed an answer (one closed without one is owed nothing)."""
        return [r.number for r in self.recommendations
                if r.response is ResponseStatus.AWAITING
                and r.implementation is not Implementation.CLOSED]

    def recommendation(self, number: int) -> RecommendationState:
        for rec in self.recommendations:
            if rec.number == number:
                return rec
        raise UnknownItem(f"memo {self.memo_id} has no recommendation {number}")

    @property
    def response_received_on(self) -> date | None:
        """Date the last recommendation was answered; None while any is awaiting."""
        dates = [r.received_on for r in self.recommendations]
        if not dates or any(d is None for d in dates):
            return None
        return max(d for d in dates if d is not None)


class DomainEvent(BaseModel):
    kind: EventKind
    occurred_on: date | None = None
    numbers: list[int] = []
    data: dict[str, Any] = {}


# -- commands (also the payloads of the workflow updates) -------------------------------


def stamped(events: list[DomainEvent], origin: Origin | None) -> list[DomainEvent]:
    """The events marked with where their change came from (an imported file's rows)."""
    if origin is None:
        return events
    return [e.model_copy(update={"data": {**e.data, "source": origin.as_data()}})
            for e in events]


class RecommendationResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int = Field(ge=1)
    decision: Decision
    rationale: OptionalText | None = None
    action_plan: ActionPlan | None = None  # may come with the response or later

    @model_validator(mode="after")
    def _rationale_unless_full_concurrence(self) -> RecommendationResponse:
        if self.decision is not Decision.CONCUR and not (self.rationale or "").strip():
            raise ValueError(
                f"recommendation {self.number}: a rationale is required for {self.decision.value}"
            )
        return self


class RecordResponse(BaseModel):
    """The response file, as `rectrack respond MEMO_ID --file FILE` takes it."""

    model_config = ConfigDict(extra="forbid")

    received_on: BusinessDate
    responses: list[RecommendationResponse] = Field(min_length=1,
                                                    max_length=MAX_RECOMMENDATIONS)
    recorded_by: Name | None = None


class GrantExtension(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_due_on: BusinessDate
    reason: Text
    approved_by: Name


class Withdraw(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text
    on: BusinessDate | None = None  # the business date of the withdrawal (None: not recorded)


Transition = tuple[MemoState, list[DomainEvent]]


def require_open(state: MemoState, action: str) -> None:
    if state.status in (MemoStatus.WITHDRAWN, MemoStatus.CLOSED):
        raise InvalidTransition(f"cannot {action}: memo {state.memo_id} is {state.status.value}")


def record_response(state: MemoState, cmd: RecordResponse, latest_date: date) -> Transition:
    """Record the component's answer for some or all recommendations.

    `latest_date` is the last plausible calendar date anywhere today; a response dated
    after it is rejected as a typo rather than a letter from the future.
    """
    require_open(state, "record a response")
    if cmd.received_on < state.spec.issued_on:
        raise DomainError(
            f"received_on {cmd.received_on} is before the memo was issued ({state.spec.issued_on})",
            field="received_on")
    if cmd.received_on > latest_date:
        raise DomainError(f"received_on {cmd.received_on} is in the future",
                          field="received_on")
    numbers = [r.number for r in cmd.responses]
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    if repeated:
        raise DomainError(f"responses name recommendation {repeated[0]} more than once")
    new = state.model_copy(deep=True)
    for answer in cmd.responses:
        rec = new.recommendation(answer.number)
        if rec.response is not ResponseStatus.AWAITING:
            raise InvalidTransition(
                f"recommendation {rec.number} was already answered "
                f"({rec.response.value} on {rec.received_on})"
            )
        rec.response = answer.decision.response
        rec.rationale = answer.rationale
        rec.received_on = cmd.received_on
        _expect_action_plan(rec, answer, cmd.received_on, state.spec)
    if not new.awaiting_numbers():
        new.status = MemoStatus.RESPONDED
        new.overdue_flag = False
        received = new.response_received_on or cmd.received_on
        if not any(p.kind is PublicationKind.SUMMARY for p in new.publications):
            new.publication_due_on = received + timedelta(
                days=state.spec.follow_up.publication_days)
    event = DomainEvent(
        kind=EventKind.RESPONSE_RECORDED, occurred_on=cmd.received_on, numbers=numbers,
        data={"responses": [r.model_dump(mode="json") for r in cmd.responses],
              "recorded_by": cmd.recorded_by, "status": new.status.value},
    )
    return new, [event]


def _expect_action_plan(rec: RecommendationState, answer: RecommendationResponse,
                        received_on: date, spec: MemoSpec) -> None:
    """A (partial) concurrence needs an action plan: with the response, or by a due date."""
    if answer.decision is Decision.NON_CONCUR:
        if answer.action_plan is not None:
            raise DomainError(f"recommendation {rec.number}: a non-concurrence takes no "
                              "action plan")
        return
    if answer.action_plan is None:
        rec.action_plan_due_on = received_on + timedelta(
            days=spec.follow_up.action_plan_days)
        return
    try:
        check_action_plan(answer.action_plan, received_on, spec.issued_on)
    except ValueError as error:
        raise DomainError(f"recommendation {rec.number}: {error}") from None
    rec.action_plan = answer.action_plan
    rec.action_plan_received_on = received_on


def grant_extension(state: MemoState, cmd: GrantExtension) -> Transition:
    require_open(state, "extend the deadline")
    if state.status is not MemoStatus.AWAITING_RESPONSE:
        raise InvalidTransition(f"cannot extend: memo {state.memo_id} has been fully answered")
    if cmd.to_due_on <= state.response_due_on:
        raise DomainError(
            f"to_due_on {cmd.to_due_on} is not after the current due date {state.response_due_on}",
            field="to_due_on")
    check_within_horizon(cmd.to_due_on, "to_due_on", state.spec.issued_on)
    new = state.model_copy(deep=True)
    new.extensions.append(Extension(from_due_on=state.response_due_on, to_due_on=cmd.to_due_on,
                                    reason=cmd.reason, approved_by=cmd.approved_by))
    new.response_due_on = cmd.to_due_on
    new.overdue_flag = False
    event = DomainEvent(
        kind=EventKind.EXTENSION_GRANTED,
        data={"from_due_on": state.response_due_on.isoformat(),
              "to_due_on": cmd.to_due_on.isoformat(), "reason": cmd.reason,
              "approved_by": cmd.approved_by},
    )
    return new, [event]


def withdraw(state: MemoState, cmd: Withdraw) -> Transition:
    require_open(state, "withdraw")
    if cmd.on is not None and cmd.on < state.spec.issued_on:
        raise DomainError(f"on {cmd.on} is before the memo was issued ({state.spec.issued_on})",
                          field="on")
    new = state.model_copy(deep=True)
    new.status = MemoStatus.WITHDRAWN
    new.withdrawn_reason = cmd.reason
    new.overdue_flag = False
    for rec in new.recommendations:
        if rec.implementation is not Implementation.CLOSED:
            rec.implementation = Implementation.CLOSED
            rec.closure_reason = ClosureReason.WITHDRAWN
            rec.closed_on = cmd.on
    event = DomainEvent(kind=EventKind.MEMO_WITHDRAWN, occurred_on=cmd.on,
                        data={"reason": cmd.reason})
    return new, [event]

