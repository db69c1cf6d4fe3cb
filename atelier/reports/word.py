"""The Results report as a Word document: a real table per pillar, to paste into the
annual report (A4, header row, parts indented, widths that fit the page)."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from flask_babel import gettext as _

from atelier.reports import pdf, rules

MARGIN = Mm(20)
#: usable width on A4 between 20 mm margins
WIDTH_MM = 170


def widths(compare: bool) -> list[Mm]:
    """Column widths that add up to the page's usable width."""
    figures = 4 if compare else 2
    label, figure = (52 if compare else 60), 16
    return [Mm(label)] + [Mm(figure)] * figures + [Mm(WIDTH_MM - label - figure * figures)]


def _repeat_header(row) -> None:
    """Mark a table row as a heading row, repeated on each page Word breaks the table on."""
    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _cell(cell, text: str, width, *, bold=False, italic=False, indent=False, right=False):
    """Write one cell's text with its width and formatting."""
    cell.width = width
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(9)
    if indent:
        paragraph.paragraph_format.left_indent = Mm(4)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def render(report) -> bytes:
    """The report as DOCX bytes."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    document.add_heading(f"{report.programme_name} · {_('Results')} {report.year}", level=1)
    if report.suppress:
        document.add_paragraph(_("Counts under 5 are shown as <5."))
    cols = widths(report.compare)
    for pillar in report.pillars:
        document.add_heading(pillar.name, level=2)
        table = document.add_table(rows=1, cols=len(cols))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        head = table.rows[0]
        _repeat_header(head)
        for i, heading in enumerate(pdf.headings(report.year, report.compare)):
            _cell(head.cells[i], heading, cols[i], bold=True, right=0 < i < len(cols) - 1)
        for line in pillar.lines:
            cells = table.add_row().cells
            _cell(
                cells[0],
                line.label,
                cols[0],
                bold=not line.level,
                italic=bool(line.level),
                indent=bool(line.level),
            )
            for i, value in enumerate(pdf.figures_of(line, report.compare), start=1):
                _cell(cells[i], rules.text(value), cols[i], right=True)
            _cell(cells[-1], line.remarks, cols[-1])
        document.add_paragraph()
    if not report.pillars:
        document.add_paragraph(_("No report layout for this year yet."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
