"""A maker's own earnings: this month so far in groups that add up, and her past months."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier.errors import NotFound
from atelier.extensions import db
from atelier.timeutil import parse_period, period_of
from atelier.wages import groups as grouping
from atelier.wages import rules, services
from atelier.wages.models import PayPeriod, Payslip


@dataclass
class Month:
    """One month's total for her: frozen (closed) or so far (open)."""

    period: str
    status: str
    total_cents: int


@dataclass
class Earnings:
    """Everything her earnings page shows: every amount a sum of lines she can see."""

    currency: str
    current: Month
    periods: list[Month]
    #: every line of this month's live preview (as the coordinator sees them)
    lines: list[rules.Line] = field(default_factory=list)
    #: the lines as pieces, sales, training and take-backs; their amounts add up to the total
    groups: list[grouping.Group] = field(
        default_factory=lambda: [grouping.Group(kind) for kind in rules.KINDS]
    )
    #: sales (and returns) whose amount comes when the month's exchange rate is set
    waiting: list[grouping.Waiting] = field(default_factory=list)

    def group(self, kind: str) -> grouping.Group:
        """This month's group of one kind."""
        return next((g for g in self.groups if g.kind == kind), grouping.Group(kind))


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
    """Her lines this month, and the same lines grouped for her to read."""
    result.lines = [line for slip in view.slips for line in slip.lines]
    result.groups, result.waiting = grouping.month_groups(result.lines, view.sources.details)
