"""A maker's own earnings: this month so far, her pieces, where they sold, her past months."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier.errors import NotFound
from atelier.extensions import db
from atelier.timeutil import parse_period, period_of
from atelier.wages import services
from atelier.wages.models import PayPeriod, Payslip


@dataclass
class Month:
    """One month's total for her: frozen (closed) or so far (open)."""

    period: str
    status: str
    total_cents: int


@dataclass
class Earnings:
    """Everything her earnings page shows."""

    currency: str
    current: Month
    periods: list[Month]
    pieces: list[dict] = field(default_factory=list)
    sold: list[dict] = field(default_factory=list)
    pending_rates: bool = False

    @property
    def piece_groups(self) -> list[dict]:
        """Her pieces this month by product: one line per product with how many and how much,
        so a busy month stays a short page on her phone."""
        return group_by_product(self.pieces)


def group_by_product(pieces: list[dict]) -> list[dict]:
    """Pieces grouped by product (first made first), with ``count`` and summed ``amount_cents``."""
    groups: dict[str, dict] = {}
    for piece in pieces:
        group = groups.setdefault(piece["sku"], {**piece, "count": 0, "amount_cents": 0})
        group["count"] += 1
        group["amount_cents"] += piece["amount_cents"] or 0
    return list(groups.values())


def own_beneficiary_id(user) -> int:
    """The maker record of the signed-in account; 404 for accounts without one."""
    if not getattr(user, "beneficiary_id", None):
        raise NotFound(_("This account has no earnings."))
    return user.beneficiary_id


def _previous(period: str) -> str:
    """The month before ``period``."""
    first = parse_period(period)
    return period_of(date.fromordinal(first.toordinal() - 1))


def summary(beneficiary_id: int, on: date | None = None) -> Earnings:
    """Her earnings, built from the same preview and payslips the coordinator sees.

    A fixed number of selects: her payslips, then one load of everything still due to her,
    split into the open months it is due in. This month is always shown, and last month
    while it is open (even with nothing due); older open months only where something is due
    (the coordinator has not closed them yet).
    """
    today = on or services.today()
    current_period = period_of(today)
    frozen = db.session.execute(
        sa.select(PayPeriod.period, Payslip.total_cents)
        .join(Payslip, Payslip.pay_period_id == PayPeriod.id)
        .where(Payslip.beneficiary_id == beneficiary_id, PayPeriod.status == "closed")
        .order_by(PayPeriod.period.desc())
    ).all()
    closed = {period: total for period, total in frozen}
    views = services.open_previews(beneficiary_id, current_period)
    for period in (current_period, _previous(current_period)):
        if period not in closed and period not in views:
            views[period] = services.empty_view(period)
    months = [Month(period, "open", view.total_cents) for period, view in views.items()]
    months += [Month(p, "closed", t) for p, t in closed.items() if p not in views]
    months.sort(key=lambda m: m.period, reverse=True)
    current = next(
        (m for m in months if m.period == current_period),
        Month(current_period, "closed", closed.get(current_period, 0)),
    )
    result = Earnings(services.payroll()[0], current, months)
    view = views.get(current_period)
    if view is not None:
        _fill_this_month(result, view)
    return result


def _fill_this_month(result: Earnings, view: services.PeriodView) -> None:
    """Her pieces this month and her pieces sold this month (with the city only)."""
    amounts = {
        (x.source_type, x.source_id): x.amount_cents for slip in view.slips for x in slip.lines
    }
    details = view.sources.details
    for piece in view.sources.pieces:
        key = ("item", piece.id)
        result.pieces.append({**details[key], "amount_cents": amounts.get(key)})
    for sale in view.sources.sales:
        key = ("sale_line", sale.id)
        result.sold.append({**details[key], "amount_cents": amounts.get(key)})
    result.pending_rates = bool(view.missing_rates)
