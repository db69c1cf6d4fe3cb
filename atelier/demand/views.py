"""Pages of the demand loop: the demand page, "What sells here", shop requests and the
production plan on the tablet."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from atelier import nav
from atelier.authz import admin_required, roles_required
from atelier.db import db_int, utcnow
from atelier.demand import charts, exports, queries, rules, services
from atelier.demand import markdowns as markdown_rules
from atelier.demand.forms import DecisionForm, RequestForm
from atelier.forms import attempt, or_default, shown_again_status, submit
from atelier.production import services as production_services
from atelier.timeutil import local_date

bp = Blueprint("demand", __name__)

nav.register("demand.page", _l("Demand"), ["admin", "supervisor"], order=66, icon="indicators")
nav.register("demand.plan", _l("Production plan"), ["supervisor"], order=25, icon="production")
nav.register("demand.shop_page", _l("What sells here"), ["shop"], order=35, icon="stock")
nav.register("demand.requests", _l("Requests"), ["shop"], order=36, icon="shop")
nav.register("demand.markdowns", _l("Markdowns"), ["admin"], order=67, icon="stock")

#: empty lines under a shop's steps, to add new ones
MARKDOWN_SLOTS = 3
MAX_MARKDOWN_DAYS = 9999


def _lang() -> str:
    """The reader's language, in which product names are shown."""
    return str(get_locale())


def _weeks() -> int:
    """The window chosen on the page: 4, 12 or 26 weeks (12 otherwise)."""
    weeks = request.args.get("weeks", type=db_int)
    return weeks if weeks in rules.WINDOWS else rules.DEFAULT_WEEKS


@bp.route("/demand")
@roles_required("supervisor")
def page():
    """Shops × products with sell-through as colour and number; charts; downloads."""
    weeks, now, lang = _weeks(), utcnow(), _lang()
    figures = services.demand(current_user, weeks, now=now, lang=lang)
    shops = sorted({(r.shop, r.shop_name) for r in figures.rows})
    products = sorted({(r.product_name, r.product_type) for r in figures.rows})
    matrix = {(r.shop, r.product_type): r for r in figures.rows}
    names = {r.product_type_id: r.product_name for r in figures.rows}
    shop_ids = [s.id for s in services.readable_shops(current_user)]
    weekly = queries.weekly_sales(shop_ids, now)
    names.update(services.product_names(set(weekly) - set(names), lang))
    line_chart = charts.weekly_chart(
        {names[pid]: counts for pid, counts in weekly.items()}, queries.CHART_WEEKS
    )
    histograms: dict[str, dict[int, int]] = {}
    for row in figures.rows:
        merged = histograms.setdefault(row.product_name, {})
        for days, count in row.shelf_days.items():
            merged[days] = merged.get(days, 0) + count
    boxes, largest, box_height = charts.shelf_boxes(histograms)
    return render_template(
        "demand/page.html",
        figures=figures,
        weeks=weeks,
        windows=rules.WINDOWS,
        shops=shops,
        products=products,
        matrix=matrix,
        heat=rules.heat_class,
        percent=exports.percent,
        line_chart=line_chart,
        boxes=boxes,
        box_largest=largest,
        box_height=box_height,
        geometry=charts,
    )


def _download(kind: str):
    weeks = _weeks()
    figures = services.demand(current_user, weeks, lang=_lang())
    name = f"demand-{weeks}w.{kind}"
    if kind == "csv":
        body, mime = exports.to_csv(figures.rows).encode("utf-8-sig"), "text/csv"
    else:
        body = exports.to_xlsx(figures.rows, _("Demand"))
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        mimetype=mime,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/demand/export.csv")
@roles_required("supervisor")
def export_csv():
    """The demand table as CSV."""
    return _download("csv")


@bp.route("/demand/export.xlsx")
@roles_required("supervisor")
def export_xlsx():
    """The demand table as XLSX."""
    return _download("xlsx")


@bp.route("/demand/shop")
@roles_required("shop")
def shop_page():
    """What sells here: the shop's rows and its pieces on hand, longest first, priced now."""
    shops = services.readable_shops(current_user, request.args.get("shop"))
    if not shops:
        return render_template("demand/shop.html", shop=None, shops=[], rows=[], pieces=[])
    shop, weeks, now, lang = shops[0], _weeks(), utcnow(), _lang()
    figures = services.demand(current_user, weeks, shop.code, now=now, lang=lang)
    listed = services.shelf(shop, now, lang=lang)
    return render_template(
        "demand/shop.html",
        shop=shop,
        shops=services.readable_shops(current_user),
        rows=figures.rows,
        pieces=listed,
        weeks=weeks,
        windows=rules.WINDOWS,
        heat=rules.heat_class,
        percent=exports.percent,
    )


