"""End-to-end: the till's camera button reads a QR tag from Chromium's fake camera.

Chromium plays a Y4M file as the camera (``--use-file-for-fake-video-capture``); Debian's
headless Chromium has no native BarcodeDetector, so this drives the self-hosted
barcode-detector polyfill and its zxing WebAssembly under the till page's CSP.
"""

from contextlib import contextmanager

import pytest
import qrcode
from playwright.sync_api import expect

from atelier.config import ROOT
from atelier.extensions import db
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, VIEWPORTS, screenshot, sign_in_page
from tests.factories import make_item

pytestmark = pytest.mark.e2e

VENDOR = ROOT / "static" / "vendor"


def write_y4m(path, text: str, size: int = 480, frames: int = 5) -> None:
    """A short 4:2:0 Y4M video whose every frame shows a QR code of ``text``."""
    image = qrcode.make(text, border=4).get_image().convert("RGB").resize((size, size))
    y, cb, cr = image.convert("YCbCr").split()
    half = (size // 2, size // 2)
    frame = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{size} H{size} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + frame)


#: records every camera stream the page opens, so a test can see that each one was stopped
TRACK_STREAMS = """
window.__streams = [];
const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (constraints) =>
  original(constraints).then((stream) => { window.__streams.push(stream); return stream; });
"""
LIVE_TRACKS = (
    "() => window.__streams.flatMap((s) => s.getTracks())"
    ".filter((t) => t.readyState === 'live').length"
)


def wait_for_live_tracks(page, count: int) -> None:
    """Wait (up to the page's timeout) until exactly ``count`` camera tracks are live: a
    camera is stopped, or started, by the page's script a moment after what triggers it."""
    page.wait_for_function(f"() => ({LIVE_TRACKS})() === {count}")


@contextmanager
def camera_page(browser, live_server, tmp_path, text: str, user):
    """A phone page signed in as ``user`` whose (fake) camera shows a QR code of ``text``."""
    if not (VENDOR / "barcode-detector" / "ponyfill.js").exists():
        pytest.skip(
            "static/vendor is missing: run `make assets` (npm ci, then python -m atelier.assets)"
        )
    video = tmp_path / "qr.y4m"
    write_y4m(video, text)
    # a browser of its own: the fake camera is chosen when Chromium starts
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_FLAGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = launched.new_context(
            base_url=live_server, locale="en-GB", permissions=["camera"], **VIEWPORTS["phone"]
        )
        context.set_default_timeout(15_000)
        context.add_init_script(TRACK_STREAMS)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.js_errors = errors
        sign_in_page(page, user)
        yield page
        context.close()
    finally:
        launched.close()


def test_camera_scans_a_qr_tag_into_the_sale(browser, live_server, world, tmp_path):
    """Tap Camera: the QR on the (fake) camera becomes a line in the sale."""
    piece = make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
    db.session.commit()
    with camera_page(
        browser, live_server, tmp_path, f"https://atelier.test/t/{piece.tag}", world.users["shop"]
    ) as page:
        page.goto("/till/AMS")
        page.get_by_role("button", name="Camera").click()
        expect(page.locator("#lines li")).to_have_count(1, timeout=20_000)
        expect(page.locator("#lines li")).to_contain_text(piece.code)
        screenshot(page, "till-phone-camera")
        assert page.js_errors == []
