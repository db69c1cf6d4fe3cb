"""Pure pay rules: what each piece, sale, session and return earns (no Flask, no database).

Every line is rounded half-up ONCE, in :mod:`atelier.money`, and carries the source it
comes from (``item``, ``sale_line``, ``attendance`` or ``return``) so it can be traced and
is never paid twice. The preview, the close, the payslip and the maker's page all use these.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from atelier.catalog.rules import rule_on
from atelier.enums import PayslipLineKind
from atelier.money import convert, round_half_up, share_of
from atelier.timeutil import local_date, month_bounds, next_period, parse_period, period_of

#: the kinds of payslip line, in the order a payslip lists them
KINDS = PayslipLineKind.values()
#: the years a pay period may fall in: the calendar's own edges (9999-12 has no next month)
#: are far away, and no payroll of this programme predates 2000
FIRST_YEAR, LAST_YEAR = 2000, 2999


@dataclass(frozen=True)
class Rule:
    """A product's wage rule from a day on (a plain copy of ProductRule)."""

    effective_from: date
    piece_rate_cents: int
    maker_share_bp: int


@dataclass(frozen=True)
class Piece:
    """A QC-passed piece made on a day."""

    id: int
    beneficiary_id: int
    made_on: date
    product_type_id: int
    label: str


@dataclass(frozen=True)
class SoldLine:
    """A sale line: price in the sale currency, sold at an instant at a site."""

    id: int
    beneficiary_id: int
    price_cents: int
    currency: str
    sold_at: datetime
    site_timezone: str
    product_type_id: int
    label: str


@dataclass(frozen=True)
class Presence:
    """Hours present at one session of a workshop with a stipend."""

    id: int
    beneficiary_id: int
    held_on: date
    centihours: int
    stipend_per_hour_cents: int
    label: str


@dataclass(frozen=True)
class Refund:
    """A return of a sale line; ``paid_cents`` is what that line earned if already frozen."""

    id: int
    sale: SoldLine
    paid_cents: int | None
    label: str
    #: when it came back (the month it is due in); None only in hand-made test data
    returned_at: datetime | None = None


@dataclass(frozen=True)
class Line:
    """One payslip line; ``amount_cents`` is None while its exchange rate is missing."""

    beneficiary_id: int
    kind: str
    description: str
    amount_cents: int | None
    source_type: str
    source_id: int
    #: the sale currency whose rate is missing, if any
    missing_rate: str | None = None


def piece_line(piece: Piece, rules: Iterable[Rule]) -> Line:
    """A piece earns the piece rate in force on the day it was made (0 if no rule yet)."""
    rule = rule_on(rules, piece.made_on)
    amount = rule.piece_rate_cents if rule else 0
    return Line(piece.beneficiary_id, "piece", piece.label, amount, "item", piece.id)


def sale_share_exact(sale: SoldLine, rules: Iterable[Rule]) -> Decimal:
    """The unrounded share of a sale, in sale-currency minor units, at the share in force
    on the sale's local date."""
    rule = rule_on(rules, local_date(sale.sold_at, sale.site_timezone))
    return share_of(sale.price_cents, rule.maker_share_bp if rule else 0)


def sales_share_amount(
    sale: SoldLine, rules: Iterable[Rule], rates: Mapping[str, Decimal], payroll_currency: str
) -> int | None:
    """The share converted into the payroll currency and rounded once; None if no rate."""
    exact = sale_share_exact(sale, rules)
    if sale.currency == payroll_currency:
        return round_half_up(exact)
    rate = rates.get(sale.currency)
    if rate is None:
        return None
    return round_half_up(convert(exact, rate))


def sales_share_line(
    sale: SoldLine, rules: Iterable[Rule], rates: Mapping[str, Decimal], payroll_currency: str
) -> Line:
    """The maker's share of one sale line, as a payslip line."""
    amount = sales_share_amount(sale, rules, rates, payroll_currency)
    missing = sale.currency if amount is None else None
    return Line(
        sale.beneficiary_id, "sales_share", sale.label, amount, "sale_line", sale.id, missing
    )


def stipend_line(presence: Presence) -> Line:
    """Hours present × the stipend per hour, rounded once."""
    exact = Decimal(presence.centihours) * presence.stipend_per_hour_cents / Decimal(100)
    return Line(
        presence.beneficiary_id,
        "stipend",
        presence.label,
        round_half_up(exact),
        "attendance",
        presence.id,
    )


