"""Size limits on what people type in, defined once (README, "Limits and bounds").

Everything a memo, response, plan or command carries ends up in a workflow's payloads,
and Temporal refuses payloads over 2 MB (4 MB per gRPC message). Without limits a 10 MB
title is only refused by the server, as an outage; with them it is refused as bad input,
naming the field and the limit. The CLI and the API read documents of at most
`MAX_DOCUMENT_BYTES`: a memo's workflow holds its text about twice (the spec and each
recommendation's state), which keeps a full memo well under Temporal's limit.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_TITLE_CHARS = 500  # a memo's title
MAX_NAME_CHARS = 200  # names: component, office, people, milestones, evidence titles
MAX_TEXT_CHARS = 10_000  # a recommendation's text, rationales, reasons, justifications
MAX_URI_CHARS = 2_000  # evidence and publication URIs, webhooks, email addresses
MAX_RECOMMENDATIONS = 1_000  # per memo (and so per response)
MAX_ITEMS = 200  # milestones per plan, evidence items and milestones done per update
MAX_CONTACTS = 50  # contact roles per memo
MAX_DOCUMENT_BYTES = 512 * 1024  # one memo, response or plan file / API request body

Title = Annotated[str, Field(min_length=1, max_length=MAX_TITLE_CHARS)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS)]
OptionalText = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]  # may be empty, or None
Uri = Annotated[str, Field(min_length=1, max_length=MAX_URI_CHARS)]
# A clock name: "action_plan", ..., or "milestone:" and a milestone's title.
ClockName = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS + 20)]


def document_size_problem(size: int) -> str | None:
    """Why a document of `size` bytes is refused, or None if it is not."""
    if size > MAX_DOCUMENT_BYTES:
        return (f"larger than the limit of {MAX_DOCUMENT_BYTES} bytes "
                f"({MAX_DOCUMENT_BYTES // 1024} KiB)")
    return None
