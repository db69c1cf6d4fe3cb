"""Use cases for production: log pieces, void a mistaken entry, list a day's work."""

import uuid
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from atelier import audit
from atelier.authz import get_of_site, require_site, visible_site_ids
from atelier.catalog.rules import rule_on
from atelier.catalog.services import product_by_sku
from atelier.db import utcnow
from atelier.enums import QC, ItemStatus
from atelier.errors import Conflict, Invalid, NotFound
from atelier.extensions import db
from atelier.org.models import Site
from atelier.people.models import Beneficiary
from atelier.people.rules import normal_code
from atelier.production import lifecycle, rules
from atelier.production.models import Item, ProductionEntry
from atelier.timeutil import local_date
from atelier.wages.models import PayslipLine


class ProductionConflict(Conflict):
    """The entry's pieces have moved on, or it is already voided."""


def site_today(site: Site) -> date:
    """Today's date in the site's timezone."""
    return local_date(utcnow(), site.timezone)


def ateliers_for(user) -> list[Site]:
    """The atelier sites a user may log production for, by code."""
    query = sa.select(Site).where(Site.kind == "atelier").order_by(Site.code)
    ids = visible_site_ids(user)
    if ids is not None:
        query = query.where(Site.id.in_(ids or {-1}))
    return list(db.session.scalars(query))


def atelier_for(user, code: str | None) -> Site:
    """The atelier named by ``code`` (or the user's first one); 403 if not hers."""
    if code:
        site = db.session.scalar(sa.select(Site).where(Site.code == code.upper()))
        if site is None or site.kind != "atelier":
            raise NotFound(_("No such atelier."))
        require_site(user, site.id)
        return site
    sites = ateliers_for(user)
    if not sites:
        raise NotFound(_("You have no atelier."))
    return sites[0]


def makers_at(site: Site) -> list[Beneficiary]:
    """The makers of a site who are still in the programme, by name."""
    return list(
        db.session.scalars(
            sa.select(Beneficiary)
            .where(Beneficiary.site_id == site.id, Beneficiary.is_exited.is_(False))
            .order_by(Beneficiary.display_name, Beneficiary.id)
        )
    )


def _maker(maker_code: str) -> Beneficiary:
    """The beneficiary with this maker code, or a 400 naming the field."""
    maker = db.session.scalar(
        sa.select(Beneficiary).where(Beneficiary.maker_code == normal_code(maker_code))
    )
    if maker is None:
        raise Invalid(_("Unknown maker."), {"beneficiary": "unknown maker code"})
    return maker


def log_production(
    user,
    maker_code: str,
    sku: str,
    quantity: int,
    made_on: date | None,
    qc: str = "passed",
    client_id: str | None = None,
):
    """Create one item per piece; returns ``(entry, created)``. A replayed client_id creates
    nothing and returns the first entry."""
    if client_id is not None and not rules.is_client_id(client_id):
        raise Invalid(_("The save could not be identified."), {"client_id": "a UUID"})
    client_id = client_id or str(uuid.uuid4())
    existing = _entry_by_client_id(client_id)
    if existing is not None:
        require_site(user, existing.site_id)
        return existing, False
    maker = _maker(maker_code)
    require_site(user, maker.site_id)
    site = maker.site
    product = product_by_sku(sku, field="product_type")
    if qc not in tuple(QC):
        raise Invalid(_("Choose passed or rejected."), {"qc": "passed or rejected"})
    made_on = made_on or site_today(site)
    errors = rules.check_entry(quantity, made_on, site_today(site))
    if site.kind != "atelier" or maker.is_exited:
        errors["beneficiary"] = "not a maker at an atelier"
    if not product.is_active:
        errors["product_type"] = "no longer made"
    elif rule_on(product.rules, made_on) is None:
        errors["product_type"] = "has no price on that day"
    if errors:
        raise Invalid(_("The pieces could not be saved."), errors)
    entry = ProductionEntry(
        client_id=client_id,
        site_id=site.id,
        beneficiary_id=maker.id,
        product_type_id=product.id,
        made_on=made_on,
        quantity=quantity,
        qc=qc,
        created_by_id=getattr(user, "id", None),
    )
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        # the same client_id committed by a concurrent request: return that one
        existing = _entry_by_client_id(client_id)
        if existing is None:
            raise
        require_site(user, existing.site_id)
        return existing, False
    _create_items(entry, site, user)
    audit.record(
        "production.log",
        entry,
        user=user,
        maker=maker.maker_code,
        product_type=product.sku,
        quantity=quantity,
        qc=qc,
        made_on=made_on,
    )
    return entry, True


