"""Use cases for the till: look up a scan, sell (through ledger.sell), receipts."""

import uuid

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, lazyload, load_only

from atelier import audit
from atelier.authz import require_site
from atelier.catalog.models import ProductType
from atelier.catalog.photos import photo_url
from atelier.catalog.rules import rule_on
from atelier.db import utcnow
from atelier.errors import Conflict, Invalid, NotFound
from atelier.extensions import db
from atelier.formatting import local_day
from atelier.org.models import Site
from atelier.production.models import Item
from atelier.production.rules import parse_scan
from atelier.stock.lookup import BY_CODE_OR_TAG, find_items, parse_scans, scan_label
from atelier.stock.rules import duplicates
from atelier.till import rules
from atelier.till.ledger import LineSpec, SaleConflict, sell
from atelier.till.models import Sale, SaleLine
from atelier.timeutil import local_date

#: a piece with only what a sale reads, and its price rules, in the same query
PRICED = (load_only(Item.id, Item.code, Item.tag, Item.status, Item.site_id,
                    Item.beneficiary_id, Item.product_type_id),
          lazyload(Item.site),
          joinedload(Item.product_type).load_only(ProductType.id)
          .joinedload(ProductType.rules))
PRICED_ITEMS = BY_CODE_OR_TAG.options(*PRICED)


class NotSellable(Conflict):
    """A scanned piece cannot be sold at this shop; the message says why."""

    code = "not_available"


def shop_for(user, code: str) -> Site:
    """The shop with this code, if the user works there (admins everywhere)."""
    code = (code or "").upper()
    # the user's sites are loaded with the user: no query for the staff of the shop
    site = next((s for s in user.sites if s.code == code), None) if user.role == "shop" else None
    site = site or db.session.scalar(sa.select(Site).where(Site.code == code))
    if site is None or site.kind != "shop":
        raise NotFound(_("No such shop."))
    require_site(user, site.id)
    return site


def list_price(item: Item, shop: Site, now=None) -> int | None:
    """The list price of a piece today at this shop, or None if it has none in its currency."""
    rule = rule_on(item.product_type.rules, local_date(now or utcnow(), shop.timezone))
    if rule is None or rule.price_currency != shop.currency:
        return None
    return rule.price_cents


def why_not(item: Item, shop: Site, sold_at=None) -> str:
    """The message a till shows for a piece it cannot sell."""
    key = rules.unsellable_reason(item.status, item.site_id, shop.id)
    if key == "sold" and sold_at is not None:
        return _("%(code)s was already sold on %(day)s.", code=item.code,
                 day=local_day(sold_at, shop.timezone, "d MMMM"))
    messages = {
        "sold": _("%(code)s was already sold."),
        "other_shop": _("%(code)s belongs to %(site)s."),
        "in_transit": _("%(code)s is still in transit: receive its shipment first."),
        "at_atelier": _("%(code)s is still at the atelier."),
        "reserved": _("%(code)s is reserved for an online order."),
        "written_off": _("%(code)s was written off."),
        "not_for_sale": _("%(code)s is not for sale."),
    }
    return messages[key] % {"code": item.code, "site": item.site.name}


def lookup(shop: Site, scan: str) -> dict:
    """One scan at the till → the line to add. Two queries whatever the stock size:
    the piece with its product, site and any active sale; then its price rules."""
    try:
        kind, value = parse_scan(scan)
    except ValueError:
        raise Invalid(_("Nothing was scanned."), {"scan": "empty"}) from None
    column = Item.code if kind == "code" else Item.tag
    row = db.session.execute(
        sa.select(Item, Sale.sold_at)
        .outerjoin(SaleLine, sa.and_(SaleLine.item_id == Item.id,
                                     SaleLine.is_returned.is_(False)))
        .outerjoin(Sale, Sale.id == SaleLine.sale_id)
        .where(column == value)
    ).first()
    if row is None:
        raise NotFound(_("Unknown piece: %(code)s", code=value), {"scan": "unknown"})
    item, sold_at = row
    if rules.unsellable_reason(item.status, item.site_id, shop.id):
        raise NotSellable(why_not(item, shop, sold_at), {"scan": item.status})
    price = list_price(item, shop)
    if price is None:
        raise NotSellable(_("%(code)s has no price here.", code=item.code), {"scan": "no price"})
    product = item.product_type
    return {"item": item.code, "tag": item.tag, "product": product.name, "sku": product.sku,
            "photo_url": photo_url(product), "price_cents": price,
            "currency": shop.currency}


