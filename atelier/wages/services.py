"""Wage use cases: preview a month, set its exchange rates, close it, read payslips."""

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from atelier import audit
from atelier.db import utcnow
from atelier.errors import Conflict, Invalid, NotFound
from atelier.extensions import db
from atelier.money import MoneyError, parse_rate
from atelier.people.models import Beneficiary
from atelier.timeutil import local_date, month_bounds, parse_period, period_of
from atelier.wages import queries, rules
from atelier.wages.models import ExchangeRate, PayPeriod, Payslip, PayslipLine

CURRENCY = re.compile(r"^[A-Z]{3}$")


class PeriodClosed(Conflict):
    """The month is closed: it never changes again (409)."""

    code = "period_closed"


class PeriodNotOver(Conflict):
    """The month has not ended yet (409)."""

    code = "period_not_over"


@dataclass
class Slip:
    """One maker's pay for a month: frozen (closed) or a live preview (open)."""

    beneficiary_id: int
    display_name: str
    maker_code: str
    lines: list[rules.Line]
    total_cents: int


@dataclass
class PeriodView:
    """A month as the coordinator (or the maker, filtered) sees it."""

    period: str
    status: str
    currency: str
    rates: dict[str, str]
    missing_rates: list[str]
    slips: list[Slip]
    sources: queries.Sources = field(default_factory=queries.Sources)
    #: beneficiary ids with bank details kept; set by :func:`payees.check_bank_details`
    paid_by_bank: set[int] = field(default_factory=set)
    #: maker codes with money due and no bank details (sorted), set likewise
    missing_bank_details: list[str] = field(default_factory=list)

    @property
    def total_cents(self) -> int:
        """The month's total over every maker."""
        return sum(slip.total_cents for slip in self.slips)


def payroll() -> tuple[str, str]:
    """The payroll currency and timezone."""
    return current_app.config["PAYROLL_CURRENCY"], current_app.config["PAYROLL_TIMEZONE"]


def today() -> date:
    """Today in the payroll timezone."""
    return local_date(utcnow(), payroll()[1])


def check_period(period: str) -> str:
    """A valid ``YYYY-MM`` or a 400 naming it."""
    try:
        first = parse_period(period)
    except ValueError:
        raise Invalid(
            _("Write the month as YYYY-MM."), {"period": _("Write the month as YYYY-MM.")}
        ) from None
    if not rules.FIRST_YEAR <= first.year <= rules.LAST_YEAR:  # 9999-12 has no next month
        why = _(
            "Choose a month from %(first)s to %(last)s.",
            first=f"{rules.FIRST_YEAR}-01",
            last=f"{rules.LAST_YEAR}-12",
        )
        raise Invalid(why, {"period": why})
    return period


def find_period(period: str) -> PayPeriod | None:
    """The stored month, if any (a month never touched is open)."""
    return db.session.scalar(sa.select(PayPeriod).where(PayPeriod.period == check_period(period)))


def get_or_create_period(period: str) -> PayPeriod:
    """The stored month, created open if new."""
    row = find_period(period)
    if row is None:
        try:
            with db.session.begin_nested():
                row = PayPeriod(period=period, status="open", currency=payroll()[0])
                db.session.add(row)
        except IntegrityError:  # created by another request a moment ago
            row = find_period(period)
    return row


def parse_rates(given: dict) -> dict[str, str]:
    """Validate ``{"EUR": "4.9770"}``; a 400 naming each bad currency or rate."""
    currency, _tz = payroll()
    errors, clean = {}, {}
    for code, text in given.items():
        if not CURRENCY.match(code or ""):
            errors[code or "currency"] = _("A currency is three capital letters, like EUR.")
        elif code == currency:
            errors[code] = _("The payroll currency needs no rate.")
        elif not isinstance(text, str) or len(text) > 32:
            errors[code] = _("Give the rate as a decimal number, like 4.9770.")
        else:
            try:
                parse_rate(text)
            except MoneyError:
                errors[code] = _(
                    "Give the rate as a positive number with at most 6 digits "
                    "before and after the point, like 4.9770."
                )
            else:
                clean[code] = text.strip()
    if errors:
        raise Invalid(_("Some exchange rates are not valid."), errors)
    return clean


def _lock_open(row: PayPeriod, message: str) -> None:
    """Hold the month's row until commit, and only while it is open (409 otherwise).

    A conditional UPDATE takes the row lock on PostgreSQL: a rate change and a close of the
    same month run one after the other, and the second sees the first's outcome."""
    held = db.session.execute(
        sa.update(PayPeriod)
        .where(PayPeriod.id == row.id, PayPeriod.status == "open")
        .values(status="open")
        .execution_options(synchronize_session=False)
    )
    if held.rowcount != 1:
        raise PeriodClosed(message)


