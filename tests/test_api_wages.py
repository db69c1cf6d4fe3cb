"""Wages API: rates, the pay period preview and close, and a maker's own earnings."""

import threading
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from atelier.timeutil import local_date
from atelier.wages import services
from atelier.wages.models import Payslip
from tests import factories as f
from tests.conftest import bearer
from tests.refusals import api_error, row_counts


@pytest.fixture
def march_sale(world, db):  # noqa: ARG001 - the database is set up first
    """Elena's shop piece sold in Amsterdam on 10 March 2026 for 15.00 EUR."""
    return f.make_sale(world.sites["AMS"], [world.item_shop], prices=[1500])


@pytest.mark.usefixtures("march_sale")
def test_put_rates_then_preview_shows_the_converted_share(client, world):
    """The coordinator sets the EUR rate and sees each maker's lines and totals."""
    admin = bearer(world.users["admin"])
    put = client.put("/api/v1/exchange-rates/2026-03", json={"EUR": "4.9770"}, headers=admin)
    assert put.status_code == 200
    body = client.get("/api/v1/pay-periods/2026-03", headers=admin).get_json()
    assert body["status"] == "open" and body["currency"] == "RON"
    assert body["missing_rates"] == []
    slip = body["payslips"][0]
    assert slip["beneficiary"] == world.elena.maker_code
    assert [(x["kind"], x["amount_cents"]) for x in slip["lines"]] == [
        ("piece", 1000),
        ("piece", 1000),
        ("sales_share", 1493),
    ]
    assert slip["total_cents"] == sum(x["amount_cents"] for x in slip["lines"]) == 3493


@pytest.mark.usefixtures("march_sale")
def test_preview_without_rate_lists_it_missing(client, world):
    """A line without its rate has a null amount, is left out, and EUR is named."""
    body = client.get(
        "/api/v1/pay-periods/2026-03", headers=bearer(world.users["admin"])
    ).get_json()
    share = next(x for x in body["payslips"][0]["lines"] if x["kind"] == "sales_share")
    assert share["amount_cents"] is None
    assert body["missing_rates"] == ["EUR"]
    assert body["payslips"][0]["total_cents"] == 2000


@pytest.mark.usefixtures("march_sale")
def test_close_refuses_missing_rate_then_closes_then_409(client, world):
    """Close: 400 naming EUR, then 200 closed with the rate, then 409 a second time."""
    admin = bearer(world.users["admin"])
    refused = client.post("/api/v1/pay-periods/2026-03/close", json={}, headers=admin)
    assert refused.status_code == 400
    assert "exchange_rates.EUR" in refused.get_json()["error"]["fields"]
    closed = client.post(
        "/api/v1/pay-periods/2026-03/close",
        json={"exchange_rates": {"EUR": "4.9770"}},
        headers=admin,
    )
    assert closed.status_code == 200
    assert closed.get_json()["status"] == "closed"
    assert closed.get_json()["payslips"][0]["total_cents"] == 3493
    again = client.post("/api/v1/pay-periods/2026-03/close", json={}, headers=admin)
    api_error(again, 409, "period_closed")
    late_rate = client.put("/api/v1/exchange-rates/2026-03", json={"EUR": "5"}, headers=admin)
    api_error(late_rate, 409, "period_closed")
    frozen = client.get("/api/v1/pay-periods/2026-03", headers=admin).get_json()
    assert frozen["status"] == "closed" and frozen["payslips"][0]["total_cents"] == 3493


def test_closing_a_month_not_over_is_409(client, world):
    """The current month cannot be closed yet."""
    now = services_today()
    period = f"{now.year:04d}-{now.month:02d}"
    response = client.post(
        f"/api/v1/pay-periods/{period}/close", json={}, headers=bearer(world.users["admin"])
    )
    api_error(response, 409, "period_not_over")
    assert row_counts(Payslip) == [0]


@pytest.mark.parametrize(
    ("url", "method", "body"),
    [
        ("/api/v1/pay-periods/2026-13", "GET", None),
        ("/api/v1/pay-periods/march", "GET", None),
        ("/api/v1/exchange-rates/2026-03", "PUT", {"EUR": 4.97}),
        ("/api/v1/exchange-rates/2026-03", "PUT", {"EUR": "abc"}),
        ("/api/v1/exchange-rates/2026-03", "PUT", ["EUR"]),
        ("/api/v1/pay-periods/2026-03/close", "POST", {"rates": {}}),
    ],
)
def test_bad_input_is_a_400(client, world, url, method, body):
    """Malformed months, rates and bodies are refused with a 400, never a 500."""
    response = client.open(url, method=method, json=body, headers=bearer(world.users["admin"]))
    assert response.status_code == 400
    assert response.get_json()["error"]["message"]


