"""Use cases for the till: look up a scan, sell (through ledger.sell), receipts."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier import audit
from atelier.auth.bearer import SiteRow
from atelier.authz import require_site
from atelier.catalog.models import ProductRule
from atelier.catalog.photos import photo_url
from atelier.catalog.rules import rule_on
from atelier.db import utcnow
from atelier.demand import markdowns
from atelier.demand.queries import received_at
from atelier.errors import Conflict, Invalid, NotFound
from atelier.extensions import db
from atelier.formatting import local_day
from atelier.org.models import Site
from atelier.production.models import Item
from atelier.production.rules import parse_scan
from atelier.stock.lookup import match_scans, parse_scans, scan_keys, scan_label
from atelier.stock.rules import duplicates
from atelier.till import rules
from atelier.till.ledger import LineSpec, SaleConflict, Sold, sell
from atelier.till.models import Sale, SaleLine
from atelier.timeutil import local_date

#: the pieces of a sale with their price rules, a row per piece and rule, and what a
#: markdown needs (each piece's latest receipt at the shop, the shop's steps), in one Core
#: query: building ORM objects, or a statement per call, cost more than the query on the
#: till's hottest path
_PRICED = sa.select(
    Item.id,
    Item.code,
    Item.tag,
    Item.status,
    Item.site_id,
    Item.beneficiary_id,
    ProductRule.effective_from,
    ProductRule.price_cents,
    ProductRule.price_currency,
    received_at(Item.id, sa.bindparam("shop_id")).label("received_at"),
    markdowns.shop_steps(sa.bindparam("shop_id")).label("markdowns"),
).outerjoin(ProductRule, ProductRule.product_type_id == Item.product_type_id)
_BY_CODE = Item.code.in_(sa.bindparam("codes", expanding=True))
_BY_TAG = Item.tag.in_(sa.bindparam("tags", expanding=True))
#: by (codes scanned?, tags scanned?): an empty ``IN`` in an ``OR`` (a basket of codes
#: only, the usual one) makes SQLite read the pieces by both indexes, three times slower
PRICED_PIECES = {
    (True, False): _PRICED.where(_BY_CODE),
    (False, True): _PRICED.where(_BY_TAG),
    (True, True): _PRICED.where(sa.or_(_BY_CODE, _BY_TAG)),
}


@dataclass(frozen=True)
class PricedPiece:
    """What a sale reads of a piece, and its product's price rules."""

    id: int
    code: str
    tag: str
    status: str
    site_id: int
    beneficiary_id: int
    #: its latest receipt at the shop of the sale (None: never received there)
    received_at: datetime | None = None
    #: rows with ``effective_from``, ``price_cents`` and ``price_currency``
    rules: list = field(default_factory=list)


def priced_pieces(
    parsed: list[tuple[str, str]], shop: Site, now: datetime
) -> tuple[list[PricedPiece | None], dict[int, tuple[int, int | None]]]:
    """The piece for each parsed scan (None where unknown), with its rules, and the shop's
    markdowns of them (:func:`markdowns.discounts_of`), in one query (on the session's
    connection: the ORM session adds nothing to rows but time)."""
    codes, tags = scan_keys(parsed)
    pieces, steps = {}, None
    if not parsed:
        return [], {}
    rows = db.session.connection().execute(
        PRICED_PIECES[bool(codes), bool(tags)], {"codes": codes, "tags": tags, "shop_id": shop.id}
    )
    for row in rows:
        piece = pieces.get(row.id)
        if piece is None:
            piece = pieces[row.id] = PricedPiece(
                row.id,
                row.code,
                row.tag,
                row.status,
                row.site_id,
                row.beneficiary_id,
                row.received_at,
            )
            steps = row.markdowns
        if row.effective_from is not None:
            piece.rules.append(row)
    marked = markdowns.discounts_of(
        shop,
        markdowns.parse_steps(steps),
        {piece.id: piece.received_at for piece in pieces.values()},
        now,
    )
    return match_scans(parsed, pieces.values()), marked


class NotSellable(Conflict):
    """A scanned piece cannot be sold at this shop; the message says why."""

    code = "not_available"


def shop_for(user, code: str, kinds: tuple[str, ...] = ("shop",)) -> Site | SiteRow:
    """The shop with this code, if the user works there (admins everywhere). Returns are
    also taken for the online shop (``kinds`` with ``webshop``): its pieces come back by post."""
    code = (code or "").upper()
    # the user's sites are loaded with the user (rows for a light caller): no query for
    # the staff of the shop
    site = next((s for s in user.sites if s.code == code), None) if user.role == "shop" else None
    site = site or db.session.scalar(sa.select(Site).where(Site.code == code))
    if site is None or site.kind not in kinds:
        raise NotFound(_("No such shop."))
    require_site(user, site.id)
    return site


def list_price(item: Item, shop: Site, now=None) -> int | None:
    """The list price of a piece today at this shop, or None if it has none in its currency."""
    return price_on(item.product_type.rules, shop, now)


