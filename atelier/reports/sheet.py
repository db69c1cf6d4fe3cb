"""The Results report as one XLSX sheet: pillar header rows, figures as numbers, remarks as
text (a remark starting with "=" stays text: never a formula)."""

import io

from flask_babel import gettext as _

from atelier.reports import pdf, rules
from atelier.spreadsheets import workbook


def render(report) -> bytes:
    """The report as XLSX bytes."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet(str(report.year))
    title = book.add_format({"bold": True, "font_size": 14})
    pillar_fmt = book.add_format({"bold": True, "font_size": 12, "bg_color": "#EDE4EA"})
    head = book.add_format({"bold": True, "bottom": 1})
    row_fmt = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    part_fmt = book.add_format({"italic": True, "indent": 1, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    figure = book.add_format({"valign": "top"})
    headings = pdf.headings(report.year, report.compare)
    last = len(headings) - 1
    sheet.write_string(0, 0, f"{report.programme_name} · {_('Results')} {report.year}", title)
    r = 2
    for pillar in report.pillars:
        sheet.write_string(r, 0, pillar.name, pillar_fmt)
        for col in range(1, last + 1):
            sheet.write_blank(r, col, None, pillar_fmt)
        r += 1
        for col, heading in enumerate(headings):
            sheet.write_string(r, col, heading, head)
        r += 1
        for line in pillar.lines:
            sheet.write_string(r, 0, line.label, part_fmt if line.level else row_fmt)
            for col, value in enumerate(pdf.figures_of(line, report.compare), start=1):
                number = rules.plain_number(value)
                if number is not None:
                    sheet.write_number(r, col, number, figure)
                elif value is not None:
                    sheet.write_string(r, col, rules.text(value), figure)
            if line.remarks:
                sheet.write_string(r, last, line.remarks, wrap)
            r += 1
        r += 1
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, last - 1, 11)
    sheet.set_column(last, last, 80)
    book.close()
    return buffer.getvalue()