def set_rates(
    period: str, given: dict, row: PayPeriod | None = None, *, locked: bool = False
) -> PayPeriod:
    """Store a month's exchange rates (replacing those given); 409 once it is closed.

    ``locked``: the caller (closing the month) already holds the month's row."""
    row = row or get_or_create_period(period)
    if not locked:
        _lock_open(row, _("This month is closed; its rates cannot change."))
    clean = parse_rates(given)
    existing = {rate.currency: rate for rate in row.rates}
    try:
        with db.session.begin_nested():
            for code, text in clean.items():
                if code in existing:
                    existing[code].rate = text
                else:
                    row.rates.append(ExchangeRate(currency=code, rate=text))
    except IntegrityError:
        raise Conflict(_("These rates were changed at the same moment. Try again.")) from None
    audit.record("wages.rates", row, period=period, rates=clean)
    return row


def view_period(
    period: str, beneficiary_id: int | None = None, row: PayPeriod | None = None
) -> PeriodView:
    """A closed month's frozen payslips, or an open month's live preview."""
    row = row or find_period(period)
    if row is not None and row.status == "closed":
        return _frozen(row, beneficiary_id)
    return preview(period, beneficiary_id)


def preview(period: str, beneficiary_id: int | None = None) -> PeriodView:
    """What is due in an open month: every source not on a closed payslip, dated up to its
    end, from the first day after the open month before it."""
    _currency, tz = payroll()
    closed = queries.closed_periods()
    start, end = rules.due_window(period, closed)
    sources = queries.due_sources(start, end, tz, beneficiary_id)
    return _open_view(
        period, sources, closed, queries.all_rates(), queries.all_rules(), queries.makers
    )


#: nothing in the programme's records is older than this
EARLIEST = date(2000, 1, 1)


def open_previews(beneficiary_id: int, last: str) -> dict[str, PeriodView]:
    """One maker's open months up to ``last`` where something is due to her, each previewed
    as :func:`preview` would, from one load (a fixed number of selects, however many months
    the coordinator has left open)."""
    _currency, tz = payroll()
    closed = queries.closed_periods()
    sources = queries.due_sources(EARLIEST, month_bounds(last)[1], tz, beneficiary_id)
    names = queries.makers([beneficiary_id])
    all_rates, all_rules = queries.all_rates(), queries.all_rules()
    split = rules.split_by_period(
        sources.pieces, sources.sales, sources.presences, sources.refunds, closed, tz
    )
    return {
        period: _open_view(
            period,
            queries.Sources(*parts, details=sources.details),
            closed,
            all_rates,
            all_rules,
            lambda _ids: names,
        )
        for period, parts in split.items()
        if period <= last
    }


def empty_view(period: str) -> PeriodView:
    """An open month with nothing due (yet)."""
    currency, _tz = payroll()
    return PeriodView(period, "open", currency, {}, [], [])


def _open_view(
    period: str,
    sources: queries.Sources,
    closed: list[str],
    all_rates: dict,
    all_rules: dict,
    makers,
) -> PeriodView:
    """An open month's lines and payslips from its due ``sources``."""
    currency, tz = payroll()
    rates = all_rates.get(period, {})
    refund_rates = {}
    for refund in sources.refunds:
        sale_period = rules.due_period(local_date(refund.sale.sold_at, tz), closed)
        if refund.paid_cents is None and sale_period != period:
            refund_rates[refund.id] = all_rates.get(sale_period, {})
    grouped = rules.lines_for_period(
        sources.pieces,
        sources.sales,
        sources.presences,
        sources.refunds,
        all_rules,
        rates,
        currency,
        refund_rates,
    )
    names = makers(grouped)
    slips = [Slip(bid, *names[bid], lines, rules.total(lines)) for bid, lines in grouped.items()]
    slips.sort(key=lambda s: (s.display_name.lower(), s.maker_code))
    every_line = [line for slip in slips for line in slip.lines]
    return PeriodView(
        period,
        "open",
        currency,
        {k: str(v) for k, v in rates.items()},
        rules.missing_rates(every_line),
        slips,
        sources,
    )


