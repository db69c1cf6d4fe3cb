"""How pages show money, instants, days, months, hours and shares: in the reader's language.

One set of template filters for every area (registered once by the app factory). Amounts stay
integers of minor units until babel formats them (``Decimal(cents).scaleb(-2)``, never a float).
PDFs and CSV files that must not depend on a language use ``atelier.money.format_cents``.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

from babel import dates, numbers
from flask_babel import get_locale

from atelier.timeutil import parse_period, zone

#: what a missing amount or date shows
MISSING = "—"


def money(cents: int | None, currency: str) -> str:
    """Minor units in the reader's language: 1500 EUR → ``€15.00`` (en), ``€ 15,00`` (nl)."""
    if cents is None:
        return MISSING
    return numbers.format_currency(Decimal(cents).scaleb(-2), currency, locale=get_locale())


def _aware(instant: datetime) -> datetime:
    """An instant from the database is UTC; make a naive one say so."""
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def local_time(instant: datetime | None, tz_name: str, fmt: str | None = None) -> str:
    """An instant as a date and time in a site's timezone, in the reader's way of writing them:
    ``Mar 29, 2026, 4:30 AM`` (en), ``29 mar. 2026, 04:30`` (ro); ``fmt``: a Babel pattern."""
    if instant is None:
        return MISSING
    instant, tzinfo, locale = _aware(instant), zone(tz_name), get_locale()
    if fmt:
        return dates.format_datetime(instant, fmt, tzinfo=tzinfo, locale=locale)
    day = dates.format_date(instant.astimezone(tzinfo).date(), "medium", locale=locale)
    clock = dates.format_time(instant, "short", tzinfo=tzinfo, locale=locale)
    return dates.get_datetime_format("medium", locale=locale).replace("'", "").format(clock, day)


def local_day(value: date | datetime | None, tz_name: str | None = None, fmt: str = "d MMM") -> str:
    """A day (or the day an instant falls on in ``tz_name``): ``2 Mar`` (en), ``2 mar.`` (ro)."""
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        value = _aware(value).astimezone(zone(tz_name or "UTC")).date()
    return dates.format_date(value, fmt, locale=get_locale())


def month(period: str) -> str:
    """A ``YYYY-MM`` period as the reader says it: ``March 2026``, ``martie 2026``."""
    return dates.format_date(parse_period(period), "LLLL yyyy", locale=get_locale())


def hours(centihours: int | None) -> str:
    """Centihours as hours, no needless zeros: 250 → ``2.5`` (en), ``2,5`` (ro); 300 → ``3``."""
    return numbers.format_decimal(Decimal(centihours or 0).scaleb(-2), locale=get_locale())


def percent(bp: int | None) -> str:
    """Basis points as a percentage: 2000 → ``20%`` (en), ``20 %`` (ro); 1250 → ``12.5%``."""
    if bp is None:
        return MISSING
    return numbers.format_percent(
        Decimal(bp).scaleb(-4), locale=get_locale(), decimal_quantization=False
    )


FILTERS = {
    "money": money,
    "local_time": local_time,
    "local_day": local_day,
    "month": month,
    "hours": hours,
    "percent": percent,
}


def register(app) -> None:
    """Make the helpers template filters for every area: ``{{ 1500|money('EUR') }}``."""
    app.jinja_env.filters.update(FILTERS)
