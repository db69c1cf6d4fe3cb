"""Pure pay rules: properties (hypothesis) and the boundaries of months and rules."""

import math
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atelier.wages import rules
from atelier.wages.rules import Piece, Presence, Refund, Rule, SoldLine

TZ = "Europe/Bucharest"
RULES = {
    1: [Rule(date(2020, 1, 1), 1000, 2000), Rule(date(2026, 3, 15), 1200, 2500)],
    2: [Rule(date(2020, 1, 1), 750, 3333)],
}
RATES = {"EUR": Decimal("4.9770"), "GBP": Decimal("5.8123")}

days = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))
makers = st.integers(min_value=1, max_value=4)
instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
ids = st.integers(min_value=1, max_value=10**6)

sales = st.builds(
    SoldLine,
    id=ids,
    beneficiary_id=makers,
    price_cents=st.integers(min_value=0, max_value=500_000),
    currency=st.sampled_from(["EUR", "GBP", "RON", "USD"]),
    sold_at=instants,
    site_timezone=st.sampled_from(["Europe/Amsterdam", TZ]),
    product_type_id=st.sampled_from([1, 2]),
    label=st.just("sale"),
)
pieces = st.builds(
    Piece,
    id=ids,
    beneficiary_id=makers,
    made_on=days,
    product_type_id=st.sampled_from([1, 2]),
    label=st.just("piece"),
)
presences = st.builds(
    Presence,
    id=ids,
    beneficiary_id=makers,
    held_on=days,
    centihours=st.integers(min_value=1, max_value=1200),
    stipend_per_hour_cents=st.integers(min_value=0, max_value=5000),
    label=st.just("session"),
)


@st.composite
def refunds(draw):
    """A return of a sale, sometimes of one already paid on a closed payslip."""
    sale = draw(sales)
    paid = draw(st.none() | st.integers(min_value=0, max_value=300_000))
    return Refund(draw(ids), sale, paid, "return")


def unique(items):
    """Sources have distinct ids within a kind."""
    return {x.id: x for x in items}.values()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(pieces, max_size=12),
    st.lists(sales, max_size=12),
    st.lists(presences, max_size=6),
    st.lists(refunds(), max_size=6),
    st.randoms(),
)
def test_lines_sum_to_totals_integers_and_order_never_matters(p, s, a, r, rnd):
    """Every slip's total is the sum of its known lines, all ints; shuffling changes nothing."""
    p, s, a, r = (list(unique(x)) for x in (p, s, a, r))
    first = rules.lines_for_period(p, s, a, r, RULES, RATES, "RON")
    for group in (p, s, a, r):
        rnd.shuffle(group)
    second = rules.lines_for_period(list(reversed(p)), s, a, r, RULES, RATES, "RON")
    assert first == second
    for lines in first.values():
        known = [x.amount_cents for x in lines if x.amount_cents is not None]
        assert all(type(v) is int for v in known)
        assert rules.total(lines) == sum(known)
    every = [x for lines in first.values() for x in lines]
    assert ("USD" in rules.missing_rates(every)) == any(x.missing_rate == "USD" for x in every)


@settings(max_examples=120, deadline=None)
@given(sales, st.sampled_from([None, {"EUR": Decimal("4.9770"), "GBP": Decimal("0.0001")}]))
def test_a_return_and_its_sale_net_to_zero(sale, rates):
    """The share a sale earned and the adjustment of its return always cancel out."""
    rates = rates if rates is not None else RATES
    share = rules.sales_share_line(sale, RULES[sale.product_type_id], rates, "RON")
    unpaid = rules.adjustment_line(Refund(1, sale, None, "r"), share.amount_cents)
    if share.amount_cents is None:
        assert unpaid.amount_cents is None and unpaid.missing_rate == sale.currency
    else:
        assert share.amount_cents + unpaid.amount_cents == 0
        paid = rules.adjustment_line(Refund(1, sale, share.amount_cents, "r"), None)
        assert share.amount_cents + paid.amount_cents == 0


@settings(max_examples=120, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=10_000),
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("100"), places=4),
)
def test_rounding_is_half_up_once_per_line(price, share_bp, rate):
    """The line equals ⌊price × share × rate + ½⌋ computed exactly: no rounding in between."""
    sale = SoldLine(1, 1, price, "EUR", datetime(2026, 3, 10, tzinfo=UTC), TZ, 9, "s")
    amount = rules.sales_share_amount(
        sale, [Rule(date(2020, 1, 1), 0, share_bp)], {"EUR": rate}, "RON"
    )
    exact = Fraction(price * share_bp, 10_000) * Fraction(rate)
    assert amount == math.floor(exact + Fraction(1, 2))


