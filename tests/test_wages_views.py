"""Wages pages: the coordinator's month, exports, payslips, bank details, a maker's page."""

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pypdfium2
import pytest
import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.timeutil import local_date
from atelier.wages import payees, services
from atelier.wages.models import Payee
from tests import factories as f
from tests.conftest import sign_in
from tests.refusals import error_page, row_counts


def close_march(client, world, rates=None):
    """Close March 2026 through the service, as the coordinator."""
    with client.application.test_request_context():
        services.close_period("2026-03", rates, world.users["admin"], on=date(2026, 4, 2))


@pytest.mark.usefixtures("db")
def test_period_page_shows_preview_lines_and_rates_form(client, world):
    """An open month shows each maker, each line traceable, and asks for the EUR rate."""
    f.make_sale(world.sites["AMS"], [world.item_shop])
    sign_in(client, world.users["admin"])
    page = client.get("/admin/wages/2026-03").get_data(as_text=True)
    assert "Elena" in page and world.elena.maker_code in page
    assert f"item #{world.item_atelier.id}" in page
    assert 'name="rate-EUR"' in page
    saved = client.post("/admin/wages/2026-03/rates", data={"rate-EUR": "4.9770"})
    assert saved.status_code == 302
    page = client.get("/admin/wages/2026-03").get_data(as_text=True)
    assert 'data-total-cents="3493"' in page


def test_close_from_the_page_and_refusal_message(client, world, db):
    """Closing asks for the missing rate first, then closes and offers the exports."""
    f.make_sale(world.sites["AMS"], [world.item_shop])
    db.session.add(
        Payee(beneficiary_id=world.elena.id, account_holder="Elena", iban="NL91ABNA0417164300")
    )
    db.session.commit()
    sign_in(client, world.users["admin"])
    refused = client.post("/admin/wages/2026-03/close", follow_redirects=True)
    assert "Exchange rates missing: EUR" in refused.get_data(as_text=True)
    client.post("/admin/wages/2026-03/rates", data={"rate-EUR": "4.9770"})
    done = client.post("/admin/wages/2026-03/close", follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "The month is closed" in text and "bank-transfers.csv" in text


def test_bank_csv_has_iban_and_no_formulas(client, world, db):
    """The bank export pays each positive total; a name starting with = is made text."""
    world.elena.display_name = "=HYPERLINK(1)"
    db.session.add(
        Payee(beneficiary_id=world.elena.id, account_holder="@Elena", iban="NL91ABNA0417164300")
    )
    close_march(client, world)
    db.session.commit()
    sign_in(client, world.users["admin"])
    response = client.get("/admin/wages/2026-03/bank-transfers.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["maker_code", "account_holder", "iban"]
    assert rows[1] == [
        world.elena.maker_code,
        "'@Elena",
        "NL91ABNA0417164300",
        "20.00",
        "RON",
        f"Atelier 2026-03 {world.elena.maker_code}",
    ]


def test_summary_xlsx_totals_and_text_cells(client, world, db):
    """The accountant's sheet has one row per maker and formula-like names as text."""
    world.elena.display_name = "=1+1"
    close_march(client, world)
    db.session.commit()
    sign_in(client, world.users["admin"])
    response = client.get("/admin/wages/2026-03/summary.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    assert rows[0] == [
        "maker_code",
        "display_name",
        "piece",
        "sales_share",
        "stipend",
        "adjustment",
        "total",
    ]
    assert rows[1][1] == "=1+1" and rows[1][-1] == 20  # the name as typed, a text cell
    assert sheet.cell(5, 2).data_type == "s"


@pytest.mark.usefixtures("db")
def test_exports_of_an_open_month_are_refused(client, world):
    """An open month has no exports yet: 409 with a clear page."""
    sign_in(client, world.users["admin"])
    error_page(client.get("/admin/wages/2026-03/bank-transfers.csv"), 409)


def test_payslip_pdf_in_her_language(client, world, db):
    """The coordinator downloads Elena's payslip in Romanian, the language she chose."""
    world.users["beneficiary"].locale = "ro"
    close_march(client, world)
    db.session.commit()
    sign_in(client, world.users["admin"])
    code = world.elena.maker_code
    page = client.get(f"/admin/wages/2026-03/payslips/{code}")
    assert page.status_code == 200 and 'data-total-cents="2000"' in page.get_data(as_text=True)
    response = client.get(f"/admin/wages/2026-03/payslips/{code}/pdf")
    assert response.mimetype == "application/pdf"
    text = pypdfium2.PdfDocument(response.data)[0].get_textpage().get_text_range()
    assert code in text and "Elena" in text and "2026" in text
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "wages.read")
        )
        >= 2
    )