@pytest.mark.usefixtures("db")
def test_my_earnings_is_only_my_own(client, world):
    """Each maker's /me/earnings shows her own month; the other maker's pieces never."""
    today = services_today()
    f.make_item(world.tote, world.elena, made_on=today)
    f.make_item(world.tote, world.oksana, made_on=today)
    f.make_item(world.tote, world.oksana, made_on=today)
    mine = client.get("/api/v1/me/earnings", headers=bearer(world.users["beneficiary"]))
    hers = client.get("/api/v1/me/earnings", headers=bearer(world.users["beneficiary_other"]))
    assert mine.status_code == hers.status_code == 200
    assert mine.get_json()["current"]["accrued_cents"] == 1000
    assert hers.get_json()["current"]["accrued_cents"] == 2000
    assert mine.get_json()["currency"] == "RON"
    assert world.oksana.maker_code not in mine.get_data(as_text=True)


def test_my_earnings_lists_closed_months(client, world, db):
    """A closed month appears with its frozen total in her list of months."""
    with client.application.test_request_context():
        services.close_period("2026-03", None, world.users["admin"], on=date(2026, 4, 2))
    db.session.commit()
    body = client.get("/api/v1/me/earnings", headers=bearer(world.users["beneficiary"])).get_json()
    assert {"period": "2026-03", "status": "closed", "total_cents": 2000} in body["periods"]


def test_my_earnings_shows_older_months_not_closed_yet(client, world, db):
    """The coordinator is behind: March and April are still open. What she is owed for them
    is on her page, each in its month; once March is closed it shows as closed instead."""
    f.make_item(world.tote, world.elena, made_on=date(2026, 4, 15))
    db.session.commit()
    headers = bearer(world.users["beneficiary"])
    periods = client.get("/api/v1/me/earnings", headers=headers).get_json()["periods"]
    assert {"period": "2026-03", "status": "open", "total_cents": 2000} in periods
    assert {"period": "2026-04", "status": "open", "total_cents": 1000} in periods
    assert [p["period"] for p in periods] == sorted((p["period"] for p in periods), reverse=True)
    with client.application.test_request_context():
        services.close_period("2026-03", None, world.users["admin"], on=date(2026, 4, 2))
    db.session.commit()
    periods = client.get("/api/v1/me/earnings", headers=headers).get_json()["periods"]
    assert [p for p in periods if p["period"] == "2026-03"] == [
        {"period": "2026-03", "status": "closed", "total_cents": 2000}
    ]


def services_today():
    """Today in Bucharest (the payroll timezone of the tests)."""
    return local_date(datetime.now(UTC), "Europe/Bucharest")


@pytest.mark.postgres
@pytest.mark.usefixtures("march_sale")
def test_two_coordinators_closing_at_once_pay_once(app, world, db):
    """Two closes of one month at the same moment: one 200, one 409, one set of payslips."""
    headers = [bearer(world.users["admin"]) for _ in range(2)]
    db.session.commit()
    barrier, statuses = threading.Barrier(2), []

    def close(h):
        """One coordinator's close, started at the same moment as the other's."""
        client = app.test_client()
        barrier.wait()
        response = client.post(
            "/api/v1/pay-periods/2026-03/close",
            json={"exchange_rates": {"EUR": "4.9770"}},
            headers=h,
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=close, args=(h,)) for h in headers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 409]
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Payslip))
    assert count == 1


@pytest.mark.usefixtures("db")
def test_closed_month_is_byte_for_byte_unchanged_after_a_later_return(client, world, march_sale):
    """After closing March, a return and a late piece change nothing in March's answer;
    April takes the share back (at March's amount, not April's rate) and pays the piece."""
    admin = bearer(world.users["admin"])
    client.post(
        "/api/v1/pay-periods/2026-03/close",
        json={"exchange_rates": {"EUR": "4.9770"}},
        headers=admin,
    )
    before = client.get("/api/v1/pay-periods/2026-03", headers=admin).data
    refund = f.make_return(march_sale.lines[0], returned_at=datetime(2026, 4, 2, 9, tzinfo=UTC))
    late = f.make_item(world.tote, world.elena, made_on=date(2026, 3, 31))
    client.put("/api/v1/exchange-rates/2026-04", json={"EUR": "5.2000"}, headers=admin)
    after = client.get("/api/v1/pay-periods/2026-03", headers=admin).data
    assert after == before
    april = client.get("/api/v1/pay-periods/2026-04", headers=admin).get_json()
    lines = april["payslips"][0]["lines"]
    assert [(x["kind"], x["amount_cents"], x["source_id"]) for x in lines] == [
        ("piece", 1000, late.id),
        ("adjustment", -1493, refund.id),
    ]
    assert april["payslips"][0]["total_cents"] == 1000 - 1493
