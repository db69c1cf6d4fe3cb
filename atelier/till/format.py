"""Showing amounts at the till: integer cents to a localised string (no floats)."""

from decimal import Decimal

from flask_babel import format_currency


def money(amount_cents: int, currency: str) -> str:
    """``1250, "EUR"`` → ``€12.50`` in the page's language."""
    return format_currency(Decimal(amount_cents) / 100, currency)