def test_maker_sees_her_payslip_but_not_anothers(client, world, db):
    """Her payslip opens; another maker's is not reachable from her account."""
    f.make_item(world.tote, world.oksana, made_on=date(2026, 3, 5))
    close_march(client, world)
    db.session.commit()
    sign_in(client, world.users["beneficiary"])
    mine = client.get("/me/payslips/2026-03")
    assert mine.status_code == 200 and "Elena" in mine.get_data(as_text=True)
    assert "Oksana" not in mine.get_data(as_text=True)
    assert client.get("/me/payslips/2026-03/pdf").mimetype == "application/pdf"
    other = world.oksana.maker_code
    assert "Oksana" not in error_page(client.get(f"/admin/wages/2026-03/payslips/{other}"), 403)
    assert "Oksana" not in error_page(client.get("/admin/wages/2026-03"), 403)


@pytest.mark.usefixtures("db")
def test_my_earnings_page_shows_pieces_and_city_not_shop(client, world):
    """Her page: this month's total, her pieces, the city where one sold, no shop name."""
    today = services_today()
    f.make_item(world.tote, world.elena, made_on=today)
    sold = f.make_item(
        world.tote, world.elena, made_on=today, site=world.sites["AMS"], status="in_shop"
    )
    f.make_item(world.tote, world.oksana, made_on=today)
    f.make_sale(world.sites["AMS"], [sold], sold_at=datetime.now(UTC))
    sign_in(client, world.users["beneficiary"])
    page = client.get("/me/earnings").get_data(as_text=True)
    assert 'data-total-cents="2000"' in page
    assert "Amsterdam" in page and "Reshare" not in page
    assert "Oksana" not in page and world.oksana.maker_code not in page
    assert client.get("/me").get_data(as_text=True).count("/me/earnings") >= 1


@pytest.mark.usefixtures("db")
def test_my_pieces_are_grouped_by_product(client, world):
    """Twelve totes made this month are one line, "× 12", with their summed piece pay."""
    today = services_today()
    for _ in range(12):
        f.make_item(world.tote, world.elena, made_on=today)
    sign_in(client, world.users["beneficiary"])
    page = client.get("/me/earnings").get_data(as_text=True)
    assert page.count('data-sku="TOTE"') == 1
    assert "× 12" in page
    assert 'data-total-cents="12000"' in page  # 12 × the 10.00 RON piece rate


def test_bank_details_page_saves_and_refuses_bad_iban(client, world, db):
    """The coordinator stores a valid IBAN; a wrong one is refused naming the field."""
    sign_in(client, world.users["admin"])
    bad = client.post(
        "/admin/wages/payees",
        data={"maker_code": world.elena.maker_code, "account_holder": "Elena", "iban": "NL00XXXX"},
    )
    assert bad.status_code == 400 and "This IBAN is not valid." in bad.get_data(as_text=True)
    assert row_counts(Payee) == [0]
    good = client.post(
        "/admin/wages/payees",
        data={
            "maker_code": world.elena.maker_code,
            "account_holder": "Elena",
            "iban": "nl91 abna 0417 1643 00",
        },
    )
    assert good.status_code == 302
    assert db.session.scalar(sa.select(Payee.iban)) == "NL91ABNA0417164300"
    with client.application.test_request_context():
        assert payees.forget_payee(world.elena) is True
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payee)) == 0


def services_today():
    """Today in Bucharest (the payroll timezone of the tests)."""
    return local_date(datetime.now(UTC), "Europe/Bucharest")
