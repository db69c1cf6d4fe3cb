"""The one spreadsheet guard: no cell of a CSV or XLSX download is ever run as a formula.

A CSV cell is text that a spreadsheet program reads and may run: :func:`safe_cell` gives one
starting with ``= + - @``, a tab or a carriage return a leading quote (a figure such as -3
stays a number). An XLSX cell has a type: :func:`workbook` writes every string as a string
cell (never a formula, a link or a number), so a name or remark typed as ``=...`` stays text,
as typed."""

import xlsxwriter

#: spreadsheet programs run a CSV cell that starts with one of these as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

SAFE_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def workbook(buffer) -> xlsxwriter.Workbook:
    """A workbook writing into ``buffer`` that keeps every string as text."""
    return xlsxwriter.Workbook(buffer, SAFE_OPTIONS)


def whole_number(text: str) -> int | None:
    """A figure cell (target, result) as an int, negatives included; None if it is not one."""
    body = text[1:] if text.startswith("-") else text
    return int(text) if body.isdigit() else None


def safe_cell(value, figure: bool = False) -> str:
    """A CSV cell that no spreadsheet will run as a formula: text starting with
    ``= + - @``, tab or CR gets a leading quote. In a ``figure`` column a whole number
    (-3: more returns than sales) is written as it is, a number."""
    text = "" if value is None else str(value)
    if figure and whole_number(text) is not None:
        return text
    return "'" + text if text.startswith(FORMULA_START) else text
