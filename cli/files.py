"""Loading memo and response files (YAML or JSON) into validated domain models.

A file is refused, in one line naming it, when it is not UTF-8, larger than the domain's
document limit, not valid YAML/JSON, or when a mapping names the same key twice (YAML and
JSON parsers otherwise keep the last one silently).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

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
MERGE_TAG = "tag:yaml.org,2002:merge"


class DuplicateKey(ValueError):
    """A mapping names the same key twice."""


class UniqueKeyLoader(yaml.SafeLoader):
    """yaml's safe loader, refusing a mapping that names a key twice (at any depth)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:  # `<<: *base` may be overridden; not a duplicate
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
                seen.add(key)
            except TypeError:  # unhashable: the base class refuses it
                break
            if repeated:
                raise DuplicateKey(f"duplicate key {key!r} "
                                   f"(line {key_node.start_mark.line + 1})")
        return super().construct_mapping(node, deep=deep)


def unique_json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`json.loads`' object_pairs_hook: a JSON object naming a key twice is refused."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise DuplicateKey(f"duplicate key {key!r}")
        seen.add(key)
    return dict(pairs)


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BadInput(f"{path}: cannot read file ({error.strerror})") from None
    too_big = document_size_problem(len(raw))
    if too_big:
        raise BadInput(f"{path}: file is {too_big}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInput(f"{path}: not UTF-8 (byte 0x{raw[error.start]:02x} at offset "
                       f"{error.start})") from None
    kind = "JSON" if path.suffix.lower() == ".json" else "YAML"
    try:
        data = (json.loads(text, object_pairs_hook=unique_json_object) if kind == "JSON"
                else yaml.load(text, UniqueKeyLoader))
    except DuplicateKey as error:
        raise BadInput(f"{path}: {error}") from None
    except RecursionError:
        raise BadInput(f"{path}: not valid {kind}: nested too deeply") from None
    except (ValueError, yaml.YAMLError) as error:  # JSONDecodeError is a ValueError
        first_line = str(error).splitlines()[0]
        raise BadInput(f"{path}: not valid {kind}: {first_line}") from None
    if not isinstance(data, dict):
        raise BadInput(f"{path}: expected a mapping of fields at the top level")
    return data


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
