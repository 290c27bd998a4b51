"""Reading an uploaded or local memo, response or plan document (YAML or JSON) safely.

The CLI (cli.files) and the dashboard's upload (api.dashboard.issue_routes) both go
through `parse_mapping`: a document is refused, in one message naming it, when it is
larger than the domain's document limit, not UTF-8, not valid YAML/JSON, nested too
deeply, not a mapping, or when a mapping names the same key twice (YAML and JSON parsers
otherwise keep the last one silently).
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from app.errors import Invalid
from domain.limits import document_size_problem

MERGE_TAG = "tag:yaml.org,2002:merge"


def _refused(message: str) -> Invalid:
    return Invalid(message, field="file")


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


def parse_mapping(raw: bytes, *, name: str, json_format: bool) -> dict[str, Any]:
    """The document's top-level mapping; Invalid (field `file`, the message starting with
    `name`) when it cannot be one."""
    too_big = document_size_problem(len(raw))
    if too_big:
        raise _refused(f"{name}: file is {too_big}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _refused(f"{name}: not UTF-8 (byte 0x{raw[error.start]:02x} at offset "
                       f"{error.start})") from None
    kind = "JSON" if json_format else "YAML"
    try:
        data = (json.loads(text, object_pairs_hook=unique_json_object) if kind == "JSON"
                else yaml.load(text, UniqueKeyLoader))
    except DuplicateKey as error:
        raise _refused(f"{name}: {error}") from None
    except RecursionError:
        raise _refused(f"{name}: not valid {kind}: nested too deeply") from None
    except (ValueError, yaml.YAMLError) as error:  # JSONDecodeError is a ValueError
        first_line = str(error).splitlines()[0]
        raise _refused(f"{name}: not valid {kind}: {first_line}") from None
    if not isinstance(data, dict):
        raise _refused(f"{name}: expected a mapping of fields at the top level")
    return data
