"""End-to-end: the coordinator enters a figure of the Results report on a laptop and
downloads the PDF, Word and Excel files."""

import io
from pathlib import Path

import docx
import openpyxl
import pytest
from playwright.sync_api import expect

from atelier.extensions import db
from atelier.reports import demo, figures, layouts
from tests import report_seed
from tests.e2e.conftest import screenshot, sign_in_page

pytestmark = pytest.mark.e2e


def test_enter_a_figure_and_download_the_three_files(laptop, world):
    """Type a result and a long remark for one row, save, see it wrap; download each file."""
    seed = report_seed.definitions()
    layouts.define(seed["year"], seed["pillars"])
    entered = report_seed.figures()["figures"]
    figures.enter(2022, [e for e in entered if e["row"] != "referrals"])
    db.session.commit()
    sign_in_page(laptop, world.users["admin"])
    laptop.goto("/reports/results?year=2022")
    expect(laptop.get_by_role("heading", name="Pillar 2")).to_be_visible()
    line = laptop.locator("#line-referrals")
    line.get_by_label("Target").fill("12")
    line.get_by_label("Results").fill("17")
    remark = (
        "Victims that were supported are young women residing in the north and east side of "
        "Romania, who were recruited in Romania and trafficked both internally and to other "
        "countries of destination."
    )
    line.get_by_label("Remarks").fill(remark)
    typed = line.locator(".rep-wrap-line")
    expect(line.locator(".rep-wrap-title")).to_have_text("In the PDF, as typed")
    as_typed = typed.all_inner_texts()
    line.get_by_role("button", name="Save").click()
    laptop.wait_for_load_state()
    line = laptop.locator("#line-referrals")
    expect(line.get_by_label("Results")).to_have_value("17")
    expect(line.get_by_label("Target")).to_have_value("12")
    wrapped = line.locator(".rep-wrap-line")
    assert wrapped.count() >= 2  # the long remark, as the PDF breaks it
    assert " ".join(wrapped.all_inner_texts()) == remark
    assert as_typed == wrapped.all_inner_texts()  # the preview while typing broke it the same
    line.scroll_into_view_if_needed()
    screenshot(laptop, "results-report-laptop")
    files = {}
    for name, kind in (
        ("Download PDF", "pdf"),
        ("Download Word", "docx"),
        ("Download Excel", "xlsx"),
    ):
        with laptop.expect_download() as info:
            laptop.get_by_role("link", name=name).click()
        download = info.value
        assert download.suggested_filename == f"results-2022.{kind}"
        files[kind] = Path(download.path()).read_bytes()
    assert files["pdf"].startswith(b"%PDF")
    table = docx.Document(io.BytesIO(files["docx"])).tables[1]
    assert [c.text for c in table.rows[6].cells][:3] == ["Referral cases", "12", "17"]
    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"])).active
    assert ["Referral cases", 12, 17, remark] in [[c.value for c in r] for r in sheet.iter_rows()]
    assert laptop.js_errors == []


def test_edit_the_layout_on_a_tablet(browser, live_server, world):
    """At 1024×768 the coordinator adds a row entered by hand below Pillar 1, with a part,
    and saves; the report then shows it. At 390 px the page does not scroll sideways."""

    layouts.define(None, demo.PILLARS)
    db.session.commit()
    context = browser.new_context(
        base_url=live_server, locale="en-GB", viewport={"width": 1024, "height": 768}
    )
    context.set_default_timeout(10_000)
    tablet = context.new_page()
    sign_in_page(tablet, world.users["admin"])
    tablet.goto("/reports/results?year=2026")
    tablet.get_by_role("link", name="Edit the layout").click()
    expect(tablet.get_by_role("heading", name="Report layout 2026")).to_be_visible()
    tablet.get_by_role("button", name="Add a row").first.click()
    new = tablet.locator("#new-entry")
    new.get_by_label("Label", exact=True).fill("Volunteers recruited")
    new.get_by_role("button", name="Add a part").click()
    tablet.locator("#new-entry").get_by_label("Label of the part").fill("Oradea")
    screenshot(tablet, "reports-layout-tablet")
    tablet.get_by_role("button", name="Save the layout").last.click()
    expect(tablet.locator(".flash-success")).to_contain_text("The layout is saved for 2026")
    tablet.goto("/reports/results?year=2026")
    expect(tablet.locator("#line-volunteers_recruited")).to_contain_text("Volunteers recruited")
    expect(tablet.locator("#line-volunteers_recruited-oradea")).to_contain_text("Oradea")
    tablet.set_viewport_size({"width": 390, "height": 844})
    tablet.goto("/reports/layout?year=2026")
    assert tablet.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    screenshot(tablet, "reports-layout-phone")
    context.close()