def test_rounding_once_differs_from_rounding_twice():
    """20 % of 10.03 EUR at 4.9770 is 998.3862 bani → 998 (rounding the share first gives 1000)."""
    sale = SoldLine(1, 1, 1003, "EUR", datetime(2026, 3, 10, tzinfo=UTC), TZ, 1, "s")
    assert rules.sales_share_amount(sale, RULES[1], RATES, "RON") == 998


def test_half_a_ban_rounds_up():
    """Exactly half a minor unit rounds up: 2.5 → 3 (and a stipend of 1.5 h × 1.01 → 152)."""
    sale = SoldLine(1, 1, 5, "RON", datetime(2026, 3, 10, tzinfo=UTC), TZ, 9, "s")
    assert rules.sales_share_amount(sale, [Rule(date(2020, 1, 1), 0, 5000)], {}, "RON") == 3
    presence = Presence(1, 1, date(2026, 3, 2), 150, 101, "w")
    assert rules.stipend_line(presence).amount_cents == 152


def test_rule_change_on_the_15th():
    """A piece made on the 14th keeps the old rate; on the 15th it takes the new one."""
    before = Piece(1, 1, date(2026, 3, 14), 1, "p")
    on_day = Piece(2, 1, date(2026, 3, 15), 1, "p")
    assert rules.piece_line(before, RULES[1]).amount_cents == 1000
    assert rules.piece_line(on_day, RULES[1]).amount_cents == 1200


def test_share_follows_the_sale_local_date():
    """A sale at 23:30 on the 14th in Amsterdam (22:30 UTC) uses the 14th's share."""
    late = SoldLine(
        1, 1, 10_000, "RON", datetime(2026, 3, 14, 22, 30, tzinfo=UTC), "Europe/Amsterdam", 1, "s"
    )
    next_day = SoldLine(
        2, 1, 10_000, "RON", datetime(2026, 3, 14, 23, 30, tzinfo=UTC), "Europe/Amsterdam", 1, "s"
    )
    assert rules.sales_share_amount(late, RULES[1], {}, "RON") == 2000
    assert rules.sales_share_amount(next_day, RULES[1], {}, "RON") == 2500


def test_due_window_reaches_back_over_closed_months():
    """Late events of closed months are due in the next month that is not closed."""
    assert rules.due_window("2026-04", []) == (date(2026, 4, 1), date(2026, 5, 1))
    assert rules.due_window("2026-04", ["2026-03", "2026-02", "2025-12"]) == (
        date(2026, 2, 1),
        date(2026, 5, 1),
    )
    assert rules.due_window("2026-01", ["2025-12", "2025-11"]) == (
        date(2025, 11, 1),
        date(2026, 2, 1),
    )
    assert rules.due_period(date(2026, 3, 31), ["2026-03", "2026-04"]) == "2026-05"
    assert rules.due_period(date(2026, 3, 31), []) == "2026-03"


def test_a_month_ends_at_local_midnight():
    """March can be closed from 1 April, not on 31 March."""
    assert not rules.has_ended("2026-03", date(2026, 3, 31))
    assert rules.has_ended("2026-03", date(2026, 4, 1))


def test_iban_check_digits():
    """Spaces and case do not matter; a wrong check digit does."""
    assert rules.normalise_iban("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"
    assert rules.normalise_iban("NL92ABNA0417164300") is None
    assert rules.normalise_iban("") is None


@pytest.mark.parametrize(
    "iban",
    [
        "NL91ABNA041716430",  # a digit short for a Dutch IBAN
        "RO49AAAA1B3100759384000012",  # too long for a Romanian one
        "XX89370400440532013000",  # no such country
        "NL91ABNA04171643OO",  # letters where the Dutch account number has digits
        "DE89 3704 0044 0532 0130 01",  # a wrong check digit
    ],
)
def test_iban_country_length_and_structure(iban):
    """An IBAN with the right check sum but the wrong length or shape for its country is
    refused: it would bounce at the bank."""
    assert rules.normalise_iban(iban) is None
    assert rules.normalise_iban("RO49 AAAA 1B31 0075 9384 0000") == "RO49AAAA1B31007593840000"


def test_many_random_months_stay_consistent():
    """A seeded large month: the grand total equals the sum of slips, whatever the order."""
    rnd = random.Random(2026)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    sold = [
        SoldLine(
            i,
            rnd.randint(1, 50),
            rnd.randint(100, 9000),
            "EUR",
            start + timedelta(minutes=rnd.randint(0, 40000)),
            TZ,
            rnd.choice([1, 2]),
            "s",
        )
        for i in range(2000)
    ]
    grouped = rules.lines_for_period([], sold, [], [], RULES, RATES, "RON")
    total = sum(rules.total(v) for v in grouped.values())
    rnd.shuffle(sold)
    again = rules.lines_for_period([], sold, [], [], RULES, RATES, "RON")
    assert total == sum(rules.total(v) for v in again.values()) > 0
