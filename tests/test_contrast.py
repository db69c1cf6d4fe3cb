"""Text colours that axe cannot check itself (text drawn inside the charts' SVG) meet WCAG AA:
at least 4.5:1 against every background a chart is drawn on."""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parent.parent / "static" / "css"
#: the page and the panel a chart sits on (``--paper`` and ``--card`` in app.css)
BACKGROUNDS = ("#fbf8f4", "#ffffff")


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rgb or #rrggbb colour."""
    hexa = colour.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    channels = [int(hexa[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _chart_text_fills() -> list[tuple[str, str]]:
    """(rule, fill colour) for every chart text rule in the stylesheets."""
    found = []
    for sheet in CSS.glob("*.css"):
        for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", sheet.read_text()):
            fill = re.search(r"(?<![-\w])fill:\s*(#[0-9a-fA-F]{3,6})", body)
            if fill and re.search(r"chart-(label|value|axis|text)", selector):
                found.append((f"{sheet.name}: {selector.strip()}", fill.group(1)))
    return found


def test_menu_links_are_readable_on_the_brand_colour():
    """The top menu's white links (a strip that scrolls sideways when it is long, where axe
    cannot see every link) on the brand colour are at least 4.5:1."""
    css = (CSS / "app.css").read_text()
    brand = re.search(r"--brand:\s*(#[0-9a-fA-F]{6})", css).group(1)
    ink = re.search(r"--brand-ink:\s*(#[0-9a-fA-F]{6})", css).group(1)
    assert contrast(ink, brand) >= 4.5


def test_contrast_formula():
    """Black on white is 21:1; the same colour is 1:1."""
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#777777", "#777777") == pytest.approx(1)


def test_chart_text_is_readable_on_every_chart_background():
    """Every chart label and value colour is at least 4.5:1 on the page and on a panel."""
    fills = _chart_text_fills()
    assert fills, "no chart text colours found in static/css"
    weak = [
        f"{rule} {fill} on {bg}: {contrast(fill, bg):.2f}:1"
        for rule, fill in fills
        for bg in BACKGROUNDS
        if contrast(fill, bg) < 4.5
    ]
    assert not weak, "chart text below 4.5:1:\n" + "\n".join(weak)
