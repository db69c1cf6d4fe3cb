"""Builders for test data: ``make_x(**overrides)`` returns a flushed row."""

import hashlib
import hmac
import io
import itertools
import json
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from PIL import Image

from atelier.auth.models import User
from atelier.auth.passwords import hash_password
from atelier.catalog.models import ProductRule, ProductType
from atelier.catalog.photos import reencode
from atelier.db import utcnow
from atelier.extensions import db
from atelier.indicators.models import IndicatorTarget
from atelier.org.models import Programme, Site
from atelier.people.models import Beneficiary
from atelier.people.rules import new_maker_code
from atelier.production.models import Item, ProductionEntry
from atelier.production.rules import new_tag
from atelier.stock.models import Shipment, ShipmentItem
from atelier.till.models import Return, Sale, SaleLine
from atelier.wages.models import PayPeriod, Payslip
from atelier.webshop.models import Order, OrderLine
from atelier.webshop.rules import new_reference
from atelier.workshops.models import Attendance, Workshop, WorkshopSession

PASSWORD = "correct horse battery"
_seq = itertools.count(1)

SITE_DEFAULTS = {
    "ORA": ("Atelier Oradea", "atelier", "RON", "Europe/Bucharest", "Oradea"),
    "BUC": ("Programme site Bucharest", "atelier", "RON", "Europe/Bucharest", "Bucharest"),
    "AMS": ("Reshare Amsterdam", "shop", "EUR", "Europe/Amsterdam", "Amsterdam"),
    "RTM": ("Reshare Rotterdam", "shop", "EUR", "Europe/Amsterdam", "Rotterdam"),
    "WEB": ("Webshop", "webshop", "EUR", "Europe/Amsterdam", "Online"),
}


def _add(row):
    db.session.add(row)
    db.session.flush()
    return row


def make_site(code="ORA", **overrides) -> Site:
    """A site; known codes get realistic defaults."""
    name, kind, currency, tz, city = SITE_DEFAULTS.get(
        code, (f"Site {code}", "atelier", "RON", "Europe/Bucharest", "Oradea")
    )
    values = {
        "code": code,
        "name": name,
        "kind": kind,
        "currency": currency,
        "timezone": tz,
        "city": city,
        **overrides,
    }
    return _add(Site(**values))


def make_programme(code="STEP", **overrides) -> Programme:
    """A programme."""
    return _add(Programme(**{"code": code, "name": f"Programme {code}", **overrides}))


def make_user(role="admin", sites=(), beneficiary=None, **overrides) -> User:
    """An account with the test password."""
    values = {
        "username": f"{role}{next(_seq)}",
        "password_hash": hash_password(PASSWORD),
        "role": role,
        "sites": list(sites),
        "beneficiary": beneficiary,
        **overrides,
    }
    return _add(User(**values))


def make_beneficiary(site, programme, **overrides) -> Beneficiary:
    """A maker."""
    values = {
        "display_name": f"Maker{next(_seq)}",
        "maker_code": new_maker_code(),
        "site": site,
        "programme": programme,
        "birth_year": 1990,
        "gender": "female",
        **overrides,
    }
    return _add(Beneficiary(**values))


def make_workshop(site, programme, participants=(), **overrides) -> Workshop:
    """A workshop with its participants."""
    values = {
        "title": f"Sewing {next(_seq)}",
        "kind": "vocational",
        "site": site,
        "programme": programme,
        "stipend_per_hour_cents": 0,
        "participants": list(participants),
        **overrides,
    }
    return _add(Workshop(**values))


def workshop_body(**changes) -> dict:
    """A ``POST /workshops`` body: a vocational workshop "Aprons" of the ORA atelier and the
    STEP programme (the world's), with ``changes``."""
    return {"title": "Aprons", "kind": "vocational", "site": "ORA", "programme": "STEP", **changes}


def make_session(workshop, held_on=None, centihours=300) -> WorkshopSession:
    """A session of a workshop (3 hours by default)."""
    return _add(
        WorkshopSession(
            workshop=workshop, held_on=held_on or date(2026, 3, 2), centihours=centihours
        )
    )


def make_product_type(
    sku=None,
    price_cents=1500,
    currency="EUR",
    piece_rate_cents=1000,
    maker_share_bp=2000,
    effective_from=date(2020, 1, 1),
    **overrides,
):
    """A product type with one rule."""
    product = _add(
        ProductType(
            **{
                "sku": sku or f"SKU{next(_seq)}",
                "name": "Tote bag",
                "description": "A sturdy tote.",
                **overrides,
            }
        )
    )
    _add(
        ProductRule(
            product_type=product,
            effective_from=effective_from,
            price_cents=price_cents,
            price_currency=currency,
            piece_rate_cents=piece_rate_cents,
            maker_share_bp=maker_share_bp,
        )
    )
    db.session.refresh(product)
    return product