def _entry_by_client_id(client_id: str) -> ProductionEntry | None:
    """The entry a device saved with this client_id, if any."""
    return db.session.scalar(
        sa.select(ProductionEntry).where(ProductionEntry.client_id == client_id)
    )


def _create_items(entry: ProductionEntry, site: Site, user) -> None:
    """Hand out gap-free codes with one conditional UPDATE (the row lock serialises
    concurrent savers across processes; a rollback returns the numbers) and add the items."""
    sites = Site.__table__
    last = db.session.execute(
        sites.update()
        .where(sites.c.id == site.id, sites.c.kind == "atelier")
        .values(item_seq=sites.c.item_seq + entry.quantity)
        .returning(sites.c.item_seq)
    ).scalar_one()
    db.session.expire(site, ["item_seq"])
    status = ItemStatus.IN_ATELIER if entry.qc == QC.PASSED else ItemStatus.REJECTED
    now = utcnow()
    # one INSERT for all the pieces and one for all their events, whatever the quantity
    items = db.session.scalars(
        sa.insert(Item).returning(Item),
        [
            dict(
                code=code,
                tag=rules.new_tag(),
                product_type_id=entry.product_type_id,
                beneficiary_id=entry.beneficiary_id,
                origin_site_id=site.id,
                site_id=site.id,
                made_on=entry.made_on,
                status=status,
                production_entry_id=entry.id,
                created_at=now,
                updated_at=now,
            )
            for code in rules.codes_for(site.code, last, entry.quantity)
        ],
    ).all()
    items.sort(key=lambda item: item.id)
    lifecycle.born(
        [item.id for item in items],
        status,
        at=now,
        site_id=site.id,
        user_id=getattr(user, "id", None),
    )
    set_committed_value(entry, "items", items)
    for item in items:
        set_committed_value(item, "production_entry", entry)


def get_entry(user, entry_id: int) -> ProductionEntry:
    """An entry of the user's sites, or NotFound."""
    return get_of_site(user, ProductionEntry, entry_id, _("No such entry."))


def _paid_on_a_closed_payslip(entry: ProductionEntry) -> bool:
    """True if a piece of the entry was already paid: a closed month never changes."""
    return (
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    PayslipLine.kind == "piece",
                    PayslipLine.source_type == "item",
                    PayslipLine.source_id.in_(
                        sa.select(Item.id).where(Item.production_entry_id == entry.id)
                    ),
                )
            )
        )
        is True
    )


def void_entry(user, entry_id: int) -> ProductionEntry:
    """Void a mistaken entry while all its pieces are still in the atelier (audited)."""
    entry = get_entry(user, entry_id)
    if entry.voided_at is not None:
        raise ProductionConflict(_("This entry is already voided."))
    if _paid_on_a_closed_payslip(entry):
        raise ProductionConflict(_("These pieces are on a closed payslip; the entry stays."))
    voided_by_id = getattr(user, "id", None)
    moved = lifecycle.move(
        [i.id for i in entry.items],
        lifecycle.VOIDABLE,
        ItemStatus.VOIDED,
        site_id=entry.site_id,
        actor=user,
    )
    if len(moved) != entry.quantity:
        raise ProductionConflict(_("Some pieces have left the atelier; the entry stays."))
    entry.voided_at = utcnow()
    entry.voided_by_id = voided_by_id
    db.session.flush()
    db.session.expire(entry, ["items"])
    audit.record(
        "production.void",
        entry,
        user=user,
        quantity=entry.quantity,
        codes=[i.code for i in entry.items],
    )
    return entry


@dataclass
class MakerDay:
    """What one maker made on a day."""

    maker: Beneficiary
    entries: list[ProductionEntry] = field(default_factory=list)
    passed: int = 0
    rejected: int = 0


def day_production(site: Site, day: date) -> list[MakerDay]:
    """A day's entries at a site, per maker (fixed number of queries)."""
    entries = db.session.scalars(
        sa.select(ProductionEntry)
        .where(ProductionEntry.site_id == site.id, ProductionEntry.made_on == day)
        .order_by(ProductionEntry.id)
    ).all()
    per_maker: dict[int, MakerDay] = {}
    for entry in entries:
        row = per_maker.setdefault(entry.beneficiary_id, MakerDay(entry.beneficiary))
        row.entries.append(entry)
        if entry.voided_at is None:
            if entry.qc == "passed":
                row.passed += entry.quantity
            else:
                row.rejected += entry.quantity
    return sorted(per_maker.values(), key=lambda r: r.maker.display_name.lower())


def entry_can_void(entry: ProductionEntry) -> bool:
    """True while the entry is live and none of its pieces has left the atelier."""
    return entry.voided_at is None and rules.can_void(i.status for i in entry.items)