def price_on(product_rules, shop: Site, now=None) -> int | None:
    """The list price under a product's rules today at this shop (None: none in its
    currency)."""
    rule = rule_on(product_rules, local_date(now or utcnow(), shop.timezone))
    if rule is None or rule.price_currency != shop.currency:
        return None
    return rule.price_cents


def why_not(item: Item, shop: Site, sold_at=None) -> str:
    """The message a till shows for a piece it cannot sell."""
    key = rules.unsellable_reason(item.status, item.site_id, shop.id)
    if key == "sold" and sold_at is not None:
        return _(
            "%(code)s was already sold on %(day)s.",
            code=item.code,
            day=local_day(sold_at, shop.timezone, "d MMMM"),
        )
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
        .outerjoin(SaleLine, sa.and_(SaleLine.item_id == Item.id, SaleLine.is_active))
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
    offered = markdowns.price_of_piece(item, price, utcnow())
    return {
        "item": item.code,
        "tag": item.tag,
        "product": product.name,
        "sku": product.sku,
        "photo_url": photo_url(product),
        "price_cents": offered.price_cents,
        "list_price_cents": price,
        "price_reason": offered.reason,
        "currency": shop.currency,
    }


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


def record_sale(
    user,
    shop: Site,
    payment_method: str,
    lines: list[dict],
    client_id: str | None = None,
    reason_required: bool = False,
) -> tuple[Sale | Sold, bool]:
    """Sell the scanned pieces at a shop, all or nothing. Returns (sale, created): the
    record of the sale just written, or, for a replayed ``client_id``, the first sale,
    recording nothing new, even when the replay raced the first try and found its pieces
    already sold by it."""
    try:
        return _record_sale(user, shop, payment_method, lines, client_id, reason_required)
    except SaleConflict:
        earlier = _replayed_meanwhile(_valid_client_id(client_id))
        if earlier is None:
            raise
        require_site(user, earlier.site_id)
        return earlier, False


def _record_sale(
    user,
    shop: Site,
    payment_method: str,
    lines: list[dict],
    client_id: str | None,
    reason_required: bool,
) -> tuple[Sale | Sold, bool]:
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
    now = utcnow()
    items, marked = priced_pieces(parsed, shop, now)
    keys = [item.code if item else value for item, (_k, value) in zip(items, parsed, strict=True)]
    repeated = duplicates(keys)
    if repeated:
        raise Invalid(
            _("The same piece is in the sale twice: %(codes)s", codes=", ".join(repeated)),
            {"lines": f"twice: {', '.join(repeated)}"},
        )
    refused = [
        item.code if item else scan_label(text)
        for text, item in zip(scans, items, strict=True)
        if item is None or rules.unsellable_reason(item.status, item.site_id, shop.id)
    ]
    if refused:
        raise SaleConflict(
            _("Not in stock at %(shop)s: %(codes)s", shop=shop.name, codes=", ".join(refused)),
            {c: "not in stock" for c in refused},
        )
    specs = []
    for index, (line, item) in enumerate(zip(lines, items, strict=True)):
        listed = price_on(item.rules, shop, now)
        if listed is None:
            raise SaleConflict(
                _("%(code)s has no price here.", code=item.code), {item.code: "no price"}
            )
        reason = (line.get("discount_reason") or "").strip()[:200]
        offered = markdowns.price_in_shop(listed, marked.get(item.id))
        if markdowns.sells_at_markdown(offered, line.get("price_cents"), reason):
            specs.append(LineSpec(item, offered.price_cents, listed, offered.reason))
            continue
        problem = rules.price_problem(line.get("price_cents"), listed, reason, reason_required)
        if problem:
            raise Invalid(
                _("A price can only be lowered, with a reason."),
                {f"lines.{index}.price_cents": problem},
            )
        price = listed if line.get("price_cents") is None else line["price_cents"]
        specs.append(
            LineSpec(
                item=item,
                price_cents=price,
                list_price_cents=listed,
                discount_reason=reason if price < listed else "",
            )
        )
    audited = audit.entry(
        "till.sale",
        user=user,
        shop=shop.code,
        currency=shop.currency,
        total_cents=sum(spec.price_cents for spec in specs),
        items=[item.code for item in items],
    )
    sale = sell(
        specs,
        site=shop,
        channel="till",
        payment_method=payment_method,
        client_id=client_id,
        actor=user,
        audited=audited,
    )
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
    return {
        "id": sale.id,
        "shop": sale.site.code,
        "total_cents": sale.total_cents,
        "currency": sale.currency,
        "sold_at": sale.sold_at.isoformat(),
        "payment_method": sale.payment_method,
        "lines": [
            {
                "item": line.item.code,
                "price_cents": line.price_cents,
                "list_price_cents": line.list_price_cents,
            }
            for line in sale.lines
        ],
    }
