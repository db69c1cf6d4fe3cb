"""The annual Results report: a layout per year, figures, computed rows, PDF/DOCX/XLSX."""
