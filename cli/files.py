"""Loading memo and response files (YAML or JSON) into validated domain models.

A file is refused, in one line naming it, when it cannot be read or when app.documents
refuses its bytes (not UTF-8, larger than the domain's document limit, not valid
YAML/JSON, or a mapping naming the same key twice).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.documents import parse_mapping
from app.errors import Invalid
from cli.errors import BadInput, describe_validation_error
from domain.dates import check_issue_date
from domain.deadlines import check_time_zone
from domain.errors import DomainError
from domain.followup import ActionPlan, StatusUpdate
from domain.limits import document_size_problem
from domain.memo import MemoSpec, RecordResponse
from domain.office_time import today_in
from domain.recommendation import SubmitActionPlan

Model = TypeVar("Model", bound=BaseModel)


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BadInput(f"{path}: cannot read file ({error.strerror})") from None
    try:
        return parse_mapping(raw, name=str(path), json_format=path.suffix.lower() == ".json")
    except Invalid as error:
        raise BadInput(error.message) from None


def validate(model: type[Model], data: dict[str, Any], source: str) -> Model:
    try:
        valid = model.model_validate(data)
    except ValidationError as error:
        raise BadInput(f"{source}: {describe_validation_error(error)}") from None
    # Measured again once parsed: YAML aliases can make a small file a large document.
    too_big = document_size_problem(len(valid.model_dump_json()))
    if too_big:
        raise BadInput(f"{source}: the document is {too_big}")
    return valid


def load_memo(path: Path) -> MemoSpec:
    spec = validate(MemoSpec, _read_mapping(path), str(path))
    try:
        check_time_zone(spec.time_zone)
    except ValueError as error:
        raise BadInput(f"{path}: time_zone: {error}") from None
    try:
        check_issue_date(spec.issued_on, today_in(spec.time_zone), spec.time_zone)
    except DomainError as error:
        raise BadInput(f"{path}: {error}") from None
    return spec


def load_response(path: Path) -> RecordResponse:
    return validate(RecordResponse, _read_mapping(path), str(path))


def load_action_plan(path: Path, *, received_on: date | None, today: date) -> SubmitActionPlan:
    """An action plan file: `responsible_official`, `target_completion_on`, `milestones`
    (each `{title, target_on}`), and optionally the `received_on` date of its letter.

    `received_on` (the command line's) wins over the file's; without either, `today`.
    """
    data = _read_mapping(path)
    file_received_on = data.pop("received_on", None)
    plan = validate(ActionPlan, data, str(path))
    return validate(SubmitActionPlan, {"received_on": received_on or file_received_on or today,
                                       "plan": plan}, str(path))


def load_status_update(path: Path, *, received_on: date | None, today: date) -> StatusUpdate:
    """A status update file: the fields of `StatusUpdate`; `received_on` as for plans."""
    data = _read_mapping(path)
    data["received_on"] = received_on or data.get("received_on") or today
    return validate(StatusUpdate, data, str(path))
