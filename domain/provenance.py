"""Provenance of changes that did not start in rectrack: imported backlog history.

Kept apart from domain.backlog (which builds on domain.memo) because the memo's own state
carries a `BacklogImport`, and every workflow update may carry an `Origin`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Origin(BaseModel):
    """Where an imported change came from: the file's name and its rows (1-based, the
    header being row 1 in CSV and XLSX, the line number in JSON Lines)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    origin: Literal["import"] = "import"
    file: str = Field(max_length=400)
    rows: list[int] = Field(min_length=1, max_length=10_000)

    def as_data(self) -> dict[str, object]:
        return self.model_dump(mode="json")


class BacklogImport(BaseModel):
    """How a memo entered rectrack from a backlog file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(max_length=400)
    rows: list[int] = Field(min_length=1, max_length=10_000)
    # Every ladder step whose notice instant is before this one belongs to the time before
    # rectrack: it is dropped, never caught up one by one.
    quiet_before: AwareDatetime
    # The one consolidated catch-up notice, at the notice hour of the next business day
    # (office time, computed by the importer: workflows cannot do time zones), listing
    # what is overdue before `catch_up_on`; None with `--quiet`.
    catch_up_on: date | None = None
    catch_up_at: AwareDatetime | None = None

    def origin(self, rows: list[int] | None = None) -> Origin:
        return Origin(file=self.file, rows=rows or self.rows)


__all__ = ["BacklogImport", "Origin"]
