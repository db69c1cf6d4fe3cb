"""Geometry for the server-rendered SVG charts (integers only; the template draws them)."""

from dataclasses import dataclass

from atelier.indicators import exports, rules

WIDTH = 420
LABEL_H = 20
BAR_H = 16
GAP = 14
BAR_FULL = 340


@dataclass(frozen=True)
class Bar:
    """One bar pair: a row's target and result, with their text."""

    label: str
    y: int
    target_w: int | None
    result_w: int
    target_text: str
    result_text: str


@dataclass(frozen=True)
class Chart:
    """A target-against-result chart for one indicator."""

    key: str
    title: str
    bars: list[Bar]
    height: int


@dataclass(frozen=True)
class Column:
    """One year's column in a year-on-year chart."""

    year: int
    x: int
    y: int
    height: int
    text: str


YOY_W, YOY_H, YOY_TOP, YOY_COL = 300, 160, 20, 56


def target_charts(report, suppress: bool = False, total_label: str = "Total") -> list[Chart]:
    """One chart per indicator, a bar pair per report row of that indicator."""
    charts = []
    shown = dict(zip(map(id, report.rows), exports.results_shown(report, suppress), strict=True))
    for indicator_key in rules.KEYS:
        rows = [r for r in report.rows if r.key == indicator_key]
        scale = 100 if rules.UNITS[indicator_key] == "hours" else 1
        largest = max([r.result for r in rows] + [(r.target or 0) * scale for r in rows] + [1])
        bars, y = [], 0
        for row in rows:
            target_w = (
                None
                if row.target is None
                else rules.bar_length(row.target * scale, largest, BAR_FULL)
            )
            label = total_label if row.is_total else row.label
            text = shown[id(row)]
            # a hidden count draws no bar: its length would give the count away
            hidden = text != rules.display_value(row.key, row.result)
            result_w = 0 if hidden else rules.bar_length(row.result, largest, BAR_FULL)
            bars.append(
                Bar(
                    label,
                    y,
                    target_w,
                    result_w,
                    "" if row.target is None else str(row.target),
                    text,
                )
            )
            y += LABEL_H + 2 * BAR_H + GAP
        charts.append(
            Chart(indicator_key, rows[0].label if rows else indicator_key, bars, max(y, 1))
        )
    return charts


def year_columns(key: str, series: list[tuple[int, int]], suppress: bool = False) -> list[Column]:
    """Columns for the year-on-year chart of one indicator's totals."""
    largest = max([v for _, v in series] + [1])
    full = YOY_H - YOY_TOP - 24
    columns = []
    for i, (year, value) in enumerate(series):
        text = rules.display_value(key, value, suppress)
        # a hidden count draws no column: its height would give the count away
        height = (
            0 if text != rules.display_value(key, value) else rules.bar_length(value, largest, full)
        )
        x = 20 + i * (YOY_COL + 30)
        columns.append(Column(year, x, YOY_TOP + full - height, height, text))
    return columns
