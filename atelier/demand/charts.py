"""Geometry for the demand page's server-rendered SVG charts (integers; the template draws
them, and a table beside each gives the same figures to screen readers)."""

from dataclasses import dataclass

from atelier.demand import rules

#: one colour per product line, in order (SVG presentation attributes, no inline style)
PALETTE = ("#1f6f8b", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#2c3e50", "#b7950b", "#7f8c8d")
WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 640, 240, 40, 12, 28
PLOT_W, PLOT_H = WIDTH - LEFT - 12, HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Line:
    """One product's weekly sales as a polyline."""

    name: str
    colour: str
    points: str
    counts: list[int]
    total: int


@dataclass(frozen=True)
class LineChart:
    """Weekly sales per product: lines, the y-axis top and the week ticks."""

    lines: list[Line]
    top: int
    ticks: list[tuple[int, int]]  # (y, value)
    weeks: int


def weekly_chart(series: dict[str, list[int]], weeks: int) -> LineChart:
    """Lines for {product name: counts per week}, all on one scale."""
    top = max([max(counts) for counts in series.values()] + [1])
    step_x = PLOT_W // max(weeks - 1, 1)
    lines = []
    for index, (name, counts) in enumerate(sorted(series.items())):
        points = " ".join(
            f"{LEFT + k * step_x},{TOP + PLOT_H - count * PLOT_H // top}"
            for k, count in enumerate(counts)
        )
        lines.append(Line(name, PALETTE[index % len(PALETTE)], points, counts, sum(counts)))
    ticks = [(TOP + PLOT_H - v * PLOT_H // top, v) for v in sorted({0, top // 2, top})]
    return LineChart(lines, top, ticks, weeks)


@dataclass(frozen=True)
class Box:
    """One product's days on the shelf: whiskers min–max, box q1–q3, the median."""

    name: str
    y: int
    x_min: int
    x_q1: int
    x_median: int
    x_q3: int
    x_max: int
    low: int
    q1: int
    median: int
    q3: int
    high: int
    count: int


BOX_H, BOX_GAP, BOX_LABEL = 18, 14, 130


def shelf_boxes(histograms: dict[str, dict[int, int]]) -> tuple[list[Box], int, int]:
    """Boxes for {product name: {days: pieces sold after that many days}}; returns the
    boxes, the largest day (the scale) and the chart's height."""
    largest = max([max(h) for h in histograms.values() if h] + [1])
    width = WIDTH - BOX_LABEL - 20

    def x(days: int) -> int:
        return BOX_LABEL + max(days, 0) * width // largest

    boxes, y = [], TOP
    for name, counts in sorted(histograms.items()):
        if not counts:
            continue
        low, high = min(counts), max(counts)
        q1 = rules.quantile_of_counts(counts, 0.25)
        q3 = rules.quantile_of_counts(counts, 0.75)
        median = rules.median_of_counts(counts)
        boxes.append(
            Box(
                name,
                y,
                x(low),
                x(q1),
                x(int(median)),
                x(q3),
                x(high),
                low,
                q1,
                median,
                q3,
                high,
                sum(counts.values()),
            )
        )
        y += BOX_H + BOX_GAP
    return boxes, largest, y + BOTTOM
