"""The one way Atelier opens an XLSX workbook: in memory, and never turning a cell's text into
a formula, a link or a number (a name or remark typed as ``=...`` stays text)."""

import xlsxwriter

SAFE_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def workbook(buffer) -> xlsxwriter.Workbook:
    """A workbook writing into ``buffer`` that keeps every string as text."""
    return xlsxwriter.Workbook(buffer, SAFE_OPTIONS)
