"""Demo wages: EUR rates for recent months, and the months before last closed."""

import random
from datetime import date

import sqlalchemy as sa
from flask import current_app

from atelier.extensions import db
from atelier.people.models import Beneficiary
from atelier.timeutil import parse_period, period_of
from atelier.wages import payees, services
from atelier.wages.models import Payee

#: the example IBAN of the Romanian banking association; demo only
DEMO_IBAN = "RO49AAAA1B31007593840000"
MONTHS_BACK = 6


def _months_before(today: date, count: int) -> list[str]:
    """The ``count`` months before today's, oldest first."""
    first = parse_period(period_of(today))
    months = []
    for _i in range(count):
        first = parse_period(period_of(date.fromordinal(first.toordinal() - 1)))
        months.append(period_of(first))
    return list(reversed(months))


def seed() -> None:
    """Rates (EUR→RON about 4.97) for the last six months; close all but last month.

    Idempotent: closed months and rates already set are left alone. Works with no items
    or sales at all (the months close with no payslips).
    """
    with current_app.test_request_context():
        rnd = random.Random(2026)  # noqa: S311 - demo data, not secrets
        today = services.today()
        months = _months_before(today, MONTHS_BACK)
        for index, period in enumerate(months):
            rate = f"4.{9500 + rnd.randint(0, 400):04d}"  # 4.9500 … 4.9900
            row = services.get_or_create_period(period)
            if row.status == "closed":
                continue
            known = {r.currency for r in row.rates}
            if "EUR" not in known:
                services.set_rates(period, {"EUR": rate}, row)
            if index < len(months) - 1:
                if services.preview(period).missing_rates:
                    continue  # a currency the demo does not know: leave the month open
                services.close_period(period, None, None, on=today)
        _demo_payee()
        db.session.flush()


def _demo_payee() -> None:
    """Bank details for the demo maker Elena, if she exists and has none."""
    elena = db.session.scalar(sa.select(Beneficiary).where(Beneficiary.display_name == "Elena"))
    if elena is None:
        return
    if db.session.scalar(sa.select(Payee.id).where(Payee.beneficiary_id == elena.id)) is None:
        payees.set_payee(elena.maker_code, "Elena", DEMO_IBAN)
