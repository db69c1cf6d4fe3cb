"""The funders' table (pillar, indicator, target, result, remarks) as shown, CSV and XLSX."""

import csv
import io

from flask_babel import gettext as _

from atelier.indicators import rules
from atelier.spreadsheets import safe_cell, whole_number, workbook


def headings() -> list[str]:
    """The column headings, as in the annual report."""
    return [_("Pillar"), _("Indicator"), _("Target"), _("Result"), _("Remarks")]


def table(report, suppress: bool = False) -> list[list[str]]:
    """The report's rows as text cells, exactly as the page shows them."""
    return [
        [row.pillar, row.label, "" if row.target is None else str(row.target), text, row.remarks]
        for row, text in zip(report.rows, results_shown(report, suppress), strict=True)
    ]


def results_shown(report, suppress: bool = False) -> list[str]:
    """Each report row's result as shown: with suppression, small counts as "<5" and, where
    one small count could be worked out from the total and its siblings, one more as "*"."""

    def cell(row) -> tuple[int | None, int | None]:
        return (row.site.id if row.site else None, row.programme.id if row.programme else None)

    def hide(key: str) -> set:
        on_show = {cell(r): r.result for r in report.rows if r.key == key}
        every = {**on_show, **report.results.cells.get(key, {})}
        return rules.hidden_cells(every, suppress, shown=on_show)

    hidden = {key: hide(key) for key in {r.key for r in report.rows}}
    return [
        rules.display_value(row.key, row.result, suppress, cell(row) in hidden[row.key])
        for row in report.rows
    ]


#: the columns holding figures (target, result): numbers, never text
FIGURES = (2, 3)


def to_csv(report, suppress: bool = False) -> str:
    """The table as CSV; a cell starting with = + - @ gets a leading quote (never a formula)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headings()])
    for row in table(report, suppress):
        writer.writerow([safe_cell(cell, figure=col in FIGURES) for col, cell in enumerate(row)])
    return out.getvalue()


def to_xlsx(report, suppress: bool = False) -> bytes:
    """The table as an XLSX workbook; whole numbers as numbers, everything else as text."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet(str(report.year))
    bold = book.add_format({"bold": True, "bottom": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for col, heading in enumerate(headings()):
        sheet.write_string(0, col, heading, bold)
    for r, cells in enumerate(table(report, suppress), start=1):
        for col, cell in enumerate(cells):
            number = whole_number(cell) if col in FIGURES else None
            if number is not None:
                sheet.write_number(r, col, number)
            else:
                sheet.write_string(r, col, cell, wrap if col == 4 else None)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 48)
    sheet.set_column(2, 3, 10)
    sheet.set_column(4, 4, 60)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
