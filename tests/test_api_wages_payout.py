"""The month can be paid: bank details by API, who is missing them, and the bank file that
refuses to go out without them unless the coordinator leaves those makers out."""

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.wages import services
from atelier.wages.models import Payee
from tests import factories as f
from tests.conftest import bearer, sign_in
from tests.refusals import api_error, error_page

NL_IBAN = "NL91ABNA0417164300"


@pytest.fixture
def march(world, db, app):  # noqa: ARG001 - the app is set up first
    """March 2026: Elena made two pieces (20.00), Ana one (10.00); Oksana nothing."""
    ana = f.make_beneficiary(world.sites["ORA"], world.programmes["STEP"], display_name="Ana")
    f.make_item(world.tote, ana, made_on=date(2026, 3, 4))
    db.session.commit()
    return ana


def close_march(app, world, db):
    """Close March 2026 as the coordinator."""
    with app.test_request_context():
        services.close_period("2026-03", None, world.users["admin"], on=date(2026, 4, 2))
    db.session.commit()


def payees(db) -> dict[int, str]:
    """Stored IBANs by beneficiary id."""
    return dict(db.session.execute(sa.select(Payee.beneficiary_id, Payee.iban)).all())


def test_put_payee_stores_and_replaces(client, world, db):
    """The coordinator sets Elena's bank details by API, then corrects them."""
    admin = bearer(world.users["admin"])
    url = f"/api/v1/beneficiaries/{world.elena.maker_code}/payee"
    put = client.put(
        url, json={"account_holder": "Elena P", "iban": "nl91 abna 0417 1643 00"}, headers=admin
    )
    assert put.status_code == 200
    assert put.get_json() == {
        "beneficiary": world.elena.maker_code,
        "account_holder": "Elena P",
        "iban": NL_IBAN,
    }
    again = client.put(
        url, json={"account_holder": "Elena", "iban": "DE89370400440532013000"}, headers=admin
    )
    assert again.status_code == 200
    assert payees(db) == {world.elena.id: "DE89370400440532013000"}


@pytest.mark.parametrize(
    "iban", ["NL92ABNA0417164300", "NL91ABNA041716430", "XX91ABNA0417164300", "", "x" * 80]
)
def test_put_payee_refuses_a_bad_iban_and_keeps_the_old(client, world, db, iban):
    """A wrong check digit, a wrong length for the country, an unknown country: 400
    ``fields.iban``, and the bank details kept before are unchanged."""
    db.session.add(Payee(beneficiary_id=world.elena.id, account_holder="Elena", iban=NL_IBAN))
    db.session.commit()
    refused = client.put(
        f"/api/v1/beneficiaries/{world.elena.maker_code}/payee",
        json={"account_holder": "Elena", "iban": iban},
        headers=bearer(world.users["admin"]),
    )
    assert refused.status_code == 400
    assert "iban" in refused.get_json()["error"]["fields"]
    assert payees(db) == {world.elena.id: NL_IBAN}


def test_put_payee_is_for_the_coordinator_only(client, world, db):
    """A supervisor may not set where a maker's pay goes; an unknown maker is 404."""
    body = {"account_holder": "Elena", "iban": NL_IBAN}
    url = f"/api/v1/beneficiaries/{world.elena.maker_code}/payee"
    api_error(
        client.put(url, json=body, headers=bearer(world.users["supervisor"])), 403, "forbidden"
    )
    unknown = client.put(
        "/api/v1/beneficiaries/NOPE99/payee", json=body, headers=bearer(world.users["admin"])
    )
    api_error(unknown, 404, "not_found")
    assert payees(db) == {}


def test_pay_period_lists_makers_with_money_due_and_no_bank_details(client, world, db, march):
    """The preview names Elena and Ana (money due, no IBAN); once Elena's is set, only Ana.
    Oksana, with nothing due, is never listed."""
    admin = bearer(world.users["admin"])
    body = client.get("/api/v1/pay-periods/2026-03", headers=admin).get_json()
    assert body["missing_bank_details"] == sorted([world.elena.maker_code, march.maker_code])
    db.session.add(Payee(beneficiary_id=world.elena.id, account_holder="Elena", iban=NL_IBAN))
    db.session.commit()
    body = client.get("/api/v1/pay-periods/2026-03", headers=admin).get_json()
    assert body["missing_bank_details"] == [march.maker_code]


