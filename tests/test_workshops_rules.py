"""Pure rules for training: hours, session dates, attendance rates, roll counts."""

from datetime import date

import pytest

from atelier.workshops import rules


@pytest.mark.parametrize("text", ["1e999999", "-1e999999", "1e-999999", "12.01", "0"])
def test_hours_far_out_of_range_are_refused_not_overflowed(text):
    """1e999999 hours is a plain RuleError, not a decimal overflow."""
    with pytest.raises(rules.RuleError):
        rules.parse_hours(text)


@pytest.mark.parametrize(
    ("text", "centi"),
    [("3", 300), ("2.5", 250), ("0.25", 25), ("12", 1200), (" 1,5 ", 150), ("12.00", 1200)],
)
def test_hours_are_parsed_exactly_into_centihours(text, centi):
    """A supervisor's "2.5" is stored as 250, never as a float."""
    assert rules.parse_hours(text) == centi


@pytest.mark.parametrize(
    "text", ["0", "-1", "12.01", "13", "abc", "", "NaN", "Infinity", "1.234", "1e3"]
)
def test_hours_outside_0_to_12_or_not_numbers_are_refused(text):
    """0 < hours ≤ 12, at most two decimals; anything else is refused with a reason."""
    with pytest.raises(rules.RuleError):
        rules.parse_hours(text)


def test_hours_must_be_a_string():
    """The API contract says decimal string; a float is not accepted."""
    with pytest.raises(rules.RuleError):
        rules.parse_hours(2.5)


@pytest.mark.parametrize(
    ("centi", "text"),
    [(300, "3"), (250, "2.5"), (125, "1.25"), (5, "0.05"), (1200, "12"), (0, "0"), (1950, "19.5")],
)
def test_hours_are_shown_short(centi, text):
    """250 centihours read as "2.5" hours."""
    assert rules.format_hours(centi) == text


def test_a_far_future_date_is_refused_but_next_week_is_fine():
    """Sessions can be planned weeks ahead; a typo year far in the future is caught."""
    today = date(2026, 3, 2)
    assert rules.session_date_problem(date(2026, 3, 9), today) is None
    assert rules.session_date_problem(date(2062, 3, 2), today)
    assert rules.session_date_problem(date(1999, 12, 31), today)


def test_roll_is_taken_on_the_day_or_later():
    """A future session's roll cannot be taken yet."""
    assert rules.can_take_roll(date(2026, 3, 2), date(2026, 3, 2))
    assert not rules.can_take_roll(date(2026, 3, 3), date(2026, 3, 2))


def test_attendance_rate_ignores_excused_absences():
    """8 present, 2 absent, 3 excused is 80 %: excused days are not held against her."""
    tally = rules.tally(["present"] * 8 + ["absent"] * 2 + ["excused"] * 3)
    assert tally == rules.Tally(8, 2, 3)
    assert rules.attendance_rate(tally) == 80


def test_attendance_rate_rounds_half_up_and_is_none_without_data():
    """2 of 3 is 67 %, 1 of 8 is 13 % (12.5 rounds up); nothing recorded gives no rate."""
    assert rules.attendance_rate(rules.Tally(2, 1, 0)) == 67
    assert rules.attendance_rate(rules.Tally(1, 7, 0)) == 13
    assert rules.attendance_rate(rules.Tally(0, 0, 4)) is None
    assert rules.attendance_rate(rules.Tally()) is None


def test_hours_present_count_only_present_sessions():
    """Training hours are the hours of the sessions she was present at."""
    assert (
        rules.hours_present([(300, "present"), (250, "absent"), (150, "present"), (200, "excused")])
        == 450
    )


def test_roll_summary_counts_unmarked_people():
    """The running count knows who has not been tapped yet."""
    assert rules.roll_summary(["present", "present", None, "absent"]) == {
        "present": 2,
        "absent": 1,
        "excused": 0,
        "unmarked": 1,
    }
