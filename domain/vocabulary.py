"""The fixed vocabulary (docs/contracts.md#vocabulary) as string enums: values are what
JSON and CLI show."""

from enum import StrEnum


class MemoStatus(StrEnum):
    AWAITING_RESPONSE = "awaiting_response"
    RESPONDED = "responded"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class ResponseStatus(StrEnum):
    AWAITING = "awaiting"
    CONCURRED = "concurred"
    PARTIALLY_CONCURRED = "partially_concurred"
    NON_CONCURRED = "non_concurred"


class Decision(StrEnum):
    """What the component answers for one recommendation."""

    CONCUR = "concur"
    PARTIALLY_CONCUR = "partially_concur"
    NON_CONCUR = "non_concur"

    @property
    def response(self) -> ResponseStatus:
        return _DECISION_TO_RESPONSE[self]


_DECISION_TO_RESPONSE = {
    Decision.CONCUR: ResponseStatus.CONCURRED,
    Decision.PARTIALLY_CONCUR: ResponseStatus.PARTIALLY_CONCURRED,
    Decision.NON_CONCUR: ResponseStatus.NON_CONCURRED,
}


class Implementation(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class Resolution(StrEnum):
    UNRESOLVED = "unresolved"
    RESOLVED = "resolved"


class ClosureReason(StrEnum):
    IMPLEMENTED = "implemented"
    ALTERNATE_ACTION = "alternate_action"
    NOT_IMPLEMENTED = "not_implemented"
    SUPERSEDED = "superseded"
    NO_LONGER_APPLICABLE = "no_longer_applicable"
    WITHDRAWN = "withdrawn"
    NO_RESPONSE = "no_response"


class RecommendationKind(StrEnum):
    RECOMMENDATION = "recommendation"
    REQUIRED_REMEDY = "required_remedy"


class NoticeKind(StrEnum):
    REMINDER = "reminder"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    STATUS_UPDATE_REQUEST = "status_update_request"
    PUBLICATION_REMINDER = "publication_reminder"
    # One per imported memo: what was already overdue when the backlog came in.
    BACKLOG_CATCH_UP = "backlog_catch_up"


class Counting(StrEnum):
    CALENDAR = "calendar"
    BUSINESS = "business"


class EventKind(StrEnum):
    """Audit event kinds written by record_event."""

    MEMO_ISSUED = "memo_issued"
    RESPONSE_RECORDED = "response_recorded"
    EXTENSION_GRANTED = "extension_granted"
    MEMO_WITHDRAWN = "memo_withdrawn"
    BECAME_OVERDUE = "became_overdue"
    NOTICE_SENT = "notice_sent"
    NOTICE_FAILED = "notice_failed"
    ACTION_PLAN_SUBMITTED = "action_plan_submitted"
    RESPONSE_ACCEPTED = "response_accepted"
    RESPONSE_DISPUTED = "response_disputed"
    STATUS_UPDATE_SUBMITTED = "status_update_submitted"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_DENIED = "extension_denied"
    HOLD_PLACED = "hold_placed"
    HOLD_LIFTED = "hold_lifted"
    RECOMMENDATION_CLOSED = "recommendation_closed"
    RECOMMENDATION_REOPENED = "recommendation_reopened"
    MEMO_CLOSED = "memo_closed"
    MEMO_REOPENED = "memo_reopened"
    PUBLISHED = "published"
    # A deterministic failure (e.g. a due date the calendar cannot reach) stopped a clock:
    # the office must look. Cleared by the next change that plans cleanly.
    ATTENTION_NEEDED = "attention_needed"
    ATTENTION_CLEARED = "attention_cleared"


class ReviewDecision(StrEnum):
    ACCEPT = "accept"
    DISPUTE = "dispute"


class PublicationKind(StrEnum):
    SUMMARY = "summary"
    REDACTED_MEMO = "redacted_memo"
