"""The dashboard's action forms: one table entry per action, run by the service layer.

Each `Action` names its form fields and the service function it runs (app.memos,
app.recommendations), so a browser action goes through exactly the code, rules and errors
of the CLI and the API. A form's fields become the command's fields: blanks are left out
(a blank business date is today in the memo's office, as everywhere), dotted names nest
(`plan.target_completion_on`), and `evidence_title`/`evidence_uri` make one evidence item.
An `Invalid(field=...)` from the service layer is shown beside the form field it names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from app import memos, recommendations
from app.context import Context
from domain.vocabulary import ClosureReason, PublicationKind, ReviewDecision
from store.tokens import Role

OFFICE = frozenset({Role.OFFICE})
OFFICE_AND_AGENCY = frozenset({Role.OFFICE, Role.AGENCY})
CLOSURE_REASONS = tuple(r.value for r in ClosureReason if r is not ClosureReason.WITHDRAWN)
CLOCKS = ("action_plan", "revision", "status_update", "target_completion")


@dataclass(frozen=True)
class Field:
    name: str  # the form field; dotted: nested in the command
    label: str
    # text | textarea | date | select | number | file; `lines` (a textarea, one item per
    # line) and `milestones` (one `TITLE | YYYY-MM-DD` per line) become lists
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class Action:
    """One action as a form: on a recommendation (`run(ctx, memo_id, number, fields)`)
    or, in MEMO_ACTIONS, on the whole memo (the number is not used)."""

    name: str  # its URL segment
    title: str
    roles: frozenset[Role]
    run: Callable[[Context, str, int, dict[str, Any]], Awaitable[tuple[Any, Any]]]
    date_field: str | None  # the business date the action records (None: it has none)
    fields: tuple[Field, ...] = field(default=())

    @property
    def all_fields(self) -> tuple[Field, ...]:
        if self.date_field is None:
            return self.fields
        return (*self.fields, Field(self.date_field, "Business date", "date",
                                    hint="Left blank: today in the memo's office."))


def _date(name: str, label: str) -> Field:
    return Field(name, label, "date", required=True)


REASON = Field("reason", "Reason", "textarea", required=True)
EVIDENCE = (Field("evidence_title", "Evidence title"),
            Field("evidence_file", "Evidence file", "file",
                  hint="PDF, DOCX, XLSX, PNG, JPEG or GIF, up to 10 MiB."),
            Field("evidence_uri", "Evidence link", hint="https://... (a document or record)"))

RECOMMENDATION_ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("plan", "Record an action plan", OFFICE_AND_AGENCY,
           recommendations.plan, "received_on", (
               Field("plan.responsible_official", "Responsible official", required=True),
               _date("plan.target_completion_on", "Target completion date"),
               Field("plan.milestones", "Milestones", "milestones",
                     hint="One per line: TITLE | YYYY-MM-DD (its target date)."))),
    Action("review", "Review the response or plan", OFFICE,
           recommendations.review, "reviewed_on", (
               Field("decision", "Decision", "select", True,
                     tuple(d.value for d in ReviewDecision)),
               Field("reason", "Reason", "textarea", hint="Needed to dispute."),
               Field("closure_reason", "Closure reason", "select",
                     choices=("", "not_implemented", "no_longer_applicable"),
                     hint="Accepting a non-concurrence closes it for this reason."),
               Field("justification", "Justification", "textarea"))),
    Action("update", "Record a status update", OFFICE_AND_AGENCY,
           recommendations.update, "received_on", (
               Field("progress", "Progress", "textarea", required=True),
               Field("percent_complete", "Percent complete", "number"),
               Field("milestones_done", "Milestones done", "lines",
                     hint="One milestone title per line."), *EVIDENCE)),
    Action("request-extension", "Request an extension", OFFICE_AND_AGENCY,
           recommendations.request_extension, "requested_on", (
               Field("clock", "Due date to move", "select", True, CLOCKS),
               _date("to_date", "New due date"), REASON)),
    Action("decide-extension", "Decide an extension request", OFFICE,
           recommendations.decide_extension, "decided_on", (
               Field("request_id", "Request number", "number", required=True),
               Field("approve", "Decision", "select", True, ("approve", "deny")),
               Field("decided_by", "Decided by", required=True),
               Field("reason", "Reason", "textarea"))),
    Action("hold", "Put on hold", OFFICE,
           recommendations.hold, "on", (REASON,)),
    Action("resume", "Lift the hold", OFFICE,
           recommendations.resume, "on"),
    Action("close", "Close", OFFICE,
           recommendations.close, "closed_on", (
               Field("reason", "Closure reason", "select", True, CLOSURE_REASONS),
               Field("justification", "Justification", "textarea", required=True),
               *EVIDENCE)),
    Action("reopen", "Reopen", OFFICE,
           recommendations.reopen, "on", (REASON,)),
)}


MEMO_ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("extend", "Grant an extension", OFFICE,
           lambda c, m, _n, f: memos.extend(c, m, f), None, (
               _date("to_due_on", "New response due date"), REASON,
               Field("approved_by", "Approved by", required=True))),
    Action("withdraw", "Withdraw the memo", OFFICE,
           lambda c, m, _n, f: memos.withdraw(c, m, f), "on", (REASON,)),
    Action("hold", "Put the memo on hold", OFFICE,
           lambda c, m, _n, f: memos.hold(c, m, f), "on", (REASON,)),
    Action("resume", "Lift the memo's hold", OFFICE,
           lambda c, m, _n, f: memos.resume(c, m, f), "on"),
    Action("publish", "Record a publication", OFFICE,
           lambda c, m, _n, f: memos.publish(c, m, f), "published_on", (
               Field("kind", "What was published", "select", True,
                     tuple(k.value for k in PublicationKind)),
               Field("uri", "Link", required=True, hint="https://..."))),
)}


def command_fields(action: Action, form: dict[str, str]) -> dict[str, Any]:
    """The command's fields from the form: blanks left out, dotted names nested."""
    data: dict[str, Any] = {}
    for spec in action.all_fields:
        value = form.get(spec.name, "").strip()
        if not value or spec.name.startswith("evidence_"):
            continue
        if spec.name == "approve":
            data["approve"] = value == "approve"
            continue
        target = data
        *parents, leaf = spec.name.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = _listed(spec.kind, value)
    title, uri = form.get("evidence_title", "").strip(), form.get("evidence_uri", "").strip()
    if uri:  # a link; an uploaded file is added by the route, once stored
        data["evidence"] = [{"title": title or "Evidence", "uri": uri}]
    return data


def _listed(kind: str, value: str) -> Any:
    """A `lines` or `milestones` textarea as its list; any other value as it is."""
    if kind not in ("lines", "milestones"):
        return value
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    if kind == "lines":
        return lines
    milestones = []
    for line in lines:
        title, _, target_on = line.rpartition("|")
        milestones.append({"title": title.strip(), "target_on": target_on.strip()}
                          if title else {"title": line})  # no date: named as missing
    return milestones


def field_of(error_field: str | None, names: list[str]) -> str | None:
    """The form field an error names (`plan.target_completion_on`, `evidence.0.uri` ->
    `evidence_uri`), or None to show it above the form."""
    if not error_field:
        return None
    if error_field in names:
        return error_field
    if error_field.startswith("evidence"):
        return "evidence_uri" if "evidence_uri" in names else None
    for name in names:
        if error_field.startswith(name + ".") or name.startswith(error_field + "."):
            return name
    return None
