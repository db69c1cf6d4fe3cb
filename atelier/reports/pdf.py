"""The Results report as a PDF: A4, a table per pillar (Target | Results | Remarks) and a
bar chart of target against result per pillar, in the embedded DejaVu font."""

import io
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from atelier.pdf import register_fonts
from atelier.reports import rules

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
REMARK_SIZE = 8
PAD = 3
#: column widths in points: label, figures…, remarks (the rest)
LABEL, FIGURE = 58 * mm, 17 * mm
TARGET_COLOUR, RESULT_COLOUR = colors.HexColor("#9aa7b8"), colors.HexColor("#7a2e5b")


def widths(compare: bool = False) -> list[float]:
    """The table's column widths: label, two or four figure columns, remarks."""
    figures = 4 if compare else 2
    label = LABEL - (8 * mm if compare else 0)
    return [label] + [FIGURE] * figures + [WIDTH - label - FIGURE * figures]


def remark_width(compare: bool = False) -> float:
    """The width in points a remark's lines may take in the PDF."""
    return widths(compare)[-1] - 2 * PAD


def remark_lines(text: str, compare: bool = False) -> list[str]:
    """A remark broken into the lines the PDF prints (the page shows the same lines)."""
    font, _bold = register_fonts()
    out: list[str] = []
    for paragraph in (text or "").splitlines() or [""]:
        out.extend(simpleSplit(paragraph, font, REMARK_SIZE, remark_width(compare)) or [""])
    return out if any(out) else []


def headings(year: int, compare: bool) -> list[str]:
    """The table's heading row, as the annual report words it."""
    now = [_("Target"), _("Results")]
    if compare:
        before = [f"{_('Target')} {year - 1}", f"{_('Results')} {year - 1}"]
        now = [*before, f"{_('Target')} {year}", f"{_('Results')} {year}"]
    return ["", *now, _("Remarks")]


def figures_of(line, compare: bool) -> list:
    """A line's figure cells, in column order (None for blank)."""
    now = [line.target, line.result]
    return [line.previous_target, line.previous_result, *now] if compare else now


def _styles():
    font, bold = register_fonts()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=11)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=16, leading=20),
        "pillar": ParagraphStyle(
            "pillar", parent=base, fontName=bold, fontSize=12, leading=15, spaceBefore=8
        ),
        "row": ParagraphStyle("row", parent=base, fontName=bold),
        "part": ParagraphStyle("part", parent=base, leftIndent=4 * mm),
        "figure": ParagraphStyle("figure", parent=base, alignment=2),
        "remark": ParagraphStyle("remark", parent=base, fontSize=REMARK_SIZE, leading=10),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=8, leading=10),
        "head_figure": ParagraphStyle(
            "head_figure", parent=base, fontName=bold, fontSize=8, leading=10, alignment=2
        ),
        "note": ParagraphStyle("note", parent=base, fontSize=7, leading=9, textColor=colors.grey),
    }


def _table(pillar, report, styles) -> Table:
    """A pillar's table: heading row, then each row and its parts (indented)."""
    heads = headings(report.year, report.compare)
    data = [
        [
            Paragraph(escape(h), styles["head_figure" if 0 < i < len(heads) - 1 else "head"])
            for i, h in enumerate(heads)
        ]
    ]
    for line in pillar.lines:
        label = Paragraph(escape(line.label), styles["part" if line.level else "row"])
        cells = [
            Paragraph(escape(rules.text(v)), styles["figure"])
            for v in figures_of(line, report.compare)
        ]
        remark = "<br/>".join(escape(x) for x in remark_lines(line.remarks, report.compare))
        data.append([label, *cells, Paragraph(remark, styles["remark"])])
    table = Table(data, colWidths=widths(report.compare), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ]
        )
    )
    return table


def _chart(pillar) -> Drawing | None:
    """Target against result, a pair of bars per line with a number (None: nothing to draw)."""
    font, _bold = register_fonts()
    lines = [
        line
        for line in pillar.lines
        if rules.plain_number(line.target) is not None
        or rules.plain_number(line.result) is not None
    ]
    if not lines:
        return None
    height = 24 + 18 * len(lines)
    drawing = Drawing(WIDTH, height + 34)
    chart = HorizontalBarChart()
    chart.x, chart.y = 62 * mm, 20
    chart.width, chart.height = WIDTH - 62 * mm - 10, height - 10
    # the first series is drawn lowest in each pair: results under their target
    chart.data = [
        [rules.plain_number(line.result) for line in reversed(lines)],
        [rules.plain_number(line.target) for line in reversed(lines)],
    ]
    chart.categoryAxis.categoryNames = [
        ("   " if line.level else "")
        + (line.label[:38] + "…" if len(line.label) > 39 else line.label)
        for line in reversed(lines)
    ]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor, chart.bars[1].fillColor = RESULT_COLOUR, TARGET_COLOUR
    chart.bars.strokeColor = None
    chart.barLabelFormat = "%g"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 62 * mm, height + 30
    legend.fontName, legend.fontSize = font, 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx = legend.dy = 7
    legend.deltax = 70
    legend.strokeColor = None
    legend.colorNamePairs = [(TARGET_COLOUR, _("Target")), (RESULT_COLOUR, _("Results"))]
    drawing.add(legend)
    return drawing


def render(report) -> bytes:
    """The report as PDF bytes."""
    styles = _styles()
    buffer = io.BytesIO()
    title = f"{report.programme_name} · {_('Results')} {report.year}"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=report.programme_name,
    )
    story = [Paragraph(escape(title), styles["title"]), Spacer(1, 4 * mm)]
    if report.suppress:
        story.append(Paragraph(escape(_("Counts under 5 are shown as <5.")), styles["note"]))
    for pillar in report.pillars:
        story.append(Paragraph(escape(pillar.name), styles["pillar"]))
        story.append(_table(pillar, report, styles))
        chart = _chart(pillar)
        if chart is not None:
            story.append(Spacer(1, 3 * mm))
            story.append(KeepTogether([chart]))
        story.append(Spacer(1, 4 * mm))
    if not report.pillars:
        story.append(Paragraph(escape(_("No report layout for this year yet.")), styles["note"]))
    doc.build(story)
    return buffer.getvalue()
