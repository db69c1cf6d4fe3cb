"""Use cases of the storefront and checkout: what is for sale, and reserving it for a buyer."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from atelier.catalog.models import ProductType
from atelier.catalog.rules import rule_on
from atelier.db import utcnow
from atelier.enums import ItemStatus
from atelier.errors import Conflict, Invalid, NotFound
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production import lifecycle
from atelier.production.models import Item
from atelier.production.rules import parse_scan
from atelier.timeutil import local_date
from atelier.webshop import gateway, rules
from atelier.webshop.models import Order, OrderLine


class NotAvailable(Conflict):
    """A piece is not (or no longer) for sale online."""

    code = "not_available"


@dataclass(frozen=True)
class Piece:
    """A piece as the storefront shows it: never its maker."""

    tag: str
    code: str
    name: str
    description: str
    sku: str
    photo_version: int
    price_cents: int | None
    currency: str
    status: str


def _price(item: Item, site: Site, now: datetime) -> int | None:
    """The list price in force today at the site, if its currency is the site's."""
    rule = rule_on(item.product_type.rules, local_date(now, site.timezone))
    if rule is None or rule.price_currency != site.currency:
        return None
    return rule.price_cents


def _piece(item: Item, now: datetime) -> Piece:
    """The public view of an item."""
    product, lang = item.product_type, str(get_locale())
    return Piece(
        item.tag,
        item.code,
        product.name_in(lang),
        product.description_in(lang),
        product.sku,
        product.photo_version if product.photo_mime else 0,
        _price(item, item.site, now),
        item.site.currency,
        item.status,
    )


def _webshop_items():
    """Items at webshop sites, with product and rules loaded in a fixed number of queries."""
    return (
        sa.select(Item)
        .join(Site, Site.id == Item.site_id)
        .where(Site.kind == "webshop", Site.is_active.is_(True))
        .options(selectinload(Item.product_type).selectinload(ProductType.rules))
    )


def available_pieces(now: datetime | None = None, limit: int = 200) -> list[Piece]:
    """Pieces for sale online right now, newest first (priced ones only)."""
    now = now or utcnow()
    items = db.session.scalars(
        _webshop_items().where(Item.status == "in_shop").order_by(Item.id.desc()).limit(limit)
    ).all()
    return [p for p in (_piece(i, now) for i in items) if p.price_cents is not None]


def piece(tag: str, now: datetime | None = None) -> Piece:
    """One webshop piece by its tag (sold ones too, so a buyer's link still works)."""
    item = db.session.scalar(_webshop_items().where(Item.tag == tag))
    if item is None or item.status not in ("in_shop", "reserved", "sold"):
        raise NotFound(_("This piece is not in the online shop."))
    return _piece(item, now or utcnow())


def cart_pieces(tags: list[str], now: datetime | None = None) -> list[Piece]:
    """The pieces in a cart, in cart order; unknown tags drop out."""
    if not tags:
        return []
    items = db.session.scalars(_webshop_items().where(Item.tag.in_(tags))).all()
    by_tag = {i.tag: _piece(i, now or utcnow()) for i in items}
    return [by_tag[t] for t in tags if t in by_tag]


def _find_items(scans: list[str]) -> tuple[list[Item], list[str]]:
    """Items named by code or tag (or a QR URL), and the scans that matched nothing."""
    wanted = {scan: parse_scan(scan) for scan in scans}
    codes = [v for kind, v in wanted.values() if kind == "code"]
    tags = [v for kind, v in wanted.values() if kind == "tag"]
    items = (
        db.session.scalars(_webshop_items().where(sa.or_(Item.code.in_(codes), Item.tag.in_(tags))))
        .unique()
        .all()
    )
    found = {("code", i.code): i for i in items} | {("tag", i.tag): i for i in items}
    matched = [found[w] for w in wanted.values() if w in found]
    unknown = [s for s, w in wanted.items() if w not in found]
    return list(dict.fromkeys(matched)), unknown


