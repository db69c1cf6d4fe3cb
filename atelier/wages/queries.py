"""Load what is due for a pay window in a fixed number of grouped, joined selects."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from atelier.catalog.models import ProductRule, ProductType
from atelier.extensions import db
from atelier.money import format_cents
from atelier.org.models import Site
from atelier.people.models import Beneficiary
from atelier.production.models import Item
from atelier.till.models import Return, Sale, SaleLine
from atelier.timeutil import local_date, start_of_day_utc
from atelier.wages.models import ExchangeRate, PayPeriod, PayslipLine
from atelier.wages.rules import Piece, Presence, Refund, Rule, SoldLine
from atelier.workshops.models import Attendance, Workshop, WorkshopSession
from atelier.workshops.rules import format_hours


@dataclass
class Sources:
    """Everything not yet on a closed payslip, dated in a window; plus display details."""

    pieces: list[Piece] = field(default_factory=list)
    sales: list[SoldLine] = field(default_factory=list)
    presences: list[Presence] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    #: (source_type, source_id) → {"product_type_id", "photo_version", "city", "code", "name"}
    details: dict[tuple[str, int], dict] = field(default_factory=dict)


def _unpaid(kind: str, source_type: str, source_id):
    """NOT EXISTS a payslip line for this source: it was never frozen on a closed payslip."""
    return ~sa.exists().where(
        PayslipLine.kind == kind,
        PayslipLine.source_type == source_type,
        PayslipLine.source_id == source_id,
    )


def closed_periods() -> list[str]:
    """Every closed period, ``YYYY-MM``."""
    return list(db.session.scalars(sa.select(PayPeriod.period).where(PayPeriod.status == "closed")))


def all_rates() -> dict[str, dict[str, Decimal]]:
    """Every month's exchange rates: period → currency → rate."""
    rows = db.session.execute(
        sa.select(PayPeriod.period, ExchangeRate.currency, ExchangeRate.rate).join(
            ExchangeRate, ExchangeRate.pay_period_id == PayPeriod.id
        )
    )
    rates: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for period, currency, rate in rows:
        rates[period][currency] = Decimal(rate)
    return dict(rates)


def all_rules() -> dict[int, list[Rule]]:
    """Every product's wage rules (a small table), by product type id."""
    rules: dict[int, list[Rule]] = defaultdict(list)
    for row in db.session.execute(
        sa.select(
            ProductRule.product_type_id,
            ProductRule.effective_from,
            ProductRule.piece_rate_cents,
            ProductRule.maker_share_bp,
        )
    ):
        rules[row.product_type_id].append(
            Rule(row.effective_from, row.piece_rate_cents, row.maker_share_bp)
        )
    return dict(rules)


def due_sources(start: date, end: date, tz: str, beneficiary_id: int | None = None) -> Sources:
    """Pieces, sales, presences and returns dated in [start, end) (payroll ``tz`` for
    instants) and not on any closed payslip. Four selects, whatever the data size."""
    lo, hi = start_of_day_utc(start, tz), start_of_day_utc(end, tz)
    out = Sources()
    _load_pieces(out, start, end, beneficiary_id)
    _load_sales(out, lo, hi, beneficiary_id)
    _load_presences(out, start, end, beneficiary_id)
    _load_refunds(out, lo, hi, beneficiary_id)
    return out


def _mine(column, beneficiary_id):
    """A filter on the maker, or none."""
    return sa.true() if beneficiary_id is None else column == beneficiary_id


def _load_pieces(out: Sources, start, end, beneficiary_id) -> None:
    """QC-passed pieces made in the window."""
    rows = db.session.execute(
        sa.select(
            Item.id,
            Item.beneficiary_id,
            Item.made_on,
            Item.product_type_id,
            Item.code,
            ProductType.name,
            ProductType.sku,
            ProductType.photo_version,
        )
        .join(ProductType, ProductType.id == Item.product_type_id)
        .where(
            Item.made_on >= start,
            Item.made_on < end,
            Item.counts_as_made,
            _mine(Item.beneficiary_id, beneficiary_id),
            _unpaid("piece", "item", Item.id),
        )
        .order_by(Item.made_on, Item.id)
    )
    for r in rows:
        label = f"{r.code} · {r.name} · {r.made_on.isoformat()}"
        out.pieces.append(Piece(r.id, r.beneficiary_id, r.made_on, r.product_type_id, label))
        out.details[("item", r.id)] = {
            "product_type_id": r.product_type_id,
            "code": r.code,
            "sku": r.sku,
            "photo_version": r.photo_version,
            "name": r.name,
            "on": r.made_on,
        }


def _sale_columns():
    """The columns describing a sold line, for sales and returns alike."""
    return (
        SaleLine.id.label("line_id"),
        SaleLine.beneficiary_id,
        SaleLine.price_cents,
        SaleLine.currency,
        Sale.sold_at,
        Site.timezone,
        Site.city,
        Item.code,
        Item.product_type_id,
        ProductType.name,
        ProductType.sku,
        ProductType.photo_version,
    )


