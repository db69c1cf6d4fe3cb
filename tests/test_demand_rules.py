"""The pure rules of the demand loop."""

from datetime import date

from atelier.demand import rules
from atelier.demand.rules import Markdown


def test_sell_through_rounds_half_up_and_is_zero_for_nothing():
    """2 of 6 → 3333; 1 of 8 → 1250; nothing sold nor on hand → 0; more returned than sold
    with nothing on hand → 0, never a division by zero."""
    assert rules.sell_through_bp(3, 1, 4) == 3333
    assert rules.sell_through_bp(1, 0, 7) == 1250
    assert rules.sell_through_bp(2, 1, 1) == 5000
    assert rules.sell_through_bp(0, 0, 0) == 0
    assert rules.sell_through_bp(1, 1, 0) == 0


def test_median_of_counted_days():
    """Odd count: the middle value; even: the mean of the two middle ones; none: None."""
    assert rules.median_of_counts({10: 1, 20: 1, 74: 1}) == 20
    assert rules.median_of_counts({3: 2, 9: 2}) == 6
    assert rules.median_of_counts({3: 1, 4: 1}) == 3.5
    assert rules.median_of_counts({}) is None


def test_age_buckets_by_whole_weeks():
    """27 days is 3 whole weeks (0_4); 28 is 4 (4_8); 83 is 11 (8_12); 84 is 12 (12_plus)."""
    assert [rules.age_bucket(d) for d in (0, 27, 28, 55, 56, 83, 84, 400)] == [
        "0_4",
        "0_4",
        "4_8",
        "4_8",
        "8_12",
        "8_12",
        "12_plus",
        "12_plus",
    ]


def test_suggested_takes_the_ceiling_of_the_exact_quotient():
    """6 weeks' cover of 13 sold in 12 weeks is 6.5 → 7; never below zero."""
    assert rules.suggested(0, 13, 12, 6, 0, 0, 0) == 7
    assert rules.suggested(2, 13, 12, 6, 3, 1, 1) == 4
    assert rules.suggested(0, 13, 12, 6, 30, 0, 0) == 0
    assert rules.suggested(0, -2, 12, 6, 0, 0, 0) == 0
    assert rules.weekly_sales(13, 12) == "1.08"
    assert rules.weekly_sales(1, 8) == "0.13"  # 0.125 half-up


def test_markdown_changes_at_exactly_after_days_and_the_largest_wins():
    """-25 % from day 56, -50 % from day 112; a step reached gives its discount."""
    steps = [Markdown(56, 2500), Markdown(112, 5000)]
    assert rules.markdown_discount(steps, 55) == 0
    assert rules.markdown_discount(steps, 56) == 2500
    assert rules.markdown_discount(steps, 111) == 2500
    assert rules.markdown_discount(steps, 112) == 5000
    assert rules.markdown_discount(steps, None) == 0
    # steps given in any order: the largest discount reached wins
    assert rules.markdown_discount([Markdown(10, 4000), Markdown(20, 1000)], 30) == 4000


def test_marked_down_price_rounds_half_up_once():
    """1001 at -50 % is 500.5 → 501; 1500 at -25 % is 1125; 999 at -33.33 % is 666.0333 →
    666."""
    assert rules.marked_down(1001, 5000) == 501
    assert rules.marked_down(1500, 2500) == 1125
    assert rules.marked_down(999, 3333) == 666
    assert rules.marked_down(1500, 0) == 1500


def test_iso_weeks_and_request_moves():
    """Weeks are ISO weeks (Monday first); a request moves forward only."""
    assert rules.iso_week(date(2026, 12, 6)) == "2026-W49"
    assert rules.iso_week(date(2027, 1, 1)) == "2026-W53"
    assert rules.week_days(date(2026, 12, 6)) == (date(2026, 11, 30), date(2026, 12, 7))
    assert rules.may_move("open", "planned") and rules.may_move("planned", "done")
    assert not rules.may_move("done", "open") and not rules.may_move("declined", "planned")
