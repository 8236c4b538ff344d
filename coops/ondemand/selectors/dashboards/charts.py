"""Bar charts laid out on the server and drawn as SVG by `_chart_bars.html`: each bar
has a title, the chart a text description and a data table (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str  # the value as people read it
    x: float
    y: float
    width: float
    height: float
    show_label: bool


@dataclass(frozen=True)
class Chart:
    """A bar chart laid out in a `width` × `height` SVG box (see _chart_bars.html)."""

    bars: list[Bar]
    max_text: str
    width: int = 600
    height: int = 220
    left: int = 8
    bottom: int = 190

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def bar_chart(rows: list[tuple[str, int, str]]) -> Chart:
    """Lay out `rows` of (label, value ≥ 0, value as text) as bars, a label every few
    bars so they never overlap."""
    width, top, bottom, left, right = 600, 16, 190, 8, 592
    count = max(len(rows), 1)
    slot = (right - left) / count
    highest = max([row[1] for row in rows] + [1])
    every = max(1, -(-count // 10))
    bars = []
    for i, (label, value, text) in enumerate(rows):
        height = (bottom - top) * value / highest
        bars.append(
            Bar(
                label=label,
                value=value,
                text=text,
                x=round(left + i * slot + slot * 0.1, 2),
                y=round(bottom - height, 2),
                width=round(slot * 0.8, 2),
                height=round(height, 2),
                show_label=i % every == 0 or i == count - 1,
            )
        )
    top_text = next((row[2] for row in rows if row[1] == highest), "")
    return Chart(bars=bars, max_text=top_text, width=width)


def histogram(
    values: list[Decimal], edges: tuple[int, ...], unit: str
) -> list[tuple[str, int, str]]:
    """How many values fall in each [edge, next edge) bucket, the last one open."""
    rows = []
    for i, low in enumerate(edges):
        high = edges[i + 1] if i + 1 < len(edges) else None
        n = sum(1 for v in values if v >= low and (high is None or v < high))
        label = f"{low}–{high} {unit}" if high is not None else f"≥ {low} {unit}"
        rows.append((label, n, str(n)))
    return rows
