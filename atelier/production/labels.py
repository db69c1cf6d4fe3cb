"""Label sheets: A4 PDF, a grid of labels, each with a vector QR code, code, name, price."""

import io
from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from atelier.pdf import register_fonts

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
#: a fixed mask pattern: choosing the "best" of the 8 by penalty scoring was 85 % of the
#: time of a label sheet; every reader decodes any mask (the format bits name it), and
#: level M error correction leaves a margin for a worn label
MASK = 2


@dataclass(frozen=True)
class Grid:
    """Columns and rows of labels on an A4 sheet, and the sheet's margins."""

    columns: int = 3
    rows: int = 8
    margin: float = 5 * mm
    padding: float = 2 * mm

    def cell(self) -> tuple[float, float]:
        """Width and height of one label in points."""
        width, height = A4
        return ((width - 2 * self.margin) / self.columns, (height - 2 * self.margin) / self.rows)


def check_grid(columns: int, rows: int) -> dict[str, str]:
    """Field errors for a grid: 1–5 columns, 1–12 rows, so a QR stays scannable."""
    errors = {}
    if type(columns) is not int or not 1 <= columns <= 5:
        errors["columns"] = "from 1 to 5"
    if type(rows) is not int or not 1 <= rows <= 12:
        errors["rows"] = "from 1 to 12"
    return errors


def qr_builder() -> qrcode.QRCode:
    """A QR builder, reused for every code of one sheet (not shared between threads)."""
    return qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, mask_pattern=MASK)


def qr_matrix(url: str, builder: qrcode.QRCode | None = None) -> list[list[bool]]:
    """The QR module matrix for ``url``, quiet zone included (True = dark)."""
    code = builder or qr_builder()
    code.clear()
    code.version = None  # fit the smallest version again for this URL
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def qr_runs(matrix) -> str:
    """PDF path operators for the dark modules, one rectangle per horizontal run, in module
    units with the origin at the bottom-left of the code."""
    size = len(matrix)
    ops = []
    for r, row in enumerate(matrix):
        y = size - 1 - r
        c, n = 0, len(row)
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            ops.append(f"{start} {y} {c - start} 1 re")
    return "\n".join(ops)


def draw_qr(canvas: Canvas, matrix, x: float, y: float, size: float) -> None:
    """Draw the matrix as vector rectangles, one per horizontal run of dark modules, filled
    as a single path (one PDF fill per code instead of one drawing call per run)."""
    module = size / len(matrix)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.addLiteral(f"q {module:.4f} 0 0 {module:.4f} {x:.3f} {y:.3f} cm\n{qr_runs(matrix)}\nf Q")


def _draw_label(
    canvas: Canvas,
    label,
    url: str,
    x: float,
    y: float,
    w: float,
    h: float,
    grid: Grid,
    fonts: tuple[str, str],
    builder: qrcode.QRCode,
) -> None:
    """One label with its top-left corner at (x, y + h)."""
    regular, bold = fonts
    pad = grid.padding
    qr_size = min(h - 2 * pad, w * 0.5)
    draw_qr(canvas, qr_matrix(url, builder), x + pad, y + (h - qr_size) / 2, qr_size)
    text_x = x + 2 * pad + qr_size
    text_w = max(w - qr_size - 3 * pad, 10)
    cursor = y + h - pad - 11
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(bold, 10)
    canvas.drawString(text_x, cursor, label.code)
    canvas.setFont(regular, 8.5)
    for line in simpleSplit(label.product_name, regular, 8.5, text_w)[:3]:
        cursor -= 11
        canvas.drawString(text_x, cursor, line)
    if label.price_text:
        canvas.setFont(bold, 10)
        canvas.drawString(text_x, y + pad + 2, label.price_text)


def render_labels(labels, base_url: str, grid: Grid | None = None, title: str = "") -> bytes:
    """The PDF of a label sheet (as many pages as needed) for ``labels`` (LabelData)."""
    grid = grid or Grid()
    fonts = register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title or "Labels")
    canvas.setAuthor("Atelier")
    _width, height = A4
    cell_w, cell_h = grid.cell()
    per_page = grid.columns * grid.rows
    builder = qr_builder()
    for index, label in enumerate(labels):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        row, col = divmod(slot, grid.columns)
        x = grid.margin + col * cell_w
        y = height - grid.margin - (row + 1) * cell_h
        _draw_label(
            canvas, label, f"{base_url}/t/{label.tag}", x, y, cell_w, cell_h, grid, fonts, builder
        )
    if not labels:
        canvas.setFont(fonts[0], 12)
        canvas.drawString(grid.margin, height - grid.margin - 12, "—")
    canvas.showPage()
    canvas.save()
    return out.getvalue()
