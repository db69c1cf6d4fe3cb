"""Results computed from the records: a fixed number of aggregate queries per year.

Site is where the workshop or the making happened (a maker's own site for
``makers_paid``); programme is always the beneficiary's own programme, even when she
attends a workshop run for another programme.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from atelier.extensions import db
from atelier.indicators import rules
from atelier.people.models import Beneficiary
from atelier.production.models import Item
from atelier.till.models import Return, Sale, SaleLine
from atelier.wages.models import PayPeriod, Payslip
from atelier.workshops.models import Attendance, Workshop, WorkshopSession

Cell = tuple[int | None, int | None]


@dataclass
class Results:
    """One year's results: per key, cells by (site_id, programme_id), None meaning all."""

    year: int
    cells: dict[str, dict[Cell, int]] = field(default_factory=dict)
    #: participant keys only: distinct people by gender and by age band (all sites)
    by_gender: dict[str, dict[str, int]] = field(default_factory=dict)
    by_age: dict[str, dict[str, int]] = field(default_factory=dict)

    def value(self, key: str, site_id: int | None = None, programme_id: int | None = None) -> int:
        """The result of one cell (0 when nothing was recorded); hours in centihours."""
        return self.cells.get(key, {}).get((site_id, programme_id), 0)


def age_band_sql(birth_year, year: int):
    """The SQL twin of :func:`rules.age_band`."""
    age = sa.literal(year) - birth_year
    return sa.case(
        (birth_year.is_(None), "unknown"),
        (age < 18, "under_18"),
        (age <= 25, "18_25"),
        else_="26_plus",
    )


def _in_sites(column, site_ids):
    """A filter to the visible sites (none when ``site_ids`` is None: all sites)."""
    return sa.true() if site_ids is None else column.in_(sorted(site_ids) or [-1])


def _participants(year: int, site_ids) -> sa.Select:
    """One UNION ALL query: distinct people present, per kind, for every disaggregation."""
    first, nxt = rules.year_bounds(year)
    present = (
        sa.select(
            Workshop.kind.label("kind"),
            Workshop.site_id.label("site_id"),
            Beneficiary.programme_id.label("programme_id"),
            Beneficiary.gender.label("gender"),
            age_band_sql(Beneficiary.birth_year, year).label("band"),
            Attendance.beneficiary_id.label("bid"),
        )
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
        .join(Beneficiary, Beneficiary.id == Attendance.beneficiary_id)
        .where(
            Attendance.status == "present",
            WorkshopSession.held_on >= first,
            WorkshopSession.held_on < nxt,
            _in_sites(Workshop.site_id, site_ids),
        )
        .cte("present")
    )
    no_int = sa.cast(sa.null(), sa.Integer)
    no_str = sa.cast(sa.null(), sa.String)
    people = sa.func.count(sa.distinct(present.c.bid))
    parts = []
    for dim, site, programme, value in (
        ("cell", no_int, no_int, no_str),
        ("cell", present.c.site_id, no_int, no_str),
        ("cell", no_int, present.c.programme_id, no_str),
        ("cell", present.c.site_id, present.c.programme_id, no_str),
        ("gender", no_int, no_int, present.c.gender),
        ("age", no_int, no_int, present.c.band),
    ):
        group = [c for c in (site, programme, value) if c is not no_int and c is not no_str]
        parts.append(
            sa.select(
                present.c.kind,
                sa.literal_column(f"'{dim}'").label("dim"),
                site.label("site_id"),
                programme.label("programme_id"),
                value.label("value"),
                people.label("n"),
            ).group_by(present.c.kind, *group)
        )
    return sa.union_all(*parts)


def _hours(year: int, site_ids) -> sa.Select:
    """Centihours present at vocational sessions, by workshop site and person's programme."""
    first, nxt = rules.year_bounds(year)
    return (
        sa.select(
            Workshop.site_id, Beneficiary.programme_id, sa.func.sum(WorkshopSession.centihours)
        )
        .select_from(Attendance)
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
        .join(Beneficiary, Beneficiary.id == Attendance.beneficiary_id)
        .where(
            Attendance.status == "present",
            Workshop.kind == "vocational",
            WorkshopSession.held_on >= first,
            WorkshopSession.held_on < nxt,
            _in_sites(Workshop.site_id, site_ids),
        )
        .group_by(Workshop.site_id, Beneficiary.programme_id)
    )