def _frozen(row: PayPeriod, beneficiary_id: int | None) -> PeriodView:
    """A closed month as frozen: its payslips, then all their lines (plain rows, two selects)."""
    query = (
        sa.select(
            Payslip.id,
            Payslip.beneficiary_id,
            Payslip.total_cents,
            Beneficiary.display_name,
            Beneficiary.maker_code,
        )
        .join(Beneficiary, Beneficiary.id == Payslip.beneficiary_id)
        .where(Payslip.pay_period_id == row.id)
        .order_by(sa.func.lower(Beneficiary.display_name), Beneficiary.maker_code)
    )
    mine = sa.true() if beneficiary_id is None else Payslip.beneficiary_id == beneficiary_id
    heads = db.session.execute(query.where(mine)).all()
    lines: dict[int, list[rules.Line]] = {head.id: [] for head in heads}
    if heads:
        for x in db.session.execute(
            sa.select(
                PayslipLine.payslip_id,
                Payslip.beneficiary_id,
                PayslipLine.kind,
                PayslipLine.description,
                PayslipLine.amount_cents,
                PayslipLine.source_type,
                PayslipLine.source_id,
            )
            .join(Payslip, Payslip.id == PayslipLine.payslip_id)
            .where(Payslip.pay_period_id == row.id, mine)
            .order_by(PayslipLine.id)
        ):
            lines[x.payslip_id].append(
                rules.Line(
                    x.beneficiary_id,
                    x.kind,
                    x.description,
                    x.amount_cents,
                    x.source_type,
                    x.source_id,
                )
            )
    slips = [
        Slip(h.beneficiary_id, h.display_name, h.maker_code, lines[h.id], h.total_cents)
        for h in heads
    ]
    return PeriodView(
        row.period, "closed", row.currency, {r.currency: r.rate for r in row.rates}, [], slips
    )


def close_period(period: str, given_rates: dict | None, user, on: date | None = None) -> PeriodView:
    """Close a month: rates in, every payslip frozen with bulk inserts, an audit entry.

    409 if closed already or not over; 400 naming any rate still missing.
    """
    row = get_or_create_period(period)
    _lock_open(row, _("This month is already closed."))
    if not rules.has_ended(period, on or today()):
        raise PeriodNotOver(_("This month has not ended yet."))
    if given_rates:
        set_rates(period, given_rates, row, locked=True)
    view = preview(period)
    if view.missing_rates:
        why = _("Set this exchange rate first.")
        raise Invalid(
            _("Exchange rates missing: %(codes)s.", codes=", ".join(view.missing_rates)),
            {f"exchange_rates.{code}": why for code in view.missing_rates},
            code="missing_rates",
        )
    closed = {"status": "closed", "closed_at": utcnow(), "closed_by_id": getattr(user, "id", None)}
    won = db.session.execute(
        sa.update(PayPeriod)
        .where(PayPeriod.id == row.id, PayPeriod.status == "open")
        .values(**closed)
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:  # someone else closed it a moment ago
        raise PeriodClosed(_("This month is already closed."))
    for key, value in closed.items():
        set_committed_value(row, key, value)
    _freeze(row, view)
    audit.record(
        "wages.close",
        row,
        period=period,
        payslips=len(view.slips),
        total_cents=view.total_cents,
        rates=view.rates,
        user=user,
    )
    db.session.flush()
    return _frozen(row, None)


def _freeze(row: PayPeriod, view: PeriodView) -> None:
    """Insert the payslips and then their lines, each in one bulk statement."""
    if not view.slips:
        return
    db.session.execute(
        sa.insert(Payslip.__table__),
        [
            {
                "pay_period_id": row.id,
                "beneficiary_id": s.beneficiary_id,
                "currency": view.currency,
                "total_cents": s.total_cents,
            }
            for s in view.slips
        ],
    )
    ids = dict(
        db.session.execute(
            sa.select(Payslip.beneficiary_id, Payslip.id).where(Payslip.pay_period_id == row.id)
        ).all()
    )
    db.session.execute(
        sa.insert(PayslipLine.__table__),
        [
            {
                "payslip_id": ids[s.beneficiary_id],
                "kind": x.kind,
                "description": x.description[:200],
                "amount_cents": x.amount_cents,
                "source_type": x.source_type,
                "source_id": x.source_id,
            }
            for s in view.slips
            for x in s.lines
        ],
    )


def payslip(period: str, beneficiary_id: int) -> tuple[PayPeriod, Slip]:
    """One maker's frozen payslip for a closed month; 404 if there is none."""
    row = find_period(period)
    if row is None or row.status != "closed":
        raise NotFound(_("There is no payslip for this month yet."))
    view = _frozen(row, beneficiary_id)
    if not view.slips:
        raise NotFound(_("There is no payslip for this month."))
    return row, view.slips[0]


def recent_periods(count: int = 12) -> list[tuple[str, PayPeriod | None]]:
    """The last ``count`` months (newest first) with their stored row, if any."""
    first = parse_period(period_of(today()))
    months = []
    year, month = first.year, first.month
    for _i in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    rows = {
        r.period: r
        for r in db.session.scalars(sa.select(PayPeriod).where(PayPeriod.period.in_(months)))
    }
    return [(m, rows.get(m)) for m in months]


def audit_read(view: PeriodView, beneficiary_id: int | None = None) -> None:
    """Staff read the pay of people: one audit entry per read."""
    audit.record(
        "wages.read",
        entity_type="pay_periods",
        entity_id=view.period,
        status=view.status,
        makers=len(view.slips),
        beneficiary_id=beneficiary_id,
    )
