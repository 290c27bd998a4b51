"""The benchmark's one table, and the files written from it: JSON, Markdown and a PNG.

Every row is rectrack's figure, the baseline measured in the same run, and their ratio
(rectrack / baseline). A target is either on the ratio (`at_least(0.8)`: at least 80 % of
the raw figure) or on rectrack's own figure (`at_most(2.0)`: a p95 of at most 2 s); the
chart shows every row's ratio on a log scale with its target in the same terms (for a
figure target, the target divided by the baseline), green when met, red when not.
"""

from __future__ import annotations

import json
import math
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display (before pyplot is imported)
import matplotlib.pyplot as plt


@dataclass(frozen=True)
class Target:
    on: str  # "ratio" (rectrack / baseline at least `value`) or "figure" (at most `value`)
    value: float

    def describe(self, unit: str) -> str:
        if self.on == "ratio":
            return f"ratio >= {self.value:g}"
        return f"<= {self.value:g} {unit}"


def at_least(ratio: float) -> Target:
    return Target("ratio", ratio)


def at_most(figure: float) -> Target:
    return Target("figure", figure)


@dataclass
class Row:
    name: str
    unit: str
    figure: float
    baseline: float
    baseline_label: str
    target: Target | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.figure / self.baseline if self.baseline else math.nan

    @property
    def met(self) -> bool | None:
        if self.target is None or math.isnan(self.figure):
            return None
        if self.target.on == "ratio":
            return self.ratio >= self.target.value
        return self.figure <= self.target.value

    @property
    def target_ratio(self) -> float | None:
        """The target in ratio terms, for the chart."""
        if self.target is None:
            return None
        if self.target.on == "ratio":
            return self.target.value
        return self.target.value / self.baseline if self.baseline else None

    def cells(self) -> list[str]:
        met = {None: "", True: "yes", False: "NO"}[self.met]
        return [self.name, f"{_num(self.figure)} {self.unit}",
                f"{_num(self.baseline)} {self.unit}", self.baseline_label,
                f"{self.ratio:.2f}", self.target.describe(self.unit) if self.target else "",
                met]


def _num(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"


HEADERS = ["row", "rectrack", "baseline", "baseline is", "ratio", "target", "met?"]


def text_table(rows: list[Row]) -> str:
    lines = [HEADERS] + [row.cells() for row in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
           for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for row in rows:
        cells = row.cells()
        cells[-1] = {"yes": "yes", "NO": "**no**", "": ""}[cells[-1]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def write(out: Path, stem: str, rows: list[Row], meta: dict[str, Any],
          checks: dict[str, Any]) -> dict[str, Path]:
    """`<stem>.json`, `<stem>.md` and `<stem>.png` in `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    meta = {**meta, "python": platform.python_version(), "machine": platform.machine()}
    paths = {kind: out / f"{stem}.{kind}" for kind in ("json", "md", "png")}
    document = {"meta": meta, "checks": checks, "rows": [
        {**asdict(row), "ratio": row.ratio, "met": row.met,
         "target": asdict(row.target) if row.target else None} for row in rows]}
    paths["json"].write_text(json.dumps(document, indent=2, default=str) + "\n")
    command = meta.get("command", "")
    paths["md"].write_text(
        f"# rectrack benchmark, {meta.get('date', '')}\n\n"
        f"`{command}` ({meta.get('seconds', 0):.0f} s; levers: "
        f"{meta.get('levers') or 'none'})\n\n{markdown_table(rows)}\n\n"
        f"![ratios]({paths['png'].name})\n")
    chart(rows, paths["png"], title=f"rectrack / baseline, {meta.get('date', '')}"
          + (" (quick)" if meta.get("quick") else ""))
    return paths


def chart(rows: list[Row], path: Path, *, title: str) -> None:
    """Horizontal bars of each row's ratio (log scale) with its target marked."""
    shown = [r for r in rows if r.ratio > 0 and not math.isnan(r.ratio)]
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(shown) + 1.6), dpi=110)
    names = [r.name for r in shown][::-1]
    ratios = [r.ratio for r in shown][::-1]
    colours = [{True: "#4c9a2a", False: "#c0392b", None: "#8c8c8c"}[r.met]
               for r in shown][::-1]
    ax.barh(names, ratios, color=colours)
    for y, row in enumerate(shown[::-1]):
        target = row.target_ratio
        if target is not None and target > 0:
            ax.plot([target, target], [y - 0.42, y + 0.42], color="black", linewidth=2)
        ax.text(row.ratio, y, f" {row.ratio:.2f}", va="center", fontsize=8)
    ax.axvline(1.0, color="#555555", linewidth=0.8, linestyle="--")
    ax.set_xscale("log")
    ax.set_xlabel("rectrack / baseline, log scale: right is better for rates (/s), left for "
                  "times and sizes.\nBlack tick: target; green met, red not, grey no target")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
