"""Use cases of the demand loop: read the figures, ask for products, plan the week, set
markdowns. They check who may, apply the rules and only flush; the request commits."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import lazyload, undefer

from atelier import audit
from atelier.authz import require_site
from atelier.catalog.models import ProductType
from atelier.catalog.photos import PhotoError, reencode
from atelier.db import utcnow
from atelier.demand import markdowns, queries, rules
from atelier.demand.markdowns import replace_rules
from atelier.demand.models import Plan, PlanLine, ShopRequest
from atelier.errors import Conflict, Forbidden, Invalid, NotFound
from atelier.extensions import db
from atelier.org.models import Site
from atelier.production.models import ProductionEntry
from atelier.till.services import price_on
from atelier.timeutil import local_date


def check_weeks(weeks: int | None, field: str = "weeks", default=rules.DEFAULT_WEEKS) -> int:
    """A window length in weeks: 1..104 (400 naming the field otherwise)."""
    if weeks is None:
        return default
    if not 1 <= weeks <= rules.MAX_WEEKS:
        raise Invalid(_("Choose between 1 and 104 weeks."), {field: "1 to 104"})
    return weeks


def _shop(code: str, field: str = "shop") -> Site:
    site = db.session.scalar(sa.select(Site).where(Site.code == (code or "").upper()))
    if site is None or site.kind not in queries.SHOP_KINDS:
        raise NotFound(_("No such shop."), {field: "unknown shop"})
    return site


def readable_shops(user, code: str | None = None) -> list[Site]:
    """The shops whose demand the user may read: admins and supervisors all, shop staff
    their own; ``code`` narrows to one (403 for a shop that is not hers)."""
    if user.role not in ("admin", "supervisor", "shop"):
        raise Forbidden(_("Your role may not do this."))
    if code:
        shop = _shop(code)
        if user.role == "shop":
            require_site(user, shop.id)
        return [shop]
    return queries.shops(user.site_ids if user.role == "shop" else None)


def demand(user, weeks: int | None = None, shop: str | None = None, now=None, lang=None):
    """The demand figures the user may read (API.md "Demand"), products named in ``lang``
    (None: their default names)."""
    weeks = check_weeks(weeks)
    return queries.demand(readable_shops(user, shop), weeks, now or utcnow(), lang)


def _product(sku: str, field: str = "product_type") -> ProductType:
    product = db.session.scalar(sa.select(ProductType).where(ProductType.sku == (sku or "")))
    if product is None:
        raise Invalid(_("Unknown product type: %(sku)s", sku=sku), {field: "unknown"})
    return product


def create_request(
    user, shop_code: str, sku: str, quantity: int, note: str = "", photo: bytes | None = None
) -> ShopRequest:
    """A shop asks for ``quantity`` pieces of a product (shop staff of that shop, admin)."""
    if user.role not in ("admin", "shop"):
        raise Forbidden(_("Your role may not do this."))
    shop = _shop(shop_code)
    require_site(user, shop.id)
    product = _product(sku)
    if not isinstance(quantity, int) or not 1 <= quantity <= 500:
        raise Invalid(_("Ask for 1 to 500 pieces."), {"quantity": "1 to 500"})
    request = ShopRequest(
        shop_id=shop.id,
        product_type_id=product.id,
        quantity=quantity,
        note=(note or "").strip()[:500],
        status="open",
        created_by_id=user.id,
        created_at=utcnow(),
    )
    if photo:
        try:
            request.photo, request.photo_mime = reencode(photo)
        except PhotoError as exc:
            raise Invalid(
                _("The photo could not be used: %(why)s", why=str(exc)), {"photo": str(exc)}
            ) from None
    db.session.add(request)
    db.session.flush()
    return request


def list_requests(user, status: str | None = None) -> list[ShopRequest]:
    """Requests the user may see, newest first: supervisors and admins all, shop staff
    their shops'."""
    if status is not None and status not in ("open", "planned", "done", "declined"):
        raise Invalid(_("Unknown status."), {"status": "open, planned, done or declined"})
    query = sa.select(ShopRequest).order_by(ShopRequest.created_at.desc(), ShopRequest.id.desc())
    if user.role == "shop":
        query = query.where(ShopRequest.shop_id.in_(user.site_ids or {0}))
    elif user.role not in ("admin", "supervisor"):
        raise Forbidden(_("Your role may not do this."))
    if status:
        query = query.where(ShopRequest.status == status)
    return list(db.session.scalars(query))


def get_request(user, request_id: int, with_photo: bool = False) -> ShopRequest:
    """A request the user may see (its shop's staff, supervisors, admins)."""
    options = [undefer(ShopRequest.photo)] if with_photo else []
    request = db.session.get(ShopRequest, request_id, options=options)
    if request is None:
        raise NotFound(_("No such request."))
    if user.role == "shop":
        require_site(user, request.shop_id)
    elif user.role not in ("admin", "supervisor"):
        raise Forbidden(_("Your role may not do this."))
    return request


