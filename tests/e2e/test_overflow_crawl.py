"""Every page of every role, in every language, fits the screen (no sideways scrolling), and
axe finds no accessibility violation, colour contrast included, at 390 and 1024 px.

The pages come from the authorization matrix (every GET page route a role may open), so a new
page is crawled as soon as it has its row there. Each page is loaded once per role and
language at a phone's width (390 px), then the viewport is widened to a 10" tablet (1024 px)
and a till PC (1280 px) and measured again: the page reflows as a person would see it.
A table kept in a scrolling ``.table-wrap`` box may scroll inside it; the page itself may not.
"""

import json
import os
from pathlib import Path

import pytest

from atelier.extensions import db
from tests.conftest import on_postgres
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD
from tests.test_authz_matrix import MATRIX, PUBLIC

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        on_postgres() and not os.environ.get("ATELIER_CRAWL_ON_POSTGRES"),
        reason="layout does not depend on the engine: the crawl runs once, on SQLite",
    ),
]

WIDTHS = (390, 1024, 1280)
LANGUAGES = ("en", "ro", "uk", "nl")
ROLES = ("public", "admin", "supervisor", "shop", "beneficiary")
#: what a browser downloads rather than shows
DOWNLOADS = (".pdf", ".csv", ".xlsx", ".docx", ".jpg", ".png", ".svg", ".json")

#: axe-core from npm (a dev dependency installed by ``make assets``), injected by the test only
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_WIDTHS = (390, 1024)
#: every rule axe has, colour contrast included; at the tablet's width a contrast axe could
#: not decide ("needs review": text over an image, clipped off screen…) fails too, but for
#: three kinds it can never decide: text drawn in a chart's SVG and the menu's links where the
#: strip scrolls (their colours are checked by tests/test_contrast.py), and the options of a
#: native multiple select (the browser's own)
AXE_RUN = """async (strict) => {
  const result = await axe.run(document, {resultTypes: ['violations', 'incomplete']});
  const undecidable = n => {
    const el = document.querySelector(n.target.join(' '));
    return !el || el.closest('svg, select, .mainnav') !== null;
  };
  const review = strict ? result.incomplete.filter(v => v.id === 'color-contrast')
    .map(v => ({...v, nodes: v.nodes.filter(n => !undecidable(n))}))
    .filter(v => v.nodes.length) : [];
  return result.violations.concat(review).map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' +
      (n.failureSummary || (n.any[0] || {}).message))}));
}"""

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _may_open(row, role: str) -> bool:
    """The matrix's rule: public rows for everyone; admin everywhere; else the listed roles."""
    if row.roles == PUBLIC:
        return True
    return role != "public" and (role == "admin" or role in row.roles)


def _page_urls(app, world, role: str) -> list[str]:
    """The GET pages ``role`` may open, with the matrix's example records filled in."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        row = MATRIX.get(rule.endpoint)
        if row is None or "GET" not in rule.methods or rule.endpoint.startswith("api."):
            continue
        if rule.endpoint in ("static", "auth.sign_in") or (
            row.methods and "GET" not in row.methods
        ):
            continue
        if not _may_open(row, role):
            continue
        url = row.url(world) if callable(row.url) else row.url
        if url.split("?")[0].endswith(DOWNLOADS):
            continue
        urls.append(url)
    db.session.commit()
    return urls


def _axe_violations(page, where: str, strict: bool) -> list[str]:
    """What axe finds wrong on the page as it is now (its width included); ``strict``: a
    contrast axe could not check counts as wrong."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(AXE_RUN, strict)
    return [f"{where}: axe {json.dumps(v, ensure_ascii=False)}" for v in found]


def _sign_in(page, user) -> None:
    """Sign in whatever the page's language (the labels are translated: use the fields)."""
    page.goto("/sign-in")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways(browser, live_server, app, world, role, lang):
    """390, 1024 and 1280 px wide, in English, Romanian, Ukrainian and Dutch: every page of
    every role is no wider than the screen; in English at 390 and 1024 px, axe finds nothing.
    (One case per role and language, so that parallel test workers share the crawl.)"""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make assets` (npm ci)")
    failures, visited, audited, not_pages = [], 0, 0, []
    urls = _page_urls(app, world, role)
    context = browser.new_context(
        base_url=live_server,
        locale=lang,
        viewport={"width": WIDTHS[0], "height": 844},
        bypass_csp=True,  # lets the test inject axe; the app's own pages keep their CSP
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    if role != "public":
        _sign_in(page, world.users[role])
    for url in urls:
        page.set_viewport_size({"width": WIDTHS[0], "height": 844})
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            not_pages.append(url)
            continue
        visited += 1
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 844})
            extra = page.evaluate(OVERFLOW)
            if extra > 1:
                name = f"overflow-{role}-{lang}-{width}-{url.strip('/').replace('/', '_')}"
                screenshot(page, name[:120])
                failures.append(f"{url} as {role} in {lang} at {width}px: {extra}px too wide")
            if lang == "en" and width in AXE_WIDTHS:
                audited += 1
                failures += _axe_violations(
                    page, f"{url} as {role} at {width}px", strict=width >= 1024
                )
    context.close()
    # most of what a role may open are pages (the rest: JSON answers, PDFs)
    assert visited >= 5 and visited > len(urls) // 2, (
        f"the crawl opened only {visited} of {len(urls)} pages; not pages: {not_pages}"
    )
    assert audited == (2 * visited if lang == "en" else 0)
    assert not failures, "pages wider than the screen, or with accessibility faults:\n" + "\n".join(
        failures
    )