def checkout(
    scans: list[str],
    email: str,
    success_url: str,
    cancel_url: str,
    now: datetime | None = None,
    reference: str | None = None,
) -> tuple[Order, str]:
    """Reserve the pieces, record the order at database prices, open a Stripe session.

    Returns the flushed order and the URL of Stripe's payment page. Any refusal raises,
    and the caller's rollback leaves nothing reserved.
    """
    now = now or utcnow()
    email = (email or "").strip()
    scans = rules.unique_scans(scans)
    if not scans:
        raise Invalid(_("Choose at least one piece."), {"items": _("empty")})
    if len(scans) > rules.MAX_CART:
        raise Invalid(_("Too many pieces in one order."), {"items": _("too many")})
    if not rules.valid_email(email):
        raise Invalid(_("Enter a valid email address."), {"email": _("not an email address")})
    if not gateway.is_configured():
        raise gateway.PaymentsNotConfigured(_("Online payment is not configured on this site."))
    items, unknown = _find_items(scans)
    priced = [(i, _price(i, i.site, now)) for i in items]
    refused = unknown + [i.code for i, price in priced if price is None or i.status != "in_shop"]
    if refused:
        raise NotAvailable(
            _("Sorry, this is no longer available: %(codes)s", codes=", ".join(refused)),
            {c: _("not available") for c in refused},
        )
    sites = {i.site_id for i in items}
    if len(sites) != 1:
        raise Invalid(_("These pieces cannot be bought in one order."), {"items": _("mixed")})
    site = items[0].site
    order = Order(
        reference=reference or rules.new_reference(),
        email=email,
        status="pending",
        site_id=site.id,
        currency=site.currency,
        total_cents=sum(price for _i, price in priced),
        expires_at=rules.reservation_expiry(now),
        created_at=now,
    )
    db.session.add(order)
    db.session.flush()
    _reserve(order, items, now)
    for item, price in priced:
        db.session.add(OrderLine(order_id=order.id, item_id=item.id, price_cents=price))
    db.session.flush()
    session_id, url = gateway.create_session(
        _session_params(order, priced, success_url, cancel_url), f"checkout-{order.reference}"
    )
    order.stripe_session_id = session_id
    db.session.flush()
    return order, url


def return_urls(reference: str) -> tuple[str, str]:
    """Where Stripe sends the buyer back: the shop's thanks and cancelled pages."""
    return (
        url_for("webshop.thanks", order=reference, _external=True),
        url_for("webshop.cancelled", order=reference, _external=True),
    )


def checkout_with_urls(scans: list[str], email: str, now: datetime | None = None):
    """:func:`checkout` with Stripe's return URLs made from the order's reference."""
    reference = rules.new_reference()
    success_url, cancel_url = return_urls(reference)
    return checkout(scans, email, success_url, cancel_url, now, reference=reference)


def _reserve(order: Order, items: list[Item], now: datetime) -> None:
    """Move every piece in_shop → reserved in one conditional UPDATE, or refuse them all."""
    moved = lifecycle.move(
        [i.id for i in items],
        ItemStatus.IN_SHOP,
        ItemStatus.RESERVED,
        site_id=order.site_id,
        note=order.reference,
        at=now,
        reserved_order_id=order.id,
    )
    taken = [i.code for i in items if i.id not in moved]
    if taken:
        raise NotAvailable(
            _("Sorry, this was just taken: %(codes)s", codes=", ".join(taken)),
            {c: _("not available") for c in taken},
        )


def _session_params(order: Order, priced, success_url: str, cancel_url: str) -> dict:
    """The Checkout Session: database prices, order id in metadata, a 30-minute life."""
    labels = [(f"{item.product_type.name} ({item.code})", price) for item, price in priced]
    metadata = {"order_id": order.reference}
    return {
        "mode": "payment",
        "line_items": rules.line_items(labels, order.currency),
        "customer_email": order.email,
        "client_reference_id": order.reference,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "expires_at": int(order.expires_at.timestamp()),
        "success_url": success_url,
        "cancel_url": cancel_url,
    }


def order_by_reference(reference: str) -> Order:
    """An order by its public reference (for the buyer's thank-you page)."""
    order = db.session.scalar(sa.select(Order).where(Order.reference == reference))
    if order is None:
        raise NotFound(_("Unknown order."))
    return order


def list_orders(limit: int = 200) -> list[Order]:
    """The latest orders with their lines and items (admin page), newest first."""
    return db.session.scalars(
        sa.select(Order).order_by(Order.id.desc()).limit(limit).options(selectinload(Order.lines))
    ).all()
