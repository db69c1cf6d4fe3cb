"""Pure rules of the till and of stock."""

from datetime import date

import pytest

from atelier.stock import rules as stock_rules
from atelier.till import rules


@pytest.mark.parametrize(
    "status, site, reason",
    [
        ("in_shop", 1, None),
        ("in_shop", 2, "other_shop"),
        ("sold", 1, "sold"),
        ("in_transit", 1, "in_transit"),
        ("in_transit", 2, "other_shop"),
        ("in_atelier", 3, "at_atelier"),
        ("reserved", 4, "reserved"),
        ("written_off", 1, "written_off"),
        ("rejected", 3, "not_for_sale"),
    ],
)
def test_unsellable_reason(status, site, reason):
    """Only a piece in stock at this shop sells; every other case has a reason."""
    assert rules.unsellable_reason(status, site, 1) == reason


@pytest.mark.parametrize(
    "price, reason, required, problem",
    [
        (None, "", True, None),
        (1500, "", True, None),
        (1200, "stain", True, None),
        (1200, "", False, None),
        (1200, " ", True, "reason_missing"),
        (1501, "x", True, "above_list"),
        (-1, "x", False, "negative"),
        (0, "gift", True, None),
    ],
)
def test_price_problem(price, reason, required, problem):
    """A price may only be lowered, never below zero; the page wants a reason."""
    assert rules.price_problem(price, 1500, reason, required) == problem


def test_receiving_progress_ignores_unexpected_pieces():
    """18 of 24: unexpected pieces are not part of the count."""
    states = ["received"] * 18 + ["sent"] * 5 + ["missing"] + ["unexpected"] * 2
    assert stock_rules.receiving_progress(states) == (18, 24)


def test_days_on_shelf_and_week_start():
    """Days count whole days; the week starts on Monday."""
    assert stock_rules.days_on_shelf(date(2026, 3, 1), date(2026, 3, 4)) == 3
    assert stock_rules.days_on_shelf(date(2026, 3, 5), date(2026, 3, 4)) == 0
    assert stock_rules.week_start(date(2026, 3, 4)) == date(2026, 3, 2)


def test_duplicates_in_order():
    """Repeated values once each, in first-seen order."""
    assert stock_rules.duplicates(["a", "b", "a", "c", "b", "a"]) == ["a", "b"]