def decide_request(user, request_id: int, status: str) -> ShopRequest:
    """A supervisor marks a request planned, done or declined (409 if it cannot move so)."""
    if user.role not in ("admin", "supervisor"):
        raise Forbidden(_("Your role may not do this."))
    if status not in ("planned", "done", "declined"):
        raise Invalid(_("Unknown status."), {"status": "planned, done or declined"})
    request = get_request(user, request_id)
    if not rules.may_move(request.status, status):
        raise Conflict(
            _("This request is already %(status)s.", status=status_label(request.status))
        )
    moved = db.session.execute(
        sa.update(ShopRequest)
        .where(ShopRequest.id == request.id, ShopRequest.status == request.status)
        .values(status=status, decided_at=utcnow(), decided_by_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Conflict(_("This request changed meanwhile."))
    db.session.expire(request)
    return request


def status_label(status: str) -> str:
    """A request's status in the reader's language."""
    return {
        "open": _("open"),
        "planned": _("planned"),
        "done": _("done"),
        "declined": _("declined"),
    }.get(status, status)


# --- the production plan ------------------------------------------------------------------
@dataclass(frozen=True)
class PlanRow:
    """One product type in the plan (API.md ``GET /production-plan``)."""

    product_type: ProductType
    weekly_sales: str
    requested: int
    in_atelier: int
    in_transit: int
    in_shops: int
    suggested: int
    #: what this week's saved plan says, if it was saved
    planned: int | None = None


def atelier(user, code: str, field: str = "site") -> Site:
    """An atelier the user plans for (supervisor of it, admin)."""
    site = db.session.scalar(sa.select(Site).where(Site.code == (code or "").upper()))
    if site is None or site.kind != "atelier":
        raise NotFound(_("No such atelier."), {field: "unknown atelier"})
    if user.role not in ("admin", "supervisor"):
        raise Forbidden(_("Your role may not do this."))
    require_site(user, site.id)
    return site


def production_plan(site: Site, weeks=None, cover_weeks=None, now=None) -> list[PlanRow]:
    """A row per active product type: sales, requests, stock and the suggestion (API.md)."""
    weeks = check_weeks(weeks)
    cover_weeks = check_weeks(cover_weeks, "cover_weeks", rules.DEFAULT_COVER_WEEKS)
    now = now or utcnow()
    start, end = rules.window(now, weeks)
    queries.no_jit()
    net = queries.net_sold(start, end)
    places = queries.pieces_by_place(site.id)
    requested = dict(
        db.session.execute(
            sa.select(ShopRequest.product_type_id, sa.func.sum(ShopRequest.quantity))
            .where(ShopRequest.status == "open")
            .group_by(ShopRequest.product_type_id)
        ).all()
    )
    saved = this_weeks_plan(site, now)
    planned = {line.product_type_id: line.planned for line in saved.lines} if saved else {}
    products = db.session.scalars(
        sa.select(ProductType)
        .options(lazyload(ProductType.rules))
        .where(ProductType.is_active.is_(True))
        .order_by(ProductType.name)
    )
    rows = []
    for product in products:
        where = places[product.id]
        wanted = int(requested.get(product.id) or 0)
        rows.append(
            PlanRow(
                product,
                rules.weekly_sales(net[product.id], weeks),
                wanted,
                where["in_atelier"],
                where["in_transit"],
                where["in_shops"],
                rules.suggested(
                    wanted,
                    net[product.id],
                    weeks,
                    cover_weeks,
                    where["in_atelier"],
                    where["in_transit"],
                    where["in_shops"],
                ),
                planned.get(product.id),
            )
        )
    return rows


def this_weeks_plan(site: Site, now: datetime) -> Plan | None:
    """The plan saved for the current ISO week at the site, if any."""
    week = rules.iso_week(local_date(now, site.timezone))
    return db.session.scalar(sa.select(Plan).where(Plan.site_id == site.id, Plan.week == week))


def save_plan(user, site: Site, quantities: dict[str, int], now=None) -> Plan:
    """Save this week's plan: each product's suggestion as computed now, and what the
    supervisor planned (``quantities`` by SKU; a product left out keeps the suggestion)."""
    now = now or utcnow()
    rows = production_plan(site, now=now)
    for sku, value in quantities.items():
        if not isinstance(value, int) or not 0 <= value <= 10000:
            raise Invalid(_("Plan 0 to 10000 pieces."), {sku: "0 to 10000"})
    plan = this_weeks_plan(site, now)
    if plan is None:
        plan = Plan(site_id=site.id, week=rules.iso_week(local_date(now, site.timezone)))
        db.session.add(plan)
    plan.saved_by_id, plan.saved_at = user.id, now
    existing = {line.product_type_id: line for line in plan.lines}
    for row in rows:
        wanted = quantities.get(row.product_type.sku, row.suggested)
        line = existing.get(row.product_type.id)
        if line is None:
            plan.lines.append(
                PlanLine(
                    product_type_id=row.product_type.id, suggested=row.suggested, planned=wanted
                )
            )
        else:
            line.suggested, line.planned = row.suggested, wanted
    db.session.flush()
    audit.record("demand.plan", plan, user=user, week=plan.week, site=site.code)
    return plan


@dataclass(frozen=True)
class Progress:
    """Pieces made this week of one product at an atelier, against the plan."""

    product_name: str
    made: int
    planned: int
    sku: str = ""


# --- markdowns ------------------------------------------------------------------------------
def set_markdowns(user, code: str, steps: list[tuple[int, int]]):
    """Replace a shop's markdown rules (admin). ``after_days`` ≥ 0, 0 < ``discount_bp``
    < 10000, each ``after_days`` once; ``[]`` clears."""
    if user.role != "admin":
        raise Forbidden(_("Your role may not do this."))
    shop = _shop(code, "code")
    if shop.kind != "shop":  # the online shop charges its list price: no rail, no markdown
        raise NotFound(_("No such shop."), {"code": "not a shop"})
    errors = {}
    seen = set()
    for index, (after_days, discount_bp) in enumerate(steps):
        if after_days < 0 or after_days in seen:
            errors[f"rules.{index}.after_days"] = "0 or more, each once"
        if not 0 < discount_bp < 10000:
            errors[f"rules.{index}.discount_bp"] = "between 1 and 9999"
        seen.add(after_days)
    if errors:
        raise Invalid(_("Some markdown rules are invalid."), errors)
    added = replace_rules(shop, [rules.Markdown(a, d) for a, d in steps])
    audit.record(
        "demand.markdowns",
        shop,
        user=user,
        rules=[{"after_days": a, "discount_bp": d} for a, d in steps],
    )
    return shop, added


# --- what the pages need besides ------------------------------------------------------------
def product_names(ids: set[int], lang: str | None = None) -> dict[int, str]:
    """{product_type_id: name in ``lang``} for these products (None: default names)."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(ProductType.id, ProductType.name, ProductType.translations).where(
            ProductType.id.in_(ids)
        )
    )
    return {pid: queries.translated_name(name, texts, lang) for pid, name, texts in rows}


def active_products() -> list[ProductType]:
    """The product types still made, by name (what a shop may ask for)."""
    return list(
        db.session.scalars(
            sa.select(ProductType)
            .options(lazyload(ProductType.rules))
            .where(ProductType.is_active.is_(True))
            .order_by(ProductType.name)
        )
    )


def list_prices(shop: Site, product_ids: set[int], now: datetime) -> dict[int, int]:
    """{product_type_id: list price today at the shop} (products without one left out)."""
    if not product_ids:
        return {}
    products = db.session.scalars(sa.select(ProductType).where(ProductType.id.in_(product_ids)))
    prices = {p.id: price_on(p.rules, shop, now) for p in products}
    return {pid: price for pid, price in prices.items() if price is not None}


def week_progress(site: Site, today: date, lang: str | None = None) -> list[Progress]:
    """Every line of this ISO week's plan at the site, with the pieces made so far (two
    queries), products named in ``lang`` (None: their default names)."""
    week = rules.iso_week(today)
    lines = db.session.scalars(
        sa.select(PlanLine)
        .join(Plan, Plan.id == PlanLine.plan_id)
        .where(Plan.site_id == site.id, Plan.week == week)
    ).all()
    if not lines:
        return []
    monday, next_monday = rules.week_days(today)
    made = dict(
        db.session.execute(
            sa.select(ProductionEntry.product_type_id, sa.func.sum(ProductionEntry.quantity))
            .where(
                ProductionEntry.site_id == site.id,
                ProductionEntry.qc == "passed",
                ProductionEntry.voided_at.is_(None),
                ProductionEntry.made_on >= monday,
                ProductionEntry.made_on < next_monday,
            )
            .group_by(ProductionEntry.product_type_id)
        ).all()
    )
    return sorted(
        (
            Progress(
                line.product_type.name_in(lang) if lang else line.product_type.name,
                int(made.get(line.product_type_id) or 0),
                line.planned,
                line.product_type.sku,
            )
            for line in lines
            if line.planned
        ),
        key=lambda p: p.product_name,
    )


def shelf(shop: Site, now: datetime, limit: int = 200, lang: str | None = None) -> list[tuple]:
    """A shop's pieces on hand, longest on the shelf first: (piece, whole days on the shelf
    or None, its :class:`~atelier.demand.markdowns.Price` now or None). Four queries.
    Products are named in ``lang`` (None: their default names)."""
    pieces = queries.pieces_on_hand(shop, limit, lang)
    found = markdowns.discounts(shop, [p.id for p in pieces], now)
    prices = list_prices(shop, {p.product_type_id for p in pieces}, now)
    today = local_date(now, shop.timezone)
    listed = []
    for piece in pieces:
        list_price = prices.get(piece.product_type_id)
        price = (
            None if list_price is None else markdowns.price_in_shop(list_price, found.get(piece.id))
        )
        days = (
            None
            if piece.received_at is None
            else rules.days_on_shelf(local_date(piece.received_at, shop.timezone), today)
        )
        listed.append((piece, days, price))
    return listed
