"""Loading memo and response files (YAML or JSON) into validated domain models."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from cli.errors import BadInput, describe_validation_error
from domain.deadlines import check_time_zone
from domain.followup import ActionPlan, StatusUpdate
from domain.memo import MemoSpec, RecordResponse
from domain.recommendation import SubmitActionPlan

Model = TypeVar("Model", bound=BaseModel)


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BadInput(f"{path}: cannot read file ({error.strerror})") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        first_line = str(error).splitlines()[0]
        raise BadInput(f"{path}: not valid {path.suffix.lstrip('.') or 'YAML'}: {first_line}") \
            from None
    if not isinstance(data, dict):
        raise BadInput(f"{path}: expected a mapping of fields at the top level")
    return data


def validate(model: type[Model], data: dict[str, Any], source: str) -> Model:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise BadInput(f"{source}: {describe_validation_error(error)}") from None


def load_memo(path: Path) -> MemoSpec:
    spec = validate(MemoSpec, _read_mapping(path), str(path))
    try:
        check_time_zone(spec.time_zone)
    except ValueError as error:
        raise BadInput(f"{path}: time_zone: {error}") from None
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
