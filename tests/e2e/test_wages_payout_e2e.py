"""End-to-end: the coordinator's month starts with one row per maker, names who has no bank
details, and the bank file goes out without them only when she says so."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from atelier.wages import services
from atelier.wages.models import Payee
from tests import factories as f
from tests.e2e.conftest import screenshot, sign_in_page

pytestmark = pytest.mark.e2e


def test_the_month_shows_who_cannot_be_paid_by_bank(laptop, world, db, app):
    """March: Elena (IBAN kept) and Ana (none). The summary table comes first with ✓ and ✗;
    each maker's lines stay closed until asked for; once closed, the bank file is offered
    only after choosing to pay Ana by hand."""
    ana = f.make_beneficiary(world.sites["ORA"], world.programmes["STEP"], display_name="Ana")
    for day in range(2, 20):
        f.make_item(world.tote, ana, made_on=date(2026, 3, day))
    db.session.add(
        Payee(beneficiary_id=world.elena.id, account_holder="Elena", iban="NL91ABNA0417164300")
    )
    db.session.commit()
    sign_in_page(laptop, world.users["admin"])
    laptop.goto("/admin/wages/2026-03")
    table = laptop.locator("table.wages-summary")
    expect(table).to_be_visible()
    assert table.bounding_box()["y"] < 900, "the summary starts on the first screen"
    expect(laptop.locator(f"tr[data-maker='{ana.maker_code}'] [data-bank='no']")).to_be_visible()
    expect(
        laptop.locator(f"tr[data-maker='{world.elena.maker_code}'] [data-bank='yes']")
    ).to_be_visible()
    lines = laptop.locator(f"#maker-{ana.maker_code} table")
    expect(lines).to_be_hidden()
    laptop.locator(f"#maker-{ana.maker_code} summary").click()
    expect(lines).to_be_visible()
    screenshot(laptop, "wages-preview-summary-laptop")
    with app.test_request_context():
        services.close_period("2026-03", None, world.users["admin"], on=date(2026, 4, 2))
    db.session.commit()
    laptop.reload()
    expect(
        laptop.get_by_role("heading", name="1 maker with money due has no bank details")
    ).to_be_visible()
    expect(laptop.get_by_role("link", name="Bank transfers (CSV)")).to_have_count(0)
    laptop.get_by_role("link", name="Leave them out and pay them by hand").click()
    by_hand = laptop.locator(".wages-by-hand")
    expect(by_hand).to_contain_text("Ana")
    expect(by_hand).to_contain_text("RON\xa0180.00")
    with laptop.expect_download() as download:
        laptop.get_by_role("link", name="Bank transfers without them (CSV)").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert world.elena.maker_code in body and ana.maker_code not in body
    screenshot(laptop, "wages-closed-by-hand-laptop")
    assert laptop.js_errors == []
