"""Pure rules for the catalogue: which price and wage rule is in force on a day."""

from datetime import date
from decimal import Decimal, InvalidOperation


def rule_on(rules, day: date):
    """The rule with the latest ``effective_from`` on or before ``day`` (rules in any order).

    Returns None if the product had no rule yet on that day.
    """
    best = None
    for rule in rules:
        if rule.effective_from > day:
            continue
        if best is None or rule.effective_from > best.effective_from:
            best = rule
    return best


#: Where a new product type's first rule starts when no date is given: it covers every piece
#: already made, so pieces logged late (with an earlier ``made_on``) have a rate to be paid at.
FROM_THE_START = date(2000, 1, 1)

SKU_PATTERN = r"^[A-Z0-9][A-Z0-9_-]{1,31}$"


def check_rule_values(values: dict) -> dict[str, str]:
    """Field errors for price/wage values (only the keys present are checked)."""
    errors: dict[str, str] = {}
    for name in ("price_cents", "piece_rate_cents"):
        if name in values and (type(values[name]) is not int or values[name] < 0):
            errors[name] = "a whole number of cents, 0 or more"
    if "maker_share_bp" in values:
        share = values["maker_share_bp"]
        if type(share) is not int or not 0 <= share <= 10_000:
            errors["maker_share_bp"] = "basis points from 0 to 10000"
    if "price_currency" in values:
        currency = values["price_currency"]
        if not (
            isinstance(currency, str)
            and len(currency) == 3
            and currency.isalpha()
            and currency.isupper()
        ):
            errors["price_currency"] = "an ISO 4217 code such as EUR"
    return errors


def next_rule_values(current, changes: dict) -> dict:
    """The values of a new rule: the current rule's, with ``changes`` applied."""
    keys = ("price_cents", "price_currency", "piece_rate_cents", "maker_share_bp")
    base = {k: getattr(current, k) for k in keys} if current is not None else {}
    base.update({k: v for k, v in changes.items() if k in keys and v is not None})
    return base


def parse_percent_bp(text: str) -> int:
    """``"20"`` or ``"12.5"`` (per cent) → basis points; ValueError outside 0–100."""
    try:
        value = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not value.is_finite() or not 0 <= value <= 100 or value.as_tuple().exponent < -2:
        raise ValueError("a percentage from 0 to 100")
    return int(value * 100)
