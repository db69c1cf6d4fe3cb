"""The shared template filters: money, times, days, months, hours and shares per language."""

from datetime import UTC, date, datetime

import pytest
from flask import render_template_string
from flask_babel import force_locale

from atelier import formatting

NBSP = "\xa0"


@pytest.fixture
def in_language(app):
    """Run a helper as a page in a given language would."""

    def run(locale, helper, *args):
        with app.test_request_context("/"), force_locale(locale):
            return helper(*args)

    return run


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "€15.00"),
        ("ro", f"15,00{NBSP}EUR"),
        ("uk", f"15,00{NBSP}EUR"),
        ("nl", f"€{NBSP}15,00"),
    ],
)
def test_money_in_each_language(in_language, locale, text):
    """1500 cents of EUR read as fifteen euros the way each language writes it."""
    assert in_language(locale, formatting.money, 1500, "EUR") == text


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", f"RON{NBSP}232.50"),
        ("ro", f"232,50{NBSP}lei"),
        ("uk", f"232,50{NBSP}RON"),
        ("nl", f"RON{NBSP}232,50"),
    ],
)
def test_money_in_letters_keeps_its_space(in_language, locale, text):
    """A maker's lei read as she says them, and a currency in letters never touches the
    digits: never ``RON232.50``."""
    assert in_language(locale, formatting.money, 23250, "RON") == text
    assert in_language(locale, formatting.money, -23250, "RON").count(NBSP) == 1


def test_money_stays_exact_and_shows_a_dash_when_missing(in_language):
    """Large and negative amounts keep every cent (no float); a missing amount is a dash."""
    assert in_language("en", formatting.money, 123456789, "RON") == f"RON{NBSP}1,234,567.89"
    assert in_language("ro", formatting.money, -1, "RON") == f"-0,01{NBSP}lei"
    assert in_language("nl", formatting.money, 10**17 + 1, "EUR").endswith(",01")
    assert in_language("uk", formatting.money, None, "EUR") == "—"


#: 29 March 2026: Bucharest moves from UTC+2 to UTC+3 at 01:00 UTC
BEFORE_DST = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
AFTER_DST = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "before", "after"),
    [
        ("en", "Mar 29, 2026, 2:30\u202fAM", "Mar 29, 2026, 4:30\u202fAM"),
        ("ro", "29 mar. 2026, 02:30", "29 mar. 2026, 04:30"),
        ("uk", "29 бер. 2026\u202fр., 02:30", "29 бер. 2026\u202fр., 04:30"),  # noqa: RUF001 Ukrainian
        ("nl", "29 mrt 2026, 02:30", "29 mrt 2026, 04:30"),
    ],
)
def test_local_time_across_a_dst_change(in_language, locale, before, after):
    """An hour of UTC apart is two hours apart on the Bucharest clock that night; the month
    is written out as each language does (never the ambiguous ``3/29/26``)."""
    assert in_language(locale, formatting.local_time, BEFORE_DST, "Europe/Bucharest") == before
    assert in_language(locale, formatting.local_time, AFTER_DST, "Europe/Bucharest") == after


def test_local_time_takes_a_format_and_a_naive_instant_is_utc(in_language):
    """A pattern can be given; a naive database value is read as UTC."""
    naive = datetime(2026, 7, 1, 21, 15)
    assert (
        in_language("en", formatting.local_time, naive, "Europe/Amsterdam", "yyyy-MM-dd HH:mm")
        == "2026-07-01 23:15"
    )


@pytest.mark.parametrize(
    ("locale", "text", "long"),
    [
        ("en", "2 Mar", "2 March"),
        ("ro", "2 mar.", "2 martie"),
        ("uk", "2 бер.", "2 березня"),  # noqa: RUF001 Ukrainian
        ("nl", "2 mrt", "2 maart"),
    ],
)
def test_local_day_in_each_language(in_language, locale, text, long):
    """A day, short by default or in a given pattern."""
    assert in_language(locale, formatting.local_day, date(2026, 3, 2)) == text
    assert in_language(locale, formatting.local_day, date(2026, 3, 2), None, "d MMMM") == long


def test_local_day_of_an_instant_is_the_sites_day(in_language):
    """Late on 1 March in UTC is already 2 March in Bucharest, still 1 March in Amsterdam."""
    late = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
    assert in_language("en", formatting.local_day, late, "Europe/Bucharest") == "2 Mar"
    assert in_language("nl", formatting.local_day, late, "Europe/Amsterdam") == "1 mrt"


@pytest.mark.parametrize(
    ("locale", "text"),
    [("en", "March 2026"), ("ro", "martie 2026"), ("uk", "березень 2026"), ("nl", "maart 2026")],
)
def test_month_names_the_period(in_language, locale, text):
    """A payroll period reads as its month, standing alone (nominative in Ukrainian)."""
    assert in_language(locale, formatting.month, "2026-03") == text


@pytest.mark.parametrize(
    ("locale", "half", "quarter"),
    [("en", "2.5", "1.25"), ("ro", "2,5", "1,25"), ("uk", "2,5", "1,25"), ("nl", "2,5", "1,25")],
)
def test_hours_without_needless_zeros(in_language, locale, half, quarter):
    """Centihours as hours with the language's decimal mark; whole hours have none."""
    assert in_language(locale, formatting.hours, 250) == half
    assert in_language(locale, formatting.hours, 125) == quarter
    assert in_language(locale, formatting.hours, 300) == "3"
    assert in_language(locale, formatting.hours, None) == "0"


@pytest.mark.parametrize(
    ("locale", "whole", "part"),
    [
        ("en", "20%", "12.5%"),
        ("ro", f"20{NBSP}%", f"12,5{NBSP}%"),
        ("uk", "20%", "12,5%"),
        ("nl", "20%", "12,5%"),
    ],
)
def test_percent_from_basis_points(in_language, locale, whole, part):
    """Basis points as a percentage, keeping a half per cent."""
    assert in_language(locale, formatting.percent, 2000) == whole
    assert in_language(locale, formatting.percent, 1250) == part


def test_every_template_has_the_filters(app):
    """The filters are registered once for the whole app, whatever the area."""
    with app.test_request_context("/"), force_locale("nl"):
        text = render_template_string(
            "{{ 1500|money('EUR') }}|{{ 250|hours }}|{{ '2026-03'|month }}|{{ 2000|percent }}"
        )
    assert text == f"€{NBSP}15,00|2,5|maart 2026|20%"
