"""Building a domain command from plain inputs, with its business date defaulted.

Every action takes its command's fields as a mapping (what a command line or a request
body gives); a business date left out (None) is today in the memo's office time zone.
Values failing the command's own rules are Invalid, naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.errors import Invalid
from domain.limits import document_size_problem

Command = TypeVar("Command", bound=BaseModel)


def build(model: type[Command], fields: Mapping[str, Any] | BaseModel | None, *,
          source: str | None = None, **defaults: Any) -> Command:
    """`model` from `fields`, each of `defaults` filled in where `fields` has none;
    `source` (e.g. `closure`, a file name) starts an Invalid message when given."""
    if isinstance(fields, BaseModel):
        data = fields.model_dump(exclude_none=True)
    else:
        data = dict(fields or {})
    for name, value in defaults.items():
        if data.get(name) is None and value is not None:
            data[name] = value
    prefix = f"{source}: " if source else ""
    try:
        command = model.model_validate(data)
    except ValidationError as error:
        field, message = describe(error)
        raise Invalid(prefix + message, field=field) from None
    # Measured again once parsed: YAML aliases can make a small file a large document.
    too_big = document_size_problem(len(command.model_dump_json()))
    if too_big:
        raise Invalid(f"{prefix}the document is {too_big}", field="body")
    return command


def describe(error: ValidationError) -> tuple[str | None, str]:
    """The first field at fault (dotted, e.g. `responses.0.rationale`) and one line."""
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"]) or None
    message = first["msg"].removeprefix("Value error, ")
    extra = f" ({error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return location, f"{location}: {message}{extra}" if location else f"{message}{extra}"