def make_item(product_type, maker, site=None, status="in_atelier", made_on=None, **overrides):
    """One piece; ``site`` is where it is now (defaults to the maker's atelier)."""
    origin = maker.site
    origin.item_seq = (origin.item_seq or 0) + 1  # as the real allocation does: no collisions
    values = {
        "code": f"{origin.code}-{origin.item_seq:06d}",
        "tag": new_tag(),
        "product_type": product_type,
        "beneficiary": maker,
        "origin_site_id": origin.id,
        "site": site or origin,
        "made_on": made_on or date(2026, 3, 2),
        "status": status,
        **overrides,
    }
    return _add(Item(**values))


def make_world() -> SimpleNamespace:
    """Sites, programmes, one user per role (and one of another site), a product and items."""
    sites = {code: make_site(code) for code in SITE_DEFAULTS}
    programmes = {code: make_programme(code) for code in ("STEP", "REFUGEE", "TEENS")}
    elena = make_beneficiary(sites["ORA"], programmes["STEP"], display_name="Elena")
    oksana = make_beneficiary(sites["BUC"], programmes["REFUGEE"], display_name="Oksana")
    tote = make_product_type(sku="TOTE")
    users = {
        "admin": make_user("admin"),
        "supervisor": make_user("supervisor", sites=[sites["ORA"]]),
        "supervisor_other": make_user("supervisor", sites=[sites["BUC"]]),
        "shop": make_user("shop", sites=[sites["AMS"]]),
        "shop_other": make_user("shop", sites=[sites["RTM"]]),
        "beneficiary": make_user("beneficiary", beneficiary=elena),
        "beneficiary_other": make_user("beneficiary", beneficiary=oksana),
    }
    workshop = make_workshop(sites["ORA"], programmes["STEP"], participants=[elena])
    session = make_session(workshop)
    item_atelier = make_item(tote, elena)
    item_shop = make_item(tote, elena, site=sites["AMS"], status="in_shop")
    db.session.commit()
    return SimpleNamespace(
        sites=sites,
        programmes=programmes,
        elena=elena,
        oksana=oksana,
        tote=tote,
        users=users,
        workshop=workshop,
        session=session,
        item_atelier=item_atelier,
        item_shop=item_shop,
    )


# --- shared by till, wages and indicators ---
def make_attendance(session, beneficiary, status="present"):
    """One person's status at one session."""
    return _add(Attendance(session_id=session.id, beneficiary_id=beneficiary.id, status=status))


def make_sale(
    site,
    items,
    sold_at=None,
    price_cents=1500,
    *,
    prices=None,
    currency=None,
    payment_method="cash",
    **overrides,
):
    """A till sale of ``items`` at ``site`` (the pieces become sold there); ``prices`` per item
    or one ``price_cents`` for all; ``sold_at`` an aware instant (default 10 March 2026)."""
    prices = prices or [price_cents] * len(items)
    currency = currency or site.currency
    sale = _add(
        Sale(
            site_id=site.id,
            channel="till",
            payment_method=payment_method,
            currency=currency,
            total_cents=sum(prices),
            sold_at=sold_at or datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
            **overrides,
        )
    )
    for item, price in zip(items, prices, strict=True):
        item.status, item.site_id = "sold", site.id
        _add(
            SaleLine(
                sale_id=sale.id,
                item_id=item.id,
                beneficiary_id=item.beneficiary_id,
                list_price_cents=price,
                price_cents=price,
                currency=currency,
            )
        )
    db.session.refresh(sale)
    return sale


def make_return(sale_line, returned_at=None, restock=True):
    """A return of one sale line at an aware instant: restocked or written off."""
    sale_line.is_returned = True
    sale_line.item.status = "in_shop" if restock else "written_off"
    return _add(
        Return(
            sale_line=sale_line,
            item_id=sale_line.item_id,
            reason="did not fit",
            is_restocked=restock,
            refund_cents=sale_line.price_cents,
            currency=sale_line.currency,
            returned_at=returned_at or datetime(2026, 4, 3, 12, 0, tzinfo=UTC),
        )
    )


def make_payslip(period, beneficiary, total_cents, status="closed", currency="RON"):
    """A payslip for ``period`` (YYYY-MM), creating the pay period if needed."""
    pay_period = db.session.scalar(sa.select(PayPeriod).where(PayPeriod.period == period))
    if pay_period is None:
        pay_period = _add(PayPeriod(period=period, status=status, currency=currency))
    return _add(
        Payslip(
            pay_period_id=pay_period.id,
            beneficiary_id=beneficiary.id,
            currency=currency,
            total_cents=total_cents,
        )
    )


