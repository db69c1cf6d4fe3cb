"""Showing amounts at the till: integer cents to a localised string (no floats)."""

from decimal import Decimal

from flask_babel import format_currency


def money(amount_cents: int, currency: str) -> str:
    """``1250, "EUR"`` → ``€12.50`` in the page's language."""
    return format_currency(Decimal(amount_cents) / 100, currency)


def shop_time(instant, tz_name: str) -> str:
    """An instant as the shop's local date and time, short form, in the page's language."""
    from babel.dates import format_datetime
    from flask_babel import get_locale

    from atelier.timeutil import zone

    return format_datetime(instant, "short", tzinfo=zone(tz_name), locale=get_locale())
