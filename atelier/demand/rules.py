"""Pure rules of the demand loop: sell-through, medians, ages, the plan's suggestion,
markdown prices. No Flask, no database; instants and days are given."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from atelier.money import BASIS_POINTS, round_half_up, share_of

WINDOWS = (4, 12, 26)
DEFAULT_WEEKS = 12
DEFAULT_COVER_WEEKS = 6
MAX_WEEKS = 104
AGE_BUCKETS = ("0_4", "4_8", "8_12", "12_plus")
#: a request's status, and where each may go next
NEXT_STATUSES = {
    "open": ("planned", "done", "declined"),
    "planned": ("done", "declined"),
    "done": (),
    "declined": (),
}
#: what a sale line's ``discount_reason`` says when the till sold at the markdown price
MARKDOWN_REASON = "markdown"


def window(now: datetime, weeks: int) -> tuple[datetime, datetime]:
    """The instants [from, to) of the last ``weeks`` weeks up to ``now``."""
    return now - timedelta(weeks=weeks), now


def sell_through_bp(sold: int, returned: int, on_hand: int) -> int:
    """round(10000 × (sold − returned) ÷ (sold − returned + on_hand)), half-up; 0 for 0 ÷ 0."""
    net = sold - returned
    total = net + on_hand
    if total <= 0:
        return 0
    return round_half_up(Decimal(BASIS_POINTS * net) / Decimal(total))


def median_of_counts(counts: dict[int, int]) -> float | int | None:
    """The median of values given as {value: how many}; the mean of the two middle values
    for an even count; None when there are none."""
    n = sum(counts.values())
    if n == 0:
        return None
    middle = sorted(counts.items())

    def nth(k: int) -> int:
        seen = 0
        for value, count in middle:
            seen += count
            if seen > k:
                return value
        raise AssertionError("k beyond the counts")

    low, high = nth((n - 1) // 2), nth(n // 2)
    total = low + high
    return total // 2 if total % 2 == 0 else total / 2


def age_bucket(days: int) -> str:
    """The 4-week bucket of a piece on hand for ``days`` days (whole weeks since received)."""
    weeks = max(days, 0) // 7
    if weeks < 4:
        return "0_4"
    if weeks < 8:
        return "4_8"
    if weeks < 12:
        return "8_12"
    return "12_plus"


def age_bucket_of_weeks(weeks: int | None) -> str:
    """The bucket of a piece on hand for ``weeks`` whole weeks (None: no receipt recorded,
    counted as just arrived)."""
    return age_bucket(7 * (weeks or 0))


def days_on_shelf(received_on: date, today: date) -> int:
    """Whole days on the shelf: local calendar days from the receipt to ``today``."""
    return (today - received_on).days


def weekly_sales(net_sold: int, weeks: int) -> str:
    """(sold − returned) ÷ weeks as a decimal string with 2 places (half-up)."""
    value = Decimal(net_sold) / Decimal(weeks)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def suggested(
    requested: int,
    net_sold: int,
    weeks: int,
    cover_weeks: int,
    in_atelier: int,
    in_transit: int,
    in_shops: int,
) -> int:
    """max(0, requested + ⌈cover_weeks × net_sold ÷ weeks⌉ − in_atelier − in_transit −
    in_shops), the ceiling of the exact quotient (integer arithmetic, no rounding first)."""
    cover = -(-(cover_weeks * net_sold) // weeks)
    return max(0, requested + cover - in_atelier - in_transit - in_shops)


@dataclass(frozen=True)
class Markdown:
    """A step of a shop's markdown: from ``after_days`` on the shelf, ``discount_bp`` off."""

    after_days: int
    discount_bp: int


def markdown_discount(markdowns, days: int | None) -> int:
    """The largest discount (basis points) of the steps reached after ``days`` on the
    shelf; 0 when none is reached or the piece was never received."""
    if days is None:
        return 0
    return max((m.discount_bp for m in markdowns if days >= m.after_days), default=0)


def marked_down(list_price_cents: int, discount_bp: int) -> int:
    """The list price less a discount, rounded half-up to the cent once."""
    if discount_bp <= 0:
        return list_price_cents
    return round_half_up(share_of(list_price_cents, BASIS_POINTS - discount_bp))


def iso_week(day: date) -> str:
    """The ISO week of a day: ``2026-W49``."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def week_days(day: date) -> tuple[date, date]:
    """Monday and the next Monday of the ISO week of ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=7)


def may_move(current: str, new: str) -> bool:
    """True if a request may go from ``current`` to ``new``."""
    return new in NEXT_STATUSES.get(current, ())


def quantile_of_counts(counts: dict[int, int], q: float) -> int | None:
    """The nearest-rank ``q`` quantile (0..1) of values given as {value: how many}."""
    n = sum(counts.values())
    if n == 0:
        return None
    rank = max(1, -(-int(q * 1000) * n // 1000))  # ⌈q × n⌉ without floats drifting
    seen = 0
    for value, count in sorted(counts.items()):
        seen += count
        if seen >= rank:
            return value
    return max(counts)


def heat_class(bp: int) -> int:
    """The colour step (0..10) of a sell-through in basis points."""
    return max(0, min(10, bp // 1000))


def percent_to_bp(text: str) -> int:
    """A percentage typed on a page ("25", "12.5", "12,5") as basis points (2500, 1250);
    ValueError for anything else or more than two decimals."""
    try:
        value = Decimal((text or "").strip().replace(",", "."))
    except ArithmeticError:  # decimal.InvalidOperation
        raise ValueError(text) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValueError(text)
    return int(value * 100)


def bp_to_percent(bp: int) -> str:
    """Basis points as the percentage an admin typed: 2500 → "25", 1250 → "12.5"."""
    whole, cents = divmod(bp, 100)
    return f"{whole}.{cents:02d}".rstrip("0").rstrip(".") if cents else str(whole)
