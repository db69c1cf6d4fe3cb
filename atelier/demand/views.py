"""Pages of the demand loop: the demand page, "What sells here", shop requests and the
production plan on the tablet."""

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from atelier import nav
from atelier.authz import roles_required
from atelier.db import db_int, utcnow
from atelier.demand import charts, exports, queries, rules, services
from atelier.demand.forms import DecisionForm, RequestForm
from atelier.forms import attempt, or_default, submit
from atelier.production import services as production_services
from atelier.timeutil import local_date

bp = Blueprint("demand", __name__)

nav.register("demand.page", _l("Demand"), ["admin", "supervisor"], order=66, icon="indicators")
nav.register("demand.plan", _l("Production plan"), ["supervisor"], order=25, icon="production")
nav.register("demand.shop_page", _l("What sells here"), ["shop"], order=35, icon="stock")
nav.register("demand.requests", _l("Requests"), ["shop"], order=36, icon="shop")


def _weeks() -> int:
    """The window chosen on the page: 4, 12 or 26 weeks (12 otherwise)."""
    weeks = request.args.get("weeks", type=db_int)
    return weeks if weeks in rules.WINDOWS else rules.DEFAULT_WEEKS


@bp.route("/demand")
@roles_required("supervisor")
def page():
    """Shops × products with sell-through as colour and number; charts; downloads."""
    weeks, now = _weeks(), utcnow()
    figures = services.demand(current_user, weeks, now=now)
    shops = sorted({(r.shop, r.shop_name) for r in figures.rows})
    products = sorted({(r.product_name, r.product_type) for r in figures.rows})
    matrix = {(r.shop, r.product_type): r for r in figures.rows}
    names = {r.product_type_id: r.product_name for r in figures.rows}
    shop_ids = [s.id for s in services.readable_shops(current_user)]
    weekly = queries.weekly_sales(shop_ids, now)
    names.update(services.product_names(set(weekly) - set(names)))
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
    figures = services.demand(current_user, weeks)
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
    shop, weeks, now = shops[0], _weeks(), utcnow()
    figures = services.demand(current_user, weeks, shop.code, now=now)
    listed = services.shelf(shop, now)
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
    form.product_type.choices = {p.sku: p.name for p in services.active_products()}
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
            product=r.product_type.name,
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
    return services.week_progress(site, day)


@bp.app_template_global("shelf_prices")
def shelf_prices(shop):
    """A shop's pieces on hand, longest first, with their price now (the stock page)."""
    return services.shelf(shop, utcnow())


@bp.app_template_global("open_shop_requests")
def open_shop_requests():
    """Open requests for the supervisor's home."""
    return services.list_requests(current_user, "open")


bp.add_app_template_global(services.status_label, "request_status_label")
bp.add_app_template_global(rules.NEXT_STATUSES, "request_next_statuses")
