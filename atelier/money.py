"""Money arithmetic: integer minor units, basis points, and the one rounding rule.

Every amount is an ``int`` of minor units (cents, bani) with a currency beside it.
Rates are ``Decimal`` parsed from strings. Rounding is half-up to the minor unit,
applied once per line, here and nowhere else.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from atelier.db import INT_MAX

BASIS_POINTS = 10_000
#: an exchange rate has at most this many digits before and after the point
RATE_DIGITS = 6
MAX_RATE = Decimal(10) ** RATE_DIGITS


class MoneyError(ValueError):
    """An amount or rate that cannot be used."""


def round_half_up(value: Decimal) -> int:
    """Round a Decimal amount of minor units half-up to a whole minor unit."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_of(amount_cents: int, share_bp: int) -> Decimal:
    """The exact (unrounded) share of an amount, in minor units."""
    return Decimal(amount_cents) * Decimal(share_bp) / Decimal(BASIS_POINTS)


def convert(amount: Decimal | int, rate: Decimal) -> Decimal:
    """Convert minor units at a rate (units of target currency per unit of source)."""
    return Decimal(amount) * rate


def parse_rate(text: str) -> Decimal:
    """Parse an exchange rate given as a decimal string: positive, below 1,000,000 and with
    at most 6 decimals (``"4.9770"``), so every amount it converts stays a sane number."""
    if not isinstance(text, str):
        raise MoneyError("a rate is a decimal string")
    try:
        rate = Decimal(text)
    except InvalidOperation as exc:
        raise MoneyError(f"not a decimal number: {text!r}") from exc
    if not rate.is_finite() or rate <= 0:
        raise MoneyError("a rate must be a positive number")
    if rate >= MAX_RATE or rate.as_tuple().exponent < -RATE_DIGITS:
        raise MoneyError("a rate has at most 6 digits before and after the point")
    return rate


def parse_cents(text: str) -> int:
    """An amount typed in major units (``"15"``, ``"15.5"``, ``"15,50"``) → minor units.

    MoneyError for a blank, negative or non-numeric amount, one finer than a cent, or one
    more than the database holds (21,474,836.47).
    """
    try:
        amount = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        raise MoneyError("not an amount") from None
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2:
        raise MoneyError("an amount such as 15.00")
    if amount.adjusted() > 12 or amount.scaleb(2) > INT_MAX:  # adjusted(): no huge scaleb
        raise MoneyError("an amount too large")
    return int(amount.scaleb(2))


def format_cents(amount_cents: int, currency: str) -> str:
    """Plain formatting used where no locale is at hand (PDFs, CSV): ``12.50 EUR``."""
    sign = "-" if amount_cents < 0 else ""
    whole, cents = divmod(abs(amount_cents), 100)
    return f"{sign}{whole}.{cents:02d} {currency}"