def _produced(year: int, site_ids) -> sa.Select:
    """QC-passed pieces made in the year, by where made and the maker's programme."""
    first, nxt = rules.year_bounds(year)
    return (
        sa.select(Item.origin_site_id, Beneficiary.programme_id, sa.func.count(Item.id))
        .join(Beneficiary, Beneficiary.id == Item.beneficiary_id)
        .where(
            Item.counts_as_made,
            Item.made_on >= first,
            Item.made_on < nxt,
            _in_sites(Item.origin_site_id, site_ids),
        )
        .group_by(Item.origin_site_id, Beneficiary.programme_id)
    )


def _sold(year: int, site_ids, tz_name: str) -> sa.Select:
    """Lines sold in the year (+1) and returns in the year (−1), by where made and programme."""
    start, end = rules.year_bounds_utc(year, tz_name)
    sold = (
        sa.select(
            Item.origin_site_id.label("site_id"),
            Beneficiary.programme_id.label("programme_id"),
            sa.literal_column("1").label("sign"),
        )
        .select_from(SaleLine)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .join(Item, Item.id == SaleLine.item_id)
        .join(Beneficiary, Beneficiary.id == Item.beneficiary_id)
        .where(Sale.sold_at >= start, Sale.sold_at < end, _in_sites(Item.origin_site_id, site_ids))
    )
    returned = (
        sa.select(Item.origin_site_id, Beneficiary.programme_id, sa.literal_column("-1"))
        .select_from(Return)
        .join(Item, Item.id == Return.item_id)
        .join(Beneficiary, Beneficiary.id == Item.beneficiary_id)
        .where(
            Return.returned_at >= start,
            Return.returned_at < end,
            _in_sites(Item.origin_site_id, site_ids),
        )
    )
    both = sa.union_all(sold, returned).subquery()
    return sa.select(both.c.site_id, both.c.programme_id, sa.func.sum(both.c.sign)).group_by(
        both.c.site_id, both.c.programme_id
    )


def _paid(year: int, site_ids) -> sa.Select:
    """Distinct makers with a positive payslip in a closed month of the year."""
    return (
        sa.select(
            Beneficiary.site_id,
            Beneficiary.programme_id,
            sa.func.count(sa.distinct(Payslip.beneficiary_id)),
        )
        .select_from(Payslip)
        .join(PayPeriod, PayPeriod.id == Payslip.pay_period_id)
        .join(Beneficiary, Beneficiary.id == Payslip.beneficiary_id)
        .where(
            PayPeriod.status == "closed",
            PayPeriod.period.like(f"{year:04d}-%"),
            Payslip.total_cents > 0,
            _in_sites(Beneficiary.site_id, site_ids),
        )
        .group_by(Beneficiary.site_id, Beneficiary.programme_id)
    )


def compute(year: int, site_ids: set[int] | None, tz_name: str) -> Results:
    """Every key's results for a year, limited to ``site_ids`` (None: all): five queries."""
    results = Results(year)
    kind_key = {kind: key for key, kind in rules.PARTICIPANT_KINDS.items()}
    for key in rules.PARTICIPANT_KINDS:
        results.cells[key] = {(None, None): 0}
        results.by_gender[key] = {}
        results.by_age[key] = {band: 0 for band in rules.AGE_BANDS}
    for kind, dim, site_id, programme_id, value, n in db.session.execute(
        _participants(year, site_ids)
    ):
        key = kind_key[kind]
        if dim == "cell":
            results.cells[key][(site_id, programme_id)] = int(n)
        elif dim == "gender":
            results.by_gender[key][value] = int(n)
        else:
            results.by_age[key][value] = int(n)
    results.cells["training_hours"] = rules.roll_up(db.session.execute(_hours(year, site_ids)))
    results.cells["pieces_produced"] = rules.roll_up(db.session.execute(_produced(year, site_ids)))
    results.cells["pieces_sold"] = rules.roll_up(db.session.execute(_sold(year, site_ids, tz_name)))
    results.cells["makers_paid"] = rules.roll_up(db.session.execute(_paid(year, site_ids)))
    return results
