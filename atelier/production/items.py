"""Use cases for single pieces: find one by code or tag, its history, story and labels."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from atelier.catalog.rules import rule_on
from atelier.db import utcnow
from atelier.errors import Invalid, NotFound
from atelier.extensions import db
from atelier.money import format_cents
from atelier.production import rules
from atelier.production.models import Item, ItemEvent
from atelier.timeutil import local_date


def may_see_item(user, item: Item) -> bool:
    """Supervisors see their ateliers' pieces; shop staff only pieces at or bound for
    their shops; admins everything."""
    if user.role == "admin":
        return True
    if user.role == "supervisor":
        return bool({item.origin_site_id, item.site_id} & user.site_ids)
    if user.role == "shop":
        return item.site_id in user.site_ids and item.site.kind != "atelier"
    return False


def may_see_maker(user, item: Item) -> bool:
    """Admins, and supervisors of the atelier where the piece was made, see who made it:
    never shop staff, nor a supervisor whose sites only hold the piece now."""
    if user.role == "admin":
        return True
    return user.role == "supervisor" and item.origin_site_id in user.site_ids


def _where_ref(ref: str):
    """The WHERE clause for what a scanner read: code, tag or full QR URL."""
    try:
        kind, value = rules.parse_scan(ref)
    except ValueError:
        return None
    return Item.code == value if kind == "code" else Item.tag == value


def find_item(user, ref: str) -> Item:
    """The piece a code, tag or QR URL names, if the user may see it; otherwise a 404 that
    says the same whether it does not exist or belongs elsewhere."""
    where = _where_ref(ref)
    item = db.session.scalar(sa.select(Item).where(where)) if where is not None else None
    if (
        item is None
        or (item.status == "voided" and user.role == "shop")
        or not may_see_item(user, item)
    ):
        raise NotFound(_("No such piece."))
    return item


def history(item: Item) -> list[ItemEvent]:
    """The piece's events, oldest first."""
    return list(
        db.session.scalars(
            sa.select(ItemEvent)
            .where(ItemEvent.item_id == item.id)
            .order_by(ItemEvent.at, ItemEvent.id)
        )
    )


def price_of(item: Item, day: date):
    """The product's rule in force on ``day`` (the list price a shop charges then)."""
    return rule_on(item.product_type.rules, day)


def item_today(item: Item) -> date:
    """Today where the piece is."""
    return local_date(utcnow(), item.site.timezone)


@dataclass(frozen=True)
class Story:
    """What the public story page shows: nothing that locates or names a maker beyond
    her first name, and that only with consent."""

    product_name: str
    description: str
    product: object
    first_name: str | None
    share_bp: int | None
    #: for sale in the online shop right now: its price there (else None)
    online_price_cents: int | None = None
    currency: str = ""
    tag: str = ""


def story(tag: str) -> Story:
    """The story behind a tag; NotFound for an unknown or voided tag."""
    item = db.session.scalar(
        sa.select(Item).options(joinedload(Item.beneficiary)).where(Item.tag == (tag or ""))
    )
    if item is None or item.status == "voided":
        raise NotFound(_("Not found."))
    maker = item.beneficiary
    rule = price_of(item, item_today(item))
    lang = str(get_locale())
    return Story(
        product_name=item.product_type.name_in(lang),
        description=item.product_type.description_in(lang),
        product=item.product_type,
        first_name=rules.public_first_name(
            maker.display_name, maker.public_name_consent, maker.anonymised_at is not None
        ),
        share_bp=rule.maker_share_bp if rule else None,
        **_online_offer(item, rule),
    )


def _online_offer(item: Item, rule) -> dict:
    """The piece's online price, when it is in stock at the online shop and priced in that
    shop's currency (else nothing: the page then points to the store and the shops)."""
    on_sale = item.status == "in_shop" and item.site.kind == "webshop"
    if not (on_sale and rule and rule.price_currency == item.site.currency):
        return {"tag": item.tag}
    return {
        "online_price_cents": rule.price_cents,
        "currency": rule.price_currency,
        "tag": item.tag,
    }


@dataclass(frozen=True)
class LabelData:
    """What one label carries: never the maker."""

    code: str
    tag: str
    product_name: str
    price_text: str


def label_data(items: list[Item]) -> list[LabelData]:
    """Label contents for pieces, priced at the rule in force today."""
    out = []
    for item in items:
        rule = price_of(item, item_today(item))
        price = format_cents(rule.price_cents, rule.price_currency) if rule else ""
        out.append(LabelData(item.code, item.tag, item.product_type.name, price))
    return out


def items_for_labels(user, codes: list[str]) -> list[Item]:
    """The pieces named (code, tag or URL), in the order given; 404 naming any the user
    cannot see, so nothing is printed for a foreign site."""
    if not codes:
        raise Invalid(_("Choose at least one piece."), {"items": "give at least one item"})
    if len(codes) > 1000:
        raise Invalid(_("Too many labels at once."), {"items": "at most 1000"})
    parsed = []
    for ref in codes:
        try:
            parsed.append((ref, rules.parse_scan(ref)))
        except ValueError:
            parsed.append((ref, ("code", "")))
    wanted_codes = {v for _r, (k, v) in parsed if k == "code"}
    wanted_tags = {v for _r, (k, v) in parsed if k == "tag"}
    found = db.session.scalars(
        sa.select(Item).where(sa.or_(Item.code.in_(wanted_codes), Item.tag.in_(wanted_tags)))
    ).all()
    by_ref = {}
    for item in found:
        by_ref[("code", item.code)] = by_ref[("tag", item.tag)] = item
    result, missing = [], []
    for ref, key in parsed:
        item = by_ref.get(key)
        if item is None or item.status == "voided" or not may_see_item(user, item):
            missing.append(str(ref))
        else:
            result.append(item)
    if missing:
        raise NotFound(
            _("Unknown pieces: %(codes)s", codes=", ".join(missing[:20])),
            {"items": "unknown: " + ", ".join(missing[:20])},
        )
    return result


def items_of_entry(entry) -> list[Item]:
    """The QC-passed, live pieces of an entry."""
    return [i for i in entry.items if i.counts_as_made]


def items_of_day(site, day: date) -> list[Item]:
    """Every QC-passed, live piece made at a site on a day, by code."""
    return list(
        db.session.scalars(
            sa.select(Item)
            .where(
                Item.origin_site_id == site.id,
                Item.made_on == day,
                Item.counts_as_made,
            )
            .order_by(Item.code)
        )
    )