def make_target(year, key, target, site=None, programme=None, remarks=""):
    """An indicator target (in total unless a site and/or programme is given)."""
    return _add(
        IndicatorTarget(
            year=year, key=key, site=site, programme=programme, target=target, remarks=remarks
        )
    )


# --- webshop ---
def make_web_item(world, status="in_shop", **overrides) -> Item:
    """A piece of Elena's on sale in the webshop (WEB), at the TOTE's list price."""
    return make_item(world.tote, world.elena, site=world.sites["WEB"], status=status, **overrides)


def stripe_signature(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header for ``payload``, as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def stripe_event(
    event_type: str,
    session_id: str,
    reference: str,
    *,
    event_id=None,
    payment_status="paid",
    payment_intent="pi_test_1",
) -> bytes:
    """A Checkout Session event body, as Stripe sends it."""
    return json.dumps(
        {
            "id": event_id or f"evt_{next(_seq)}",
            "object": "event",
            "type": event_type,
            "data": {
                "object": {
                    "id": session_id,
                    "object": "checkout.session",
                    "payment_status": payment_status,
                    "payment_intent": payment_intent,
                    "metadata": {"order_id": reference},
                }
            },
        }
    ).encode()


def make_order(world, items=None, status="pending", **overrides):
    """A pending online order holding ``items`` (one new webshop piece by default)."""
    items = items or [make_web_item(world, status="reserved")]
    values = {
        "reference": new_reference(),
        "email": "buyer@example.org",
        "status": status,
        "site_id": world.sites["WEB"].id,
        "currency": "EUR",
        "total_cents": 1500 * len(items),
        "stripe_session_id": f"cs_{next(_seq)}",
        "expires_at": utcnow() + timedelta(minutes=31),
        **overrides,
    }
    order = _add(Order(**values))
    for item in items:
        _add(OrderLine(order_id=order.id, item_id=item.id, price_cents=1500))
        if item.status == "reserved":
            item.reserved_order_id = order.id
    db.session.flush()
    return order


# --- people and workshops ---
def make_people(site, programme, n: int, prefix: str = "Person") -> list[Beneficiary]:
    """``n`` people of a site, named ``Person01``… so they sort as numbered."""
    return [
        make_beneficiary(site, programme, display_name=f"{prefix}{i:02d}") for i in range(1, n + 1)
    ]


# --- production ---
def photo_bytes(fmt="PNG", size=(64, 48), colour=(200, 80, 120)) -> bytes:
    """A small real image, as a browser would upload it."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def give_photo(product_type) -> ProductType:
    """Store a (re-encoded) photo on a product type."""
    product_type.photo, product_type.photo_mime = reencode(photo_bytes())
    product_type.photo_version = (product_type.photo_version or 0) + 1
    db.session.flush()
    return product_type


def make_entry(maker, product_type, quantity=1, made_on=None, qc="passed", **overrides):
    """A production entry with its items (codes from the factory sequence, not the site's)."""
    entry = _add(
        ProductionEntry(
            **{
                "client_id": str(uuid.uuid4()),
                "site_id": maker.site_id,
                "beneficiary": maker,
                "product_type": product_type,
                "made_on": made_on or date(2026, 3, 2),
                "quantity": quantity,
                "qc": qc,
                **overrides,
            }
        )
    )
    status = "in_atelier" if qc == "passed" else "rejected"
    for _ in range(quantity):
        make_item(product_type, maker, status=status, made_on=entry.made_on, production_entry=entry)
    db.session.refresh(entry)
    return entry


def sync_item_seq(site) -> Site:
    """Move a site's code counter past the codes ``make_item`` handed out, as a real site's
    counter always is, so logged pieces do not collide with factory-made ones."""
    codes = db.session.scalars(sa.select(Item.code).where(Item.code.like(f"{site.code}-%")))
    site.item_seq = max([int(c.rsplit("-", 1)[1]) for c in codes] + [site.item_seq or 0])
    db.session.flush()
    return site


# --- till ---
def make_shipment(from_site, to_site, items, status="in_transit", **overrides):
    """A shipment already sent: its pieces are in transit to ``to_site``."""
    shipment = _add(
        Shipment(from_site_id=from_site.id, to_site_id=to_site.id, status=status, **overrides)
    )
    for item in items:
        item.status, item.site_id = "in_transit", to_site.id
        _add(ShipmentItem(shipment_id=shipment.id, item_id=item.id, state="sent"))
    db.session.refresh(shipment)
    return shipment
