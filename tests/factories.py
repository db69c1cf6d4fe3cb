"""Builders for test data: ``make_x(**overrides)`` returns a flushed row."""

import itertools
from datetime import date
from types import SimpleNamespace

from atelier.auth.models import User
from atelier.auth.passwords import hash_password
from atelier.catalog.models import ProductRule, ProductType
from atelier.extensions import db
from atelier.org.models import Programme, Site
from atelier.people.models import Beneficiary
from atelier.people.rules import new_maker_code
from atelier.production.models import Item
from atelier.production.rules import new_tag
from atelier.workshops.models import Workshop, WorkshopSession

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
        code, (f"Site {code}", "atelier", "RON", "Europe/Bucharest", "Oradea"))
    values = {"code": code, "name": name, "kind": kind, "currency": currency, "timezone": tz,
              "city": city, **overrides}
    return _add(Site(**values))


def make_programme(code="STEP", **overrides) -> Programme:
    """A programme."""
    return _add(Programme(**{"code": code, "name": f"Programme {code}", **overrides}))


def make_user(role="admin", sites=(), beneficiary=None, **overrides) -> User:
    """An account with the test password."""
    values = {"username": f"{role}{next(_seq)}", "password_hash": hash_password(PASSWORD),
              "role": role, "sites": list(sites), "beneficiary": beneficiary, **overrides}
    return _add(User(**values))


def make_beneficiary(site, programme, **overrides) -> Beneficiary:
    """A maker."""
    values = {"display_name": f"Maker{next(_seq)}", "maker_code": new_maker_code(),
              "site": site, "programme": programme, "birth_year": 1990, "gender": "female",
              **overrides}
    return _add(Beneficiary(**values))


def make_workshop(site, programme, participants=(), **overrides) -> Workshop:
    """A workshop with its participants."""
    values = {"title": f"Sewing {next(_seq)}", "kind": "vocational", "site": site,
              "programme": programme, "stipend_per_hour_cents": 0,
              "participants": list(participants), **overrides}
    return _add(Workshop(**values))


def make_session(workshop, held_on=None, centihours=300) -> WorkshopSession:
    """A session of a workshop (3 hours by default)."""
    return _add(WorkshopSession(workshop=workshop, held_on=held_on or date(2026, 3, 2),
                                centihours=centihours))


def make_product_type(sku=None, price_cents=1500, currency="EUR", piece_rate_cents=1000,
                      maker_share_bp=2000, effective_from=date(2020, 1, 1), **overrides):
    """A product type with one rule."""
    product = _add(ProductType(**{"sku": sku or f"SKU{next(_seq)}", "name": "Tote bag",
                                  "description": "A sturdy tote.", **overrides}))
    _add(ProductRule(product_type=product, effective_from=effective_from, price_cents=price_cents,
                     price_currency=currency, piece_rate_cents=piece_rate_cents,
                     maker_share_bp=maker_share_bp))
    db.session.refresh(product)
    return product


def make_item(product_type, maker, site=None, status="in_atelier", made_on=None, **overrides):
    """One piece; ``site`` is where it is now (defaults to the maker's atelier)."""
    origin = maker.site
    number = next(_seq)
    values = {"code": f"{origin.code}-{number:06d}", "tag": new_tag(),
              "product_type": product_type, "beneficiary": maker, "origin_site_id": origin.id,
              "site": site or origin, "made_on": made_on or date(2026, 3, 2), "status": status,
              **overrides}
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
    return SimpleNamespace(sites=sites, programmes=programmes, elena=elena, oksana=oksana,
                           tote=tote, users=users, workshop=workshop, session=session,
                           item_atelier=item_atelier, item_shop=item_shop)


# --- till ---
def make_shipment(from_site, to_site, items, status="in_transit", **overrides):
    """A shipment already sent: its pieces are in transit to ``to_site``."""
    from atelier.stock.models import Shipment, ShipmentItem

    shipment = _add(Shipment(from_site_id=from_site.id, to_site_id=to_site.id, status=status,
                             **overrides))
    for item in items:
        item.status, item.site_id = "in_transit", to_site.id
        _add(ShipmentItem(shipment_id=shipment.id, item_id=item.id, state="sent"))
    db.session.refresh(shipment)
    return shipment


def make_sale(site, items, price_cents=1500, payment_method="cash", **overrides):
    """A till sale of ``items`` at ``site`` (the pieces become sold)."""
    from atelier.db import utcnow
    from atelier.till.models import Sale, SaleLine

    sale = _add(Sale(site_id=site.id, channel="till", payment_method=payment_method,
                     currency=site.currency, total_cents=price_cents * len(items),
                     sold_at=overrides.pop("sold_at", utcnow()), **overrides))
    for item in items:
        item.status, item.site_id = "sold", site.id
        _add(SaleLine(sale_id=sale.id, item_id=item.id, beneficiary_id=item.beneficiary_id,
                      list_price_cents=price_cents, price_cents=price_cents,
                      currency=site.currency))
    db.session.refresh(sale)
    return sale