def _sold(r) -> SoldLine:
    """A SoldLine from a row of :func:`_sale_columns`."""
    label = f"{r.code} · {r.name} · {format_cents(r.price_cents, r.currency)}"
    return SoldLine(
        r.line_id,
        r.beneficiary_id,
        r.price_cents,
        r.currency,
        r.sold_at,
        r.timezone,
        r.product_type_id,
        label,
    )


def _join_sale(query):
    """Join a SaleLine query to its sale, shop, item and product."""
    return (
        query.join(Sale, Sale.id == SaleLine.sale_id)
        .join(Site, Site.id == Sale.site_id)
        .join(Item, Item.id == SaleLine.item_id)
        .join(ProductType, ProductType.id == Item.product_type_id)
    )


def _load_sales(out: Sources, lo, hi, beneficiary_id) -> None:
    """Sale lines sold in the window."""
    rows = db.session.execute(
        _join_sale(sa.select(*_sale_columns()))
        .where(
            Sale.sold_at >= lo,
            Sale.sold_at < hi,
            _mine(SaleLine.beneficiary_id, beneficiary_id),
            _unpaid("sales_share", "sale_line", SaleLine.id),
        )
        .order_by(Sale.sold_at, SaleLine.id)
    )
    for r in rows:
        out.sales.append(_sold(r))
        out.details[("sale_line", r.line_id)] = {
            "product_type_id": r.product_type_id,
            "code": r.code,
            "city": r.city,
            "sku": r.sku,
            "photo_version": r.photo_version,
            "name": r.name,
            "on": r.sold_at,
        }


def _load_presences(out: Sources, start, end, beneficiary_id) -> None:
    """Presences at sessions with a stipend, held in the window."""
    rows = db.session.execute(
        sa.select(
            Attendance.id,
            Attendance.beneficiary_id,
            WorkshopSession.held_on,
            WorkshopSession.centihours,
            Workshop.stipend_per_hour_cents,
            Workshop.title,
        )
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
        .where(
            Attendance.status == "present",
            Workshop.stipend_per_hour_cents > 0,
            WorkshopSession.held_on >= start,
            WorkshopSession.held_on < end,
            _mine(Attendance.beneficiary_id, beneficiary_id),
            _unpaid("stipend", "attendance", Attendance.id),
        )
        .order_by(WorkshopSession.held_on, Attendance.id)
    )
    for r in rows:
        label = f"{r.title} · {r.held_on.isoformat()} · {format_hours(r.centihours)} h"
        out.presences.append(
            Presence(
                r.id, r.beneficiary_id, r.held_on, r.centihours, r.stipend_per_hour_cents, label
            )
        )
        out.details[("attendance", r.id)] = {
            "title": r.title,
            "centihours": r.centihours,
            "rate_cents": r.stipend_per_hour_cents,
            "on": r.held_on,
        }


def _load_refunds(out: Sources, lo, hi, beneficiary_id) -> None:
    """Returns made in the window, with what their sale line was paid if it was."""
    paid = aliased(PayslipLine)
    rows = db.session.execute(
        _join_sale(
            sa.select(
                Return.id.label("return_id"),
                Return.returned_at,
                paid.amount_cents.label("paid_cents"),
                *_sale_columns(),
            )
            .select_from(Return)
            .join(SaleLine, SaleLine.id == Return.sale_line_id)
        )
        .outerjoin(
            paid,
            sa.and_(
                paid.kind == "sales_share",
                paid.source_type == "sale_line",
                paid.source_id == SaleLine.id,
            ),
        )
        .where(
            Return.returned_at >= lo,
            Return.returned_at < hi,
            _mine(SaleLine.beneficiary_id, beneficiary_id),
            _unpaid("adjustment", "return", Return.id),
        )
        .order_by(Return.returned_at, Return.id)
    )
    for r in rows:
        sale = _sold(r)
        label = f"↩ {sale.label} · {local_date(r.returned_at, r.timezone).isoformat()}"
        out.refunds.append(Refund(r.return_id, sale, r.paid_cents, label, r.returned_at))
        out.details[("return", r.return_id)] = {
            "product_type_id": r.product_type_id,
            "code": r.code,
            "city": r.city,
            "sku": r.sku,
            "photo_version": r.photo_version,
            "name": r.name,
            "on": r.returned_at,
            "sale_line_id": r.line_id,
        }


def makers(ids) -> dict[int, tuple[str, str]]:
    """Display name and maker code of the given beneficiaries, in one select."""
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Beneficiary.id, Beneficiary.display_name, Beneficiary.maker_code).where(
            Beneficiary.id.in_(ids)
        )
    )
    return {r.id: (r.display_name, r.maker_code) for r in rows}
