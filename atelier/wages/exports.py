"""Exports of a closed month: bank transfers (CSV) and the accountant's summary (XLSX)."""

import csv
import io
from collections.abc import Collection
from decimal import Decimal

from atelier.money import format_cents
from atelier.spreadsheets import safe_cell, workbook
from atelier.wages.rules import KINDS
from atelier.wages.services import PeriodView


def amount(cents: int) -> str:
    """Minor units as a plain decimal string: 1493 → ``14.93``."""
    return format_cents(cents, "").strip()


def bank_csv(
    view: PeriodView, payees: dict[int, tuple[str, str]], leave_out: Collection[str] = ()
) -> str:
    """One transfer per maker with a positive total; ``payees`` gives holder and IBAN.
    The makers in ``leave_out`` (maker codes: no bank details, paid by hand) are left out."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["maker_code", "account_holder", "iban", "amount", "currency", "reference"])
    for slip in view.slips:
        if slip.total_cents <= 0 or slip.maker_code in leave_out:
            continue
        holder, iban = payees.get(slip.beneficiary_id, ("", ""))
        cells = (
            slip.maker_code,
            holder,
            iban,
            amount(slip.total_cents),
            view.currency,
            f"Atelier {view.period} {slip.maker_code}",
        )
        writer.writerow([safe_cell(cell) for cell in cells])
    return out.getvalue()


def summary_xlsx(view: PeriodView) -> bytes:
    """A sheet per month: one row per maker, a column per kind of line, and a total row."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet(view.period)
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "0.00"})
    sheet.write_string(0, 0, f"Atelier payroll {view.period} ({view.status})", bold)
    rates = ", ".join(f"{c} {r}" for c, r in sorted(view.rates.items())) or "-"
    sheet.write_string(1, 0, f"Currency {view.currency}; rates {rates}")
    header = ["maker_code", "display_name", *KINDS, "total"]
    for col, title in enumerate(header):
        sheet.write_string(3, col, title, bold)
    sums = dict.fromkeys(KINDS, 0)
    row = 4
    for slip in view.slips:
        sheet.write_string(row, 0, slip.maker_code)
        sheet.write_string(row, 1, slip.display_name)
        for col, kind in enumerate(KINDS, start=2):
            cents = sum(x.amount_cents or 0 for x in slip.lines if x.kind == kind)
            sums[kind] += cents
            sheet.write_number(row, col, Decimal(cents) / 100, money)
        sheet.write_number(row, len(header) - 1, Decimal(slip.total_cents) / 100, money)
        row += 1
    sheet.write_string(row, 1, "total", bold)
    for col, kind in enumerate(KINDS, start=2):
        sheet.write_number(row, col, Decimal(sums[kind]) / 100, money)
    sheet.write_number(row, len(header) - 1, Decimal(view.total_cents) / 100, money)
    sheet.set_column(0, 1, 18)
    sheet.set_column(2, len(header) - 1, 13)
    book.close()
    return buffer.getvalue()