@bp.route("/requests")
@roles_required("supervisor", "shop")
def requests():
    """Shop staff: their requests and their status; supervisors: every request."""
    status = request.args.get("status") or None
    found = or_default(None, services.list_requests, current_user, status)
    if found is None:  # not a status: every request
        found = services.list_requests(current_user)
    return render_template(
        "demand/requests.html",
        found=found,
        status=status,
        label=services.status_label,
        next_statuses=rules.NEXT_STATUSES,
    )


@bp.route("/requests/new", methods=["GET", "POST"])
@roles_required("shop")
def ask():
    """Ask the atelier for more of a product, with a note and maybe a sample's photo."""
    form = RequestForm()
    shops = services.readable_shops(current_user)
    form.shop.choices = {s.code: s.name for s in shops}
    form.product_type.choices = {p.sku: p.name_in(_lang()) for p in services.active_products()}
    if request.method == "GET":
        form.product_type.data = request.args.get("product") or None
        form.shop.data = request.args.get("shop") or (shops[0].code if shops else None)

    def save():
        photo = form.photo.data.read() if form.photo.data else None
        return services.create_request(
            current_user,
            form.shop.data,
            form.product_type.data,
            form.quantity.data,
            form.note.data or "",
            photo,
        )

    done = submit(
        form, save, _("Your request was sent to the atelier."), url_for("demand.requests")
    )
    return done or render_template("demand/ask.html", form=form)


@bp.route("/requests/<int:request_id>/status", methods=["POST"])
@roles_required("supervisor")
def decide(request_id: int):
    """Mark a request planned, done or declined; back to where the supervisor was."""
    form = DecisionForm()
    back = _safe_back()
    if not form.validate_on_submit():
        services.get_request(current_user, request_id)  # 404/403 before "invalid"
        return redirect(back)
    return attempt(
        lambda: services.decide_request(current_user, request_id, form.status.data),
        lambda r: _(
            "%(product)s for %(shop)s: %(status)s",
            product=r.product_type.name_in(_lang()),
            shop=r.shop.name,
            status=services.status_label(r.status),
        ),
        back,
    ) or redirect(back)


def _safe_back() -> str:
    """Where to go after a decision: the atelier home or the requests page."""
    target = request.form.get("next", "")
    return target if target in ("/atelier", "/requests") else url_for("demand.requests")


@bp.route("/requests/<int:request_id>/photo")
@roles_required("supervisor", "shop")
def request_photo(request_id: int):
    """The sample's photo of a request (its shop's staff, supervisors)."""
    found = services.get_request(current_user, request_id, with_photo=True)
    if not found.photo:
        abort(404)
    response = Response(found.photo, mimetype=found.photo_mime or "image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/atelier/plan", methods=["GET", "POST"])
@roles_required("supervisor")
def plan():
    """The production plan on the tablet: the suggestion per product, adjustable, saved
    as this week's plan."""
    site = production_services.atelier_for(current_user, request.args.get("site"))
    weeks = _weeks()
    if request.method == "POST":
        quantities = {}
        for key, value in request.form.items():
            if key.startswith("planned-"):
                try:
                    quantities[key.removeprefix("planned-")] = int(value)
                except ValueError:
                    quantities[key.removeprefix("planned-")] = -1
        done = attempt(
            lambda: services.save_plan(current_user, site, quantities),
            _("This week's plan is saved."),
            url_for("demand.plan", site=site.code, weeks=weeks),
        )
        if done:
            return done
    rows = services.production_plan(site, weeks)
    saved = services.this_weeks_plan(site, utcnow())
    return render_template(
        "demand/plan.html",
        site=site,
        sites=production_services.ateliers_for(current_user),
        rows=rows,
        weeks=weeks,
        windows=rules.WINDOWS,
        cover_weeks=rules.DEFAULT_COVER_WEEKS,
        saved=saved,
        week=rules.iso_week(local_date(utcnow(), site.timezone)),
    )


@bp.app_template_global("plan_progress")
def plan_progress(site, day):
    """This week's plan lines at an atelier with pieces made so far (the production screen)."""
    return services.week_progress(site, day, _lang())


@bp.app_template_global("shelf_prices")
def shelf_prices(shop):
    """A shop's pieces on hand, longest first, with their price now (the stock page)."""
    return services.shelf(shop, utcnow(), lang=_lang())


@bp.app_template_global("open_shop_requests")
def open_shop_requests():
    """Open requests for the supervisor's home."""
    return services.list_requests(current_user, "open")


