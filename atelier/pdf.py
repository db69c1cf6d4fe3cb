"""Shared PDF set-up: an embedded font that has Romanian and Cyrillic letters."""

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from atelier.config import ROOT

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
_FONT_DIR = ROOT / "static" / "fonts"


def register_fonts() -> tuple[str, str]:
    """Register (once) and return the regular and bold font names for ReportLab."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (FONT, FONT_BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(_FONT_DIR / f"{name}.ttf")))
    return FONT, FONT_BOLD