def _valid_client_id(client_id: str | None) -> str | None:
    """A client_id must be a UUID (API.md)."""
    if client_id is None:
        return None
    try:
        return str(uuid.UUID(client_id))
    except ValueError:
        raise Invalid(_("client_id must be a UUID."), {"client_id": "not a UUID"}) from None


def _replayed_meanwhile(client_id: str | None) -> Sale | None:
    """The sale a concurrent request with the same client_id committed while this one waited
    on its pieces (a device retrying before the first answer came back), if any."""
    if not client_id:
        return None
    db.session.rollback()
    return db.session.scalar(sa.select(Sale).where(Sale.client_id == client_id))


def record_sale(user, shop: Site, payment_method: str, lines: list[dict],
                client_id: str | None = None, reason_required: bool = False) -> tuple[Sale, bool]:
    """Sell the scanned pieces at a shop, all or nothing. Returns (sale, created); a
    replayed ``client_id`` returns the first sale and records nothing new, even when the
    replay raced the first try and found its pieces already sold by it."""
    try:
        return _record_sale(user, shop, payment_method, lines, client_id, reason_required)
    except SaleConflict:
        earlier = _replayed_meanwhile(_valid_client_id(client_id))
        if earlier is None:
            raise
        require_site(user, earlier.site_id)
        return earlier, False


def _record_sale(user, shop: Site, payment_method: str, lines: list[dict],
                 client_id: str | None, reason_required: bool) -> tuple[Sale, bool]:
    """The sale itself (see :func:`record_sale`)."""
    require_site(user, shop.id)
    client_id = _valid_client_id(client_id)
    if client_id:
        earlier = db.session.scalar(sa.select(Sale).where(Sale.client_id == client_id))
        if earlier is not None:
            require_site(user, earlier.site_id)
            return earlier, False
    errors = {}
    if payment_method not in rules.PAYMENT_METHODS:
        errors["payment_method"] = "cash or card"
    if not lines:
        errors["lines"] = "scan at least one piece"
    if errors:
        raise Invalid(_("The sale could not be recorded."), errors)
    scans = [line["scan"] for line in lines]
    parsed = parse_scans(scans, field="lines")
    items = find_items(parsed, query=PRICED_ITEMS)
    keys = [item.code if item else value for item, (_k, value) in zip(items, parsed, strict=True)]
    repeated = duplicates(keys)
    if repeated:
        raise Invalid(_("The same piece is in the sale twice: %(codes)s",
                        codes=", ".join(repeated)), {"lines": f"twice: {', '.join(repeated)}"})
    refused = [item.code if item else scan_label(text) for text, item in
               zip(scans, items, strict=True)
               if item is None or rules.unsellable_reason(item.status, item.site_id, shop.id)]
    if refused:
        raise SaleConflict(_("Not in stock at %(shop)s: %(codes)s", shop=shop.name,
                             codes=", ".join(refused)), {c: "not in stock" for c in refused})
    specs = []
    for index, (line, item) in enumerate(zip(lines, items, strict=True)):
        listed = list_price(item, shop)
        if listed is None:
            raise SaleConflict(_("%(code)s has no price here.", code=item.code),
                               {item.code: "no price"})
        reason = (line.get("discount_reason") or "").strip()[:200]
        problem = rules.price_problem(line.get("price_cents"), listed, reason, reason_required)
        if problem:
            raise Invalid(_("A price can only be lowered, with a reason."),
                          {f"lines.{index}.price_cents": problem})
        price = listed if line.get("price_cents") is None else line["price_cents"]
        specs.append(LineSpec(item=item, price_cents=price, list_price_cents=listed,
                              discount_reason=reason if price < listed else ""))
    sale = sell(specs, site=shop, channel="till", payment_method=payment_method,
                client_id=client_id, actor=user)
    audit.record("till.sale", sale, user=user, shop=shop.code, total_cents=sale.total_cents,
                 currency=sale.currency, items=[item.code for item in items])
    return sale, True


def get_sale(user, shop: Site, sale_id: int) -> Sale:
    """A sale of this shop, for its receipt."""
    sale = db.session.get(Sale, sale_id)
    if sale is None or sale.site_id != shop.id or sale.channel != "till":
        raise NotFound(_("No such sale."))
    require_site(user, sale.site_id)
    return sale


def sale_json(sale: Sale) -> dict:
    """The API shape of a sale (API.md)."""
    return {"id": sale.id, "shop": sale.site.code, "total_cents": sale.total_cents,
            "currency": sale.currency, "sold_at": sale.sold_at.isoformat(),
            "payment_method": sale.payment_method,
            "lines": [{"item": line.item.code, "price_cents": line.price_cents,
                       "list_price_cents": line.list_price_cents} for line in sale.lines]}
