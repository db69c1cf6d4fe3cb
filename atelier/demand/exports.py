"""The demand table as shown, as CSV and as XLSX, never a formula (atelier.spreadsheets)."""

import csv
import io

from flask_babel import gettext as _

from atelier.spreadsheets import safe_cell, workbook

#: the text columns; every other column is a whole number
TEXT_COLUMNS = (0, 1)


def headings() -> list[str]:
    """The column headings."""
    return [
        _("Shop"),
        _("Product"),
        _("Received"),
        _("Sold"),
        _("Returned"),
        _("On hand"),
        _("In transit"),
        _("Sell-through") + " (%)",
        _("Median days on the shelf"),
        _("On hand 0–4 weeks"),
        _("On hand 4–8 weeks"),
        _("On hand 8–12 weeks"),
        _("On hand 12+ weeks"),
    ]


def percent(bp: int) -> str:
    """Basis points as a percentage with one decimal, half-up: 3333 → 33.3, 6667 → 66.7."""
    whole, tenths = divmod((bp + 5) // 10, 10)
    return f"{whole}.{tenths}"


def cells(row) -> list:
    """One demand row's cells: text, then numbers (None where there is no median)."""
    median = row.median_days_on_shelf
    return [
        row.shop_name,
        row.product_name,
        row.received,
        row.sold,
        row.returned,
        row.on_hand,
        row.in_transit,
        percent(row.sell_through_bp),
        "" if median is None else median,
        *[row.aged[key] for key in ("0_4", "4_8", "8_12", "12_plus")],
    ]


def to_csv(rows) -> str:
    """CSV; a text cell starting with = + - @ gets a leading quote (never a formula)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headings()])
    for row in rows:
        writer.writerow(
            [safe_cell(c, figure=i not in TEXT_COLUMNS) for i, c in enumerate(cells(row))]
        )
    return out.getvalue()


def to_xlsx(rows, title: str) -> bytes:
    """XLSX; numbers as numbers, text as text, never a formula."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True, "bottom": 1})
    for col, heading in enumerate(headings()):
        sheet.write_string(0, col, heading, bold)
    for r, row in enumerate(rows, start=1):
        for col, cell in enumerate(cells(row)):
            if isinstance(cell, int | float) and col not in TEXT_COLUMNS:
                sheet.write_number(r, col, cell)
            else:
                sheet.write_string(r, col, str(cell))
    sheet.set_column(0, 1, 24)
    sheet.set_column(2, 12, 12)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
