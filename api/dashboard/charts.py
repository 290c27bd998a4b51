"""Horizontal bar charts as data for inline SVG: the geometry is computed here, the
template (charts.html) only draws it. Each bar and segment carries a <title>."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from store.report_models import AgingBucket, ConcurrenceRate

WIDTH = 520
LABEL_WIDTH = 110
VALUE_WIDTH = 140
ROW_HEIGHT = 26
BAR_HEIGHT = 18
TOP = 8
PLOT_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    css: str
    title: str


@dataclass(frozen=True)
class Row:
    label: str
    note: str  # drawn after the bar
    y: float
    segments: tuple[Segment, ...]

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT * 0.75

    @property
    def end(self) -> float:
        return max((s.x + s.width for s in self.segments), default=LABEL_WIDTH)


@dataclass(frozen=True)
class Chart:
    ident: str
    title: str
    description: str
    rows: tuple[Row, ...]
    legend: tuple[tuple[str, str], ...] = ()  # (css class, text)
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return TOP * 2 + ROW_HEIGHT * max(len(self.rows), 1)


def _y(index: int) -> float:
    return TOP + index * ROW_HEIGHT


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def aging_chart(buckets: Sequence[AgingBucket]) -> Chart:
    """One bar per bucket, lengths proportional to the largest count."""
    top = max((b.count for b in buckets), default=0) or 1
    rows = []
    for index, bucket in enumerate(buckets):
        label = f"{bucket.bucket} days"
        text = f"{label} since issue: {_plural(bucket.count, 'open recommendation')}"
        width = PLOT_WIDTH * bucket.count / top
        rows.append(Row(label=label, note=str(bucket.count), y=_y(index), segments=(
            Segment(x=LABEL_WIDTH, width=width, css="bar-aging", title=text),)))
    total = sum(b.count for b in buckets)
    description = (f"{_plural(total, 'open recommendation')} by days since issue: "
                   + ", ".join(f"{b.bucket}: {b.count}" for b in buckets))
    return Chart(ident="aging", title="Open recommendations by age", rows=tuple(rows),
                 description=description)


CONCURRENCE_PARTS = (("concurred", "bar-concurred", "concurred"),
                     ("partially_concurred", "bar-partial", "partially concurred"),
                     ("non_concurred", "bar-non", "non-concurred"))


def concurrence_chart(rates: Sequence[ConcurrenceRate]) -> Chart:
    """One stacked bar per component (concurred, partially, non-concurred), each the
    full width: the shares of the answers received."""
    rows = []
    for index, rate in enumerate(rates):
        x = float(LABEL_WIDTH)
        segments = []
        for field, css, words in CONCURRENCE_PARTS:
            count: int = getattr(rate, field)
            if count == 0:
                continue
            width = PLOT_WIDTH * count / rate.answered
            share = round(100 * count / rate.answered)
            segments.append(Segment(x=x, width=width, css=css, title=(
                f"{rate.component}: {count} of {rate.answered} {words} ({share}%)")))
            x += width
        note = f"{round(100 * rate.concurrence_rate)}% concur, n={rate.answered}"
        rows.append(Row(label=rate.component, note=note, y=_y(index),
                        segments=tuple(segments)))
    description = "; ".join(
        f"{r.component}: {r.concurred} concurred, {r.partially_concurred} partially, "
        f"{r.non_concurred} non-concurred" for r in rates) or "no answers received yet"
    return Chart(ident="concurrence", title="Concurrence by component", rows=tuple(rows),
                 description=description,
                 legend=tuple((css, words) for _, css, words in CONCURRENCE_PARTS))
