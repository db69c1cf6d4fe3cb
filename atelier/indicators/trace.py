"""Traceability: which people or pieces a result counts (one query per trace)."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from atelier.extensions import db
from atelier.indicators import rules
from atelier.org.models import Programme, Site
from atelier.people.models import Beneficiary
from atelier.production.models import Item
from atelier.till.models import Return, Sale, SaleLine
from atelier.wages.models import PayPeriod, Payslip
from atelier.workshops.models import Attendance, Workshop, WorkshopSession


@dataclass(frozen=True)
class TraceLine:
    """A person (display name + maker code) or a piece (code) behind a result."""

    name: str
    code: str
    programme: str
    site: str
    #: sessions present, centihours, months paid; or for pieces the day and +1/−1
    amount: int
    day: date | None = None


def _limits(site_col, programme_col, site_ids, site, programme):
    """Filters for the visible sites and the chosen site and programme."""
    where = []
    if site_ids is not None:
        where.append(site_col.in_(sorted(site_ids) or [-1]))
    if site is not None:
        where.append(site_col == site.id)
    if programme is not None:
        where.append(programme_col == programme.id)
    return where


def _attendance(key, year, site_ids, site, programme):
    """People present at sessions of the key's kind, with sessions or hours per person."""
    first, nxt = rules.year_bounds(year)
    kind = rules.PARTICIPANT_KINDS.get(key, "vocational")
    amount = (
        sa.func.sum(WorkshopSession.centihours)
        if key == "training_hours"
        else sa.func.count(sa.distinct(WorkshopSession.id))
    )
    return (
        sa.select(
            Beneficiary.display_name,
            Beneficiary.maker_code,
            Programme.code,
            sa.func.min(Site.code),
            amount,
        )
        .select_from(Attendance)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
        .join(Site, Site.id == Workshop.site_id)
        .join(Beneficiary, Beneficiary.id == Attendance.beneficiary_id)
        .join(Programme, Programme.id == Beneficiary.programme_id)
        .where(
            Attendance.status == "present",
            Workshop.kind == kind,
            WorkshopSession.held_on >= first,
            WorkshopSession.held_on < nxt,
            *_limits(Workshop.site_id, Beneficiary.programme_id, site_ids, site, programme),
        )
        .group_by(Beneficiary.id, Beneficiary.display_name, Beneficiary.maker_code, Programme.code)
        .order_by(Beneficiary.display_name, Beneficiary.maker_code)
    )


def _paid(year, site_ids, site, programme):
    """Makers with a positive closed payslip in the year, with the months paid."""
    return (
        sa.select(
            Beneficiary.display_name,
            Beneficiary.maker_code,
            Programme.code,
            Site.code,
            sa.func.count(Payslip.id),
        )
        .select_from(Payslip)
        .join(PayPeriod, PayPeriod.id == Payslip.pay_period_id)
        .join(Beneficiary, Beneficiary.id == Payslip.beneficiary_id)
        .join(Programme, Programme.id == Beneficiary.programme_id)
        .join(Site, Site.id == Beneficiary.site_id)
        .where(
            PayPeriod.status == "closed",
            PayPeriod.period.like(f"{year:04d}-%"),
            Payslip.total_cents > 0,
            *_limits(Beneficiary.site_id, Beneficiary.programme_id, site_ids, site, programme),
        )
        .group_by(
            Beneficiary.id,
            Beneficiary.display_name,
            Beneficiary.maker_code,
            Programme.code,
            Site.code,
        )
        .order_by(Beneficiary.display_name, Beneficiary.maker_code)
    )


def _pieces(key, year, site_ids, site, programme, tz_name):
    """Pieces made (or sold, +1, and returned, −1) in the year, with the day of each."""
    limits = _limits(Item.origin_site_id, Beneficiary.programme_id, site_ids, site, programme)

    def base(day, sign, *joins):
        """Item code, programme, site, ±1 and day, from ``joins`` (first: the FROM)."""
        query = sa.select(
            Item.code.label("code"),
            sa.literal_column("''").label("maker"),
            Programme.code.label("programme"),
            Site.code.label("site"),
            sa.literal_column(sign).label("sign"),
            day.label("day"),
        )
        query = query.select_from(joins[0][0]) if joins else query
        for target, on in joins[1:]:
            query = query.join(target, on)
        return (
            query.join(Beneficiary, Beneficiary.id == Item.beneficiary_id)
            .join(Programme, Programme.id == Beneficiary.programme_id)
            .join(Site, Site.id == Item.origin_site_id)
        )

    if key == "pieces_produced":
        first, nxt = rules.year_bounds(year)
        return (
            base(Item.made_on, "1")
            .where(
                Item.counts_as_made,
                Item.made_on >= first,
                Item.made_on < nxt,
                *limits,
            )
            .order_by(Item.made_on, Item.code)
        )
    start, end = rules.year_bounds_utc(year, tz_name)
    sold = base(
        Sale.sold_at,
        "1",
        (SaleLine, None),
        (Sale, Sale.id == SaleLine.sale_id),
        (Item, Item.id == SaleLine.item_id),
    ).where(Sale.sold_at >= start, Sale.sold_at < end, *limits)
    returned = base(
        Return.returned_at, "-1", (Return, None), (Item, Item.id == Return.item_id)
    ).where(Return.returned_at >= start, Return.returned_at < end, *limits)
    both = sa.union_all(sold, returned).subquery()
    return sa.select(both).order_by(both.c.day, both.c.code, both.c.sign.desc())


def lines(key: str, year: int, site_ids, site, programme, tz_name: str) -> list[TraceLine]:
    """What a result counts, in one query."""
    if key == "makers_paid":
        query = _paid(year, site_ids, site, programme)
    elif rules.UNITS[key] == "pieces":
        query = _pieces(key, year, site_ids, site, programme, tz_name)
    else:
        query = _attendance(key, year, site_ids, site, programme)
    out = []
    for row in db.session.execute(query):
        name, code, prog, site_code, amount = row[:5]
        day = row[5] if len(row) > 5 else None
        if day is not None and not isinstance(day, date):
            day = None
        elif hasattr(day, "astimezone"):
            day = rules.local_day(day, tz_name)
        if rules.UNITS[key] == "pieces":
            name, code = code, name
        out.append(TraceLine(name or "", code or "", prog, site_code, int(amount), day))
    return out