def adjustment_line(refund: Refund, earned_cents: int | None) -> Line:
    """A return takes back exactly what its sale line earned (the amount paid, if paid)."""
    amount = refund.paid_cents if refund.paid_cents is not None else earned_cents
    missing = refund.sale.currency if amount is None else None
    return Line(
        refund.sale.beneficiary_id,
        "adjustment",
        refund.label,
        None if amount is None else -amount,
        "return",
        refund.id,
        missing,
    )


def total(lines: Iterable[Line]) -> int:
    """The sum of the lines whose amount is known."""
    return sum(line.amount_cents for line in lines if line.amount_cents is not None)


def lines_for_period(
    pieces: Iterable[Piece],
    sales: Iterable[SoldLine],
    presences: Iterable[Presence],
    refunds: Iterable[Refund],
    rules: Mapping[int, list[Rule]],
    rates: Mapping[str, Decimal],
    payroll_currency: str,
    refund_rates: Mapping[int, Mapping[str, Decimal]] | None = None,
) -> dict[int, list[Line]]:
    """Every line due, grouped by beneficiary, in a stable order (kind, then source).

    ``refund_rates`` gives, per return id, the rates of the period where its still-unpaid
    sale is due (when that is not this period); by default this period's rates.
    """
    lines = [piece_line(p, rules.get(p.product_type_id, [])) for p in pieces]
    lines += [
        sales_share_line(s, rules.get(s.product_type_id, []), rates, payroll_currency)
        for s in sales
    ]
    lines += [stipend_line(p) for p in presences]
    for refund in refunds:
        refund_rate = (refund_rates or {}).get(refund.id, rates)
        earned = None
        if refund.paid_cents is None:
            earned = sales_share_amount(
                refund.sale,
                rules.get(refund.sale.product_type_id, []),
                refund_rate,
                payroll_currency,
            )
        lines.append(adjustment_line(refund, earned))
    grouped: dict[int, list[Line]] = {}
    for line in sorted(lines, key=lambda x: (KINDS.index(x.kind), x.source_id)):
        grouped.setdefault(line.beneficiary_id, []).append(line)
    return grouped


def missing_rates(lines: Iterable[Line]) -> list[str]:
    """The sale currencies whose rate is still needed, sorted."""
    return sorted({line.missing_rate for line in lines if line.missing_rate})


def due_window(period: str, closed: Iterable[str]) -> tuple[date, date]:
    """The days whose unpaid events are due in ``period``: [start, end).

    Events of a closed month that were not on its payslips (logged late) move to the next
    month that is not closed. So the window starts at the earliest month of the run of
    closed months just before ``period`` and ends with ``period``.
    """
    closed_set = set(closed)
    start, end = month_bounds(period)
    while True:
        previous = period_of(date.fromordinal(start.toordinal() - 1))
        if previous not in closed_set:
            return start, end
        start = parse_period(previous)


def split_by_period(
    pieces: Iterable[Piece],
    sales: Iterable[SoldLine],
    presences: Iterable[Presence],
    refunds: Iterable[Refund],
    closed: Iterable[str],
    tz: str,
) -> dict[str, tuple[list, list, list, list]]:
    """Unpaid events by the open month where each is due (instants read in payroll ``tz``):
    period → (pieces, sales, presences, refunds)."""
    closed = set(closed)
    out: dict[str, tuple[list, list, list, list]] = {}

    def put(day: date, slot: int, event) -> None:
        out.setdefault(due_period(day, closed), ([], [], [], []))[slot].append(event)

    for piece in pieces:
        put(piece.made_on, 0, piece)
    for sale in sales:
        put(local_date(sale.sold_at, tz), 1, sale)
    for presence in presences:
        put(presence.held_on, 2, presence)
    for refund in refunds:
        put(local_date(refund.returned_at, tz), 3, refund)
    return out


def due_period(day: date, closed: Iterable[str]) -> str:
    """The period where an unpaid event of ``day`` is due: its month, or the next open one."""
    closed_set = set(closed)
    period = period_of(day)
    while period in closed_set:
        period = next_period(period)
    return period


def has_ended(period: str, today: date) -> bool:
    """True once the month is over (``today`` is a payroll-timezone date)."""
    return today >= month_bounds(period)[1]


def normalise_iban(text: str) -> str | None:
    """The IBAN without spaces, upper case, if its country, length, structure and check
    digits are right (checked by ``schwifty``, which follows the SWIFT registry); else None."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    try:
        return IBAN(text).compact
    except SchwiftyException:
        return None
