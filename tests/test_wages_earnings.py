"""A maker's earnings add up: every amount she sees is a sum of lines she can also see."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from atelier.till.models import SaleLine
from atelier.timeutil import local_date, month_bounds, period_of
from atelier.wages import services
from atelier.wages.models import ExchangeRate, PayPeriod
from tests import factories as f
from tests.conftest import bearer, sign_in

TZ = "Europe/Bucharest"


def _line(sale):
    """The one sale line of a sale."""
    return sa.select(SaleLine).where(SaleLine.sale_id == sale.id)


@pytest.fixture
def full_month(world, db, app):
    """This month for Elena with all four kinds and two returns (see :func:`make_full_month`)."""
    return make_full_month(world, db, app)


def make_full_month(world, db, app) -> str:
    """This month for Elena: 3 pieces, 2 sales in EUR (one brought back the same day),
    2.5 h of training at 5.00/h, and a piece sold last month (paid, month closed) that came
    back this month. Last month's rate is set; this month's rate is set unless told not to."""
    now = datetime.now(UTC)
    today = local_date(now, TZ)
    period = period_of(today)
    first = month_bounds(period)[0]
    last_month = period_of(first - timedelta(days=1))
    earlier = datetime.combine(first - timedelta(days=10), datetime.min.time(), UTC)
    shop = world.sites["AMS"]
    # last month: a piece sold, paid at last month's rate, month closed
    old = f.make_item(world.tote, world.elena, made_on=earlier.date(), site=shop, status="in_shop")
    old_sale = f.make_sale(shop, [old], sold_at=earlier + timedelta(hours=12), prices=[1500])
    db.session.commit()
    with app.test_request_context():
        services.close_period(last_month, {"EUR": "4.9770"}, world.users["admin"], on=today)
    db.session.commit()
    # this month
    for _ in range(3):
        f.make_item(world.tote, world.elena, made_on=today)
    kept = f.make_item(world.tote, world.elena, made_on=today, site=shop, status="in_shop")
    back = f.make_item(world.tote, world.elena, made_on=today, site=shop, status="in_shop")
    f.make_sale(shop, [kept], sold_at=now - timedelta(minutes=5), prices=[2000])
    same_day = f.make_sale(shop, [back], sold_at=now - timedelta(minutes=4), prices=[1800])
    f.make_return(db.session.scalar(_line(same_day)), returned_at=now - timedelta(minutes=3))
    f.make_return(db.session.scalar(_line(old_sale)), returned_at=now - timedelta(minutes=2))
    world.workshop.stipend_per_hour_cents = 500
    f.make_attendance(f.make_session(world.workshop, held_on=today, centihours=250), world.elena)
    db.session.add(PayPeriod(period=period, status="open", currency="RON"))
    db.session.commit()
    return period


def set_rate(db, period, rate="4.9770"):
    """This month's EUR rate."""
    row = db.session.scalar(sa.select(PayPeriod).where(PayPeriod.period == period))
    row.rates.append(ExchangeRate(currency="EUR", rate=rate))
    db.session.commit()


def shown(page: str) -> tuple[int, dict[str, int], dict[str, int]]:
    """What the page shows: the total, each group's amount, each group's entries summed."""
    total = int(re.search(r'wages-accrued" data-total-cents="(-?\d+)"', page).group(1))
    groups, entries = {}, {}
    for section in re.findall(r'<section class="wages-group".*?</section>', page, re.S):
        kind = re.search(r'data-kind="(\w+)"', section).group(1)
        groups[kind] = int(re.search(r'data-amount-cents="(-?\d+)"', section).group(1))
        entries[kind] = sum(int(x) for x in re.findall(r'data-entry-cents="(-?\d+)"', section))
    return total, groups, entries