bp.add_app_template_global(services.status_label, "request_status_label")
bp.add_app_template_global(rules.NEXT_STATUSES, "request_next_statuses")


# --- markdowns (admin) ----------------------------------------------------------------------
def _markdown_lines(pairs) -> tuple[list[rules.Markdown], list[dict], dict[int, dict]]:
    """The steps typed on the page: (steps, the lines as typed, {line: {field: message}}).
    Blank lines are left out; each filled line needs both numbers."""
    steps, lines, errors, seen = [], [], {}, set()
    for days_text, percent_text in pairs:
        days_text, percent_text = days_text.strip(), percent_text.strip()
        lines.append({"after_days": days_text, "percent": percent_text})
        if not days_text and not percent_text:
            continue
        wrong = {}
        try:
            days = db_int(days_text)
            if not 0 <= days <= MAX_MARKDOWN_DAYS:
                raise ValueError(days_text)
        except ValueError:
            days = None
            wrong["after_days"] = _(
                "Write a whole number of days from 0 to %(most)d.", most=MAX_MARKDOWN_DAYS
            )
        if days is not None and days in seen:
            wrong["after_days"] = _("Another step already starts after %(n)d days.", n=days)
        seen.add(days)
        try:
            discount = rules.percent_to_bp(percent_text)
            if not 0 < discount < 10000:
                raise ValueError(percent_text)
        except ValueError:
            wrong["percent"] = _("Write a percentage from 0.01 to 99.99, such as 25.")
        if wrong:
            errors[len(lines) - 1] = wrong
        else:
            steps.append(rules.Markdown(days, discount))
    return steps, lines, errors


def _markdown_page(shop, shops, lines, errors=None, confirm_clear=False, status=200):
    """The markdown page of one shop: its steps as lines, with room to add more."""
    blanks = [{"after_days": "", "percent": ""}] * MARKDOWN_SLOTS
    lines = [*lines, *blanks] if shop else []
    for line in lines:  # what the till and the stock page show beside the price
        try:
            discount = rules.percent_to_bp(line["percent"]) if line["percent"] else 0
        except ValueError:
            discount = 0
        shown = rules.bp_to_percent(discount)
        line["reason"] = _("Markdown −%(pct)s %%", pct=shown) if 0 < discount < 10000 else ""
    return render_template(
        "demand/markdowns.html",
        shop=shop,
        shops=shops,
        lines=lines,
        errors=errors or {},
        confirm_clear=confirm_clear,
        has_rules=bool(shop and markdown_rules.shop_rules(shop)),
    ), status


@bp.route("/markdowns", methods=["GET", "POST"])
@admin_required
def markdowns():
    """A shop's markdown steps (admin): after how many days on the shelf, how much off its
    list price. Saved by the same service as ``PUT /shops/{code}/markdowns``; clearing
    every step is asked again before it is done."""
    shops = [s for s in queries.shops(None) if s.kind == "shop"]
    code = (request.values.get("shop") or (shops[0].code if shops else "")).upper()
    shop = next((s for s in shops if s.code == code), None)
    if shop is None:
        if shops:
            abort(404)
        return _markdown_page(None, [], [])
    if request.method == "GET":
        saved = [
            {"after_days": str(r.after_days), "percent": rules.bp_to_percent(r.discount_bp)}
            for r in markdown_rules.shop_rules(shop)
        ]
        return _markdown_page(shop, shops, saved)
    clearing = request.form.get("action") == "clear"
    pairs = (
        []
        if clearing
        else zip(request.form.getlist("after_days"), request.form.getlist("percent"), strict=False)
    )
    steps, lines, errors = _markdown_lines(pairs)
    if errors:
        flash(_("Some steps are not right: see the marked lines."), "error")
        return _markdown_page(shop, shops, lines, errors, status=400)
    if not steps and request.form.get("confirm_clear") != "1" and markdown_rules.shop_rules(shop):
        return _markdown_page(shop, shops, lines, confirm_clear=True)

    def save():
        return services.set_markdowns(
            current_user, shop.code, [(s.after_days, s.discount_bp) for s in steps]
        )

    message = (
        ngettext(
            "%(shop)s: %(num)d markdown step saved.",
            "%(shop)s: %(num)d markdown steps saved.",
            len(steps),
            shop=shop.name,
        )
        if steps
        else _(
            "%(shop)s: every markdown step is cleared; pieces sell at their list price.",
            shop=shop.name,
        )
    )
    done = attempt(save, message, url_for("demand.markdowns", shop=shop.code))
    return done or _markdown_page(shop, shops, lines, status=shown_again_status())
