"""The camera scanner's server side: which reader the page may load, and the CSP it needs."""

from flask import url_for

from atelier.config import ROOT
from atelier.security import extend_csp

#: the camera polyfill, copied from npm by ``make assets``; scan fields work without it
POLYFILL = ROOT / "static" / "vendor" / "barcode-detector" / "ponyfill.js"


def camera_reader() -> dict | None:
    """The polyfill's and its WebAssembly's addresses, or None when not vendored.

    Called by the ``camera_button`` macro: a page that shows a camera button, and only such
    a page, has its CSP widened so the polyfill may compile zxing's WebAssembly.
    """
    if not POLYFILL.exists():
        return None
    extend_csp("script-src", "'wasm-unsafe-eval'")
    return {
        "polyfill_url": url_for("static", filename="vendor/barcode-detector/ponyfill.js"),
        "wasm_url": url_for("static", filename="vendor/zxing-wasm/zxing_reader.wasm"),
    }


def register(app) -> None:
    """Make ``camera_reader()`` a template global."""
    app.add_template_global(camera_reader, "camera_reader")