def test_the_page_adds_up_with_all_four_kinds_and_returns(client, world, db, full_month):
    """Pieces, sales, training and a take-back: the groups she sees sum to her total, each
    group is the sum of its entries, and the API's lines sum to the same figure."""
    set_rate(db, full_month)
    sign_in(client, world.users["beneficiary"])
    page = client.get("/me/earnings").get_data(as_text=True)
    total, groups, entries = shown(page)
    # 3 + 2 pieces × 10.00; 20 % of 20.00 EUR × 4.977 = 19.908 → 19.91; 2.5 h × 5.00;
    # last month's 15.00 EUR sale paid 14.93 and taken back; the same-day return nets to 0
    assert groups == {"piece": 5000, "sales_share": 1991, "stipend": 1250, "adjustment": -1493}
    assert groups == entries
    assert total == sum(groups.values()) == 5000 + 1991 + 1250 - 1493
    api = client.get("/api/v1/me/earnings", headers=bearer(world.users["beneficiary"]))
    current = api.get_json()["current"]
    assert current["accrued_cents"] == total
    assert (
        sum(x["amount_cents"] for x in current["lines"] if x["amount_cents"] is not None) == total
    )
    kinds = [x["kind"] for x in current["lines"]]
    assert kinds.count("piece") == 5 and kinds.count("stipend") == 1
    assert kinds.count("sales_share") == 2 and kinds.count("adjustment") == 2
    assert set(current["lines"][0]) == {"kind", "description", "amount_cents"}


def test_a_returned_piece_is_never_under_sold(client, world, db, full_month):
    """The piece brought back the same day is not in the sold count nor under the sales: it
    shows with the pieces brought back, with nothing to pay."""
    set_rate(db, full_month)
    sign_in(client, world.users["beneficiary"])
    page = client.get("/me/earnings").get_data(as_text=True)
    sold = re.search(r'data-count="sold">.*?(\d+)</span>', page, re.S).group(1)
    assert sold == "1"
    sales = re.search(r'data-kind="sales_share".*?</section>', page, re.S).group(0)
    assert "× 1" in sales and "× 2" not in sales
    back = re.search(r'data-kind="adjustment".*?</section>', page, re.S).group(0)
    assert "Sold and brought back this month: nothing to pay." in back


@pytest.mark.usefixtures("db", "full_month")
def test_sales_waiting_for_the_rate_are_named_not_dotted(client, world):
    """Without this month's rate, her sales say how many wait and in which currency; the
    total still adds up from what she sees, and no amount is an ellipsis."""
    sign_in(client, world.users["beneficiary"])
    page = client.get("/me/earnings").get_data(as_text=True)
    total, groups, entries = shown(page)
    assert total == sum(groups.values()) == 5000 + 1250 - 1493
    assert groups["sales_share"] == 0 and groups == entries
    assert "1 sale in euros: the amount comes when the rate is set." in page
    text = re.sub(r"<[^>]*>", " ", page.split("<main", 1)[1])  # the text, not attributes
    assert "…" not in text


def test_money_keeps_its_space_in_romanian(client, world, db, full_month):
    """In Romanian her amounts read ``50,00 lei``; in English never ``RON50.00``."""
    set_rate(db, full_month)
    world.users["beneficiary"].locale = "ro"
    db.session.commit()
    sign_in(client, world.users["beneficiary"])
    page = client.get("/me/earnings").get_data(as_text=True)
    assert "50,00\xa0lei" in page and not re.search(r"RON\d", page)


def test_the_payslip_is_a_short_summary_with_the_lines_on_request(client, world, db, app):
    """March: two pieces and a sale. Her payslip shows one line per kind, summing to the
    total; the lines themselves are inside a closed <details>."""
    f.make_sale(world.sites["AMS"], [world.item_shop], prices=[1500])
    db.session.commit()
    with app.test_request_context():
        services.close_period(
            "2026-03", {"EUR": "4.9770"}, world.users["admin"], on=date(2026, 4, 2)
        )
    db.session.commit()
    sign_in(client, world.users["beneficiary"])
    page = client.get("/me/payslips/2026-03").get_data(as_text=True)
    summary = page.split('class="wages-lines wages-kinds"', 1)[1].split("</ul>", 1)[0]
    parts = dict(re.findall(r'data-kind="(\w+)" data-amount-cents="(-?\d+)"', summary))
    assert parts == {"piece": "2000", "sales_share": "1493"}
    assert 'data-total-cents="3493"' in page
    detail = page.split('<details class="wages-detail">', 1)[1].split("</details>", 1)[0]
    assert "Show all 3 lines" in detail and world.item_shop.code in detail