@pytest.mark.usefixtures("db", "march")
def test_bank_file_of_an_open_month_is_409(client, world):
    """Only a closed month can be paid; nothing is recorded as sent."""
    response = client.get(
        "/api/v1/pay-periods/2026-03/bank-transfers.csv", headers=bearer(world.users["admin"])
    )
    api_error(response, 409, "conflict")
    sent = sa.select(sa.func.count()).where(AuditEntry.action == "wages.bank_transfers")
    assert f.db.session.scalar(sent) == 0


def test_bank_file_refuses_while_bank_details_are_missing(client, world, db, march, app):
    """Closed, Ana has no IBAN: 409 naming her, nothing recorded as sent; with
    ``skip_missing=1`` the file pays Elena only, and Ana is left for payment by hand."""
    db.session.add(Payee(beneficiary_id=world.elena.id, account_holder="Elena", iban=NL_IBAN))
    db.session.commit()
    close_march(app, world, db)
    admin = bearer(world.users["admin"])
    url = "/api/v1/pay-periods/2026-03/bank-transfers.csv"
    refused = client.get(url, headers=admin)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "missing_bank_details"
    assert march.maker_code in error["message"] and list(error["fields"]) == [march.maker_code]
    sent = sa.select(sa.func.count()).where(AuditEntry.action == "wages.bank_transfers")
    assert db.session.scalar(sent) == 0
    closed = client.get("/api/v1/pay-periods/2026-03", headers=admin).get_json()
    assert closed["status"] == "closed" and closed["missing_bank_details"] == [march.maker_code]
    done = client.get(url + "?skip_missing=1", headers=admin)
    assert done.status_code == 200 and done.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(done.get_data(as_text=True))))
    assert rows[1:] == [
        [
            world.elena.maker_code,
            "Elena",
            NL_IBAN,
            "20.00",
            "RON",
            f"Atelier 2026-03 {world.elena.maker_code}",
        ]
    ]
    assert db.session.scalar(sent) == 1


def test_bank_file_with_every_iban_needs_no_skipping(client, world, db, march, app):
    """Everyone paid by bank: one row per maker with a positive total, in name order."""
    db.session.add_all(
        [
            Payee(beneficiary_id=world.elena.id, account_holder="Elena", iban=NL_IBAN),
            Payee(beneficiary_id=march.id, account_holder="Ana", iban="RO49AAAA1B31007593840000"),
        ]
    )
    db.session.commit()
    close_march(app, world, db)
    done = client.get(
        "/api/v1/pay-periods/2026-03/bank-transfers.csv", headers=bearer(world.users["admin"])
    )
    rows = list(csv.reader(io.StringIO(done.get_data(as_text=True))))
    assert [(r[1], r[3]) for r in rows[1:]] == [("Ana", "10.00"), ("Elena", "20.00")]


def test_pages_name_the_missing_and_leave_them_out_only_when_asked(client, world, db, march, app):
    """The preview and the closed page list Ana with a link to add her bank details; the
    page's download refuses until the coordinator chooses to pay her by hand."""
    db.session.add(Payee(beneficiary_id=world.elena.id, account_holder="Elena", iban=NL_IBAN))
    db.session.commit()
    sign_in(client, world.users["admin"])
    preview = client.get("/admin/wages/2026-03").get_data(as_text=True)
    add_link = f"/admin/wages/payees?maker_code={march.maker_code}"
    assert "1 maker with money due has no bank details" in preview and add_link in preview
    assert f'data-maker="{march.maker_code}"' in preview and 'data-bank="no"' in preview
    close_march(app, world, db)
    page = client.get("/admin/wages/2026-03").get_data(as_text=True)
    assert add_link in page and "bank-transfers.csv" not in page
    error_page(client.get("/admin/wages/2026-03/bank-transfers.csv"), 409)
    by_hand = client.get("/admin/wages/2026-03?skip_missing=1").get_data(as_text=True)
    assert "To pay by hand" in by_hand
    section = by_hand.split("To pay by hand", 1)[1].split("</section>", 1)[0]
    assert "Ana" in section and "Elena" not in section
    assert "bank-transfers.csv?skip_missing=1" in by_hand
    csv_body = client.get("/admin/wages/2026-03/bank-transfers.csv?skip_missing=1")
    assert csv_body.status_code == 200 and march.maker_code not in csv_body.get_data(as_text=True)
    form = client.get(add_link).get_data(as_text=True)
    assert f'value="{march.maker_code}"' in form
