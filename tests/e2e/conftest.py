"""End-to-end harness: the app served on 127.0.0.1, driven by Playwright in Debian's Chromium.

Tests skip, saying why, where Chromium or Playwright is missing; with
``ATELIER_REQUIRE_BROWSER=1`` (CI) they fail instead, so a green CI means they ran.
"""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from atelier.extensions import db
from tests.conftest import ARTIFACTS
from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORTS = {
    "tablet": {"viewport": {"width": 1280, "height": 800}, "has_touch": True},
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "has_touch": True,
        "is_mobile": True,
        "device_scale_factor": 2,
    },
    "laptop": {"viewport": {"width": 1440, "height": 900}},
}


def _unavailable(reason: str):
    if os.environ.get("ATELIER_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests are required here but cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(app):
    """The app served by a real HTTP server on a free loopback port, for the whole run."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium under Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        # late, so that a machine without playwright skips the browser tests
        from playwright.sync_api import expect, sync_playwright  # noqa: PLC0415
    except ImportError:
        _unavailable("playwright is not installed")
    expect.set_options(timeout=10_000)  # as the pages' own timeout: a slow CI machine is no bug
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    except Exception as exc:  # any launch failure means "cannot run here"
        playwright.stop()
        _unavailable(f"Chromium did not start: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


def _page(browser, kind: str, live_server: str):
    context = browser.new_context(base_url=live_server, locale="en-GB", **VIEWPORTS[kind])
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.js_errors = errors
    return context, page


@pytest.fixture
def tablet(browser, live_server, db):  # noqa: ARG001 - the database is set up first
    """A page in a 10-inch tablet viewport (1280×800, touch)."""
    context, page = _page(browser, "tablet", live_server)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server, db):  # noqa: ARG001 - the database is set up first
    """A page in a small phone viewport (360×740, touch)."""
    context, page = _page(browser, "phone", live_server)
    yield page
    context.close()


@pytest.fixture
def laptop(browser, live_server, db):  # noqa: ARG001 - the database is set up first
    """A page in a laptop viewport (1440×900)."""
    context, page = _page(browser, "laptop", live_server)
    yield page
    context.close()


def sign_in_page(page, user, password: str = PASSWORD) -> None:
    """Sign in through the real sign-in page, as a person would."""
    db.session.commit()
    page.goto("/sign-in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():  # the signed-in page, not the sign-in page still showing
        page.get_by_role("button", name="Sign in").click()


def screenshot(page, name: str, full_page: bool = True) -> str:
    """Keep a screenshot in tests/artifacts/ and return its path: the whole page, or only
    what the viewport shows (``full_page=False``: what a person sees without scrolling)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return str(path)
