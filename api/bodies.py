"""Request bodies: the domain commands, with the business dates the CLI defaults made
optional (left out, they are today in the memo's office time zone).

Each body subclasses its domain command (same fields, same rules, `extra` fields
forbidden) and only relaxes its date; the service layer (app.commands.build) fills the
date in and builds the domain command itself.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from domain import recommendation as rules
from domain.dates import BusinessDate
from domain.followup import StatusUpdate
from domain.memo_followup import Publish

TODAY = "default: today in the memo's office time zone"


def today_default() -> Any:
    """An optional business date, defaulting to today in the memo's office time zone."""
    return Field(default=None, description=TODAY)


class ActionPlanBody(rules.SubmitActionPlan):
    """An action plan: `plan` (responsible official, target completion, milestones) and
    the date its letter was received."""

    received_on: BusinessDate | None = today_default()  # type: ignore[assignment]


class ReviewBody(rules.Review):
    """Accept or dispute a recommendation's response or action plan. Accepting a
    non-concurrence closes it as `closure_reason` with a `justification`."""

    reviewed_on: BusinessDate | None = today_default()  # type: ignore[assignment]


class StatusUpdateBody(StatusUpdate):
    """A status update on an accepted action plan."""

    received_on: BusinessDate | None = today_default()  # type: ignore[assignment]


class ExtensionRequestBody(rules.RequestExtension):
    """The component asks to move one of a recommendation's due dates (`clock`:
    `action_plan`, `revision`, `status_update`, `target_completion` or
    `milestone:TITLE`)."""

    requested_on: BusinessDate | None = today_default()  # type: ignore[assignment]


class ExtensionDecisionBody(rules.DecideExtension):
    """Approve or deny a pending extension request (its id is in the path)."""

    request_id: int | None = Field(default=None, ge=1,  # type: ignore[assignment]
                                   description="optional; must match the path if given")
    decided_on: BusinessDate | None = today_default()  # type: ignore[assignment]


class HoldBody(rules.PlaceHold):
    """Put a recommendation, or the whole memo, on hold: its clocks stop."""

    on: BusinessDate | None = today_default()  # type: ignore[assignment]


class ResumeBody(rules.LiftHold):
    """Lift a hold: open due dates move by the days on hold."""

    on: BusinessDate | None = today_default()  # type: ignore[assignment]


class CloseBody(rules.Close):
    """Close a recommendation for a reason; `implemented` and `alternate_action` need
    evidence."""

    closed_on: BusinessDate | None = today_default()  # type: ignore[assignment]


class ReopenBody(rules.Reopen):
    """Reopen a closed recommendation (and its memo)."""

    on: BusinessDate | None = today_default()  # type: ignore[assignment]


class PublishBody(Publish):
    """Record a publication of the memo (`summary` or `redacted_memo`)."""

    published_on: BusinessDate | None = today_default()  # type: ignore[assignment]
