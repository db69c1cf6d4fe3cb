"""The one spreadsheet guard (atelier.spreadsheets): no downloaded cell is a formula."""

import io

import openpyxl
import pytest

from atelier.spreadsheets import safe_cell, whole_number, workbook

RISKY = ("=1+1", "+31 6", "-2", "@SUM(A1)", "\tx", "\rx")


@pytest.mark.parametrize("risky", RISKY)
def test_a_csv_cell_never_starts_a_formula(risky):
    """= + - @, tab and CR get a leading quote, in a figure column too."""
    assert safe_cell(risky) == "'" + risky
    if risky != "-2":
        assert safe_cell(risky, figure=True) == "'" + risky


def test_other_text_and_figures_are_written_as_they_are():
    """Plain text is untouched, None is blank, a negative whole figure stays a number."""
    assert safe_cell("Offered to all") == "Offered to all"
    assert safe_cell(None) == ""
    assert safe_cell(12, figure=True) == "12"
    assert safe_cell("-3", figure=True) == "-3"
    assert safe_cell("-3") == "'-3"
    assert safe_cell("-3.5", figure=True) == "'-3.5"
    assert whole_number("-3") == -3 and whole_number("12.5") is None and whole_number("") is None


def test_an_xlsx_string_is_text_as_typed():
    """A workbook from workbook(): every string, formula-like or not, is a string cell."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet()
    for col, risky in enumerate((*RISKY, "https://x.example", "12")):
        sheet.write(0, col, risky)
    book.close()
    cells = next(openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())
    # openpyxl leaves the CR as XLSX stores it (_x000D_); Excel reads it back as CR
    assert [c.value for c in cells] == [*RISKY[:5], "_x000D_x", "https://x.example", "12"]
    assert {c.data_type for c in cells} == {"s"}
