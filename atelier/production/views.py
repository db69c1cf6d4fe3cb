"""Pages for production: the tablet screen, voiding, label PDFs, item pages, story pages."""

import re
import uuid
from datetime import date

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from atelier import audit, nav
from atelier.authz import roles_required
from atelier.catalog.services import list_product_types
from atelier.db import db_int
from atelier.errors import Invalid, NotFound, script_wants_json
from atelier.extensions import db
from atelier.forms import attempt, or_default, submit, submit_json
from atelier.production import items as item_services
from atelier.production import labels, services, web
from atelier.production.forms import ProductionForm
from atelier.ratelimits import public_limits

bp = Blueprint("production", __name__)

nav.register("production.production", _l("Production"), ["supervisor"], order=20, icon="production")
nav.register(
    "production.find_item", _l("Find a piece"), ["supervisor", "shop"], order=25, icon="find"
)


def _day_arg(site) -> date:
    """The ``day`` query argument, or today at the site."""
    raw = request.args.get("day")
    if not raw:
        return services.site_today(site)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(_("Write the day as YYYY-MM-DD."), {"day": "YYYY-MM-DD"}) from None


@bp.route("/atelier/production", methods=["GET", "POST"])
@roles_required("supervisor")
def production():
    """Log pieces: maker tiles, product tiles, a stepper, QC; then the day per maker."""
    site = services.atelier_for(current_user, request.args.get("site"))
    day = _day_arg(site)
    makers = services.makers_at(site)
    products = [p for p in list_product_types(active_only=True) if p.rules]
    form = ProductionForm()
    form.beneficiary.choices = {m.maker_code: m.display_name for m in makers}
    form.product_type.choices = {p.sku: p.name for p in products}
    if request.method == "GET":
        form.made_on.data = day
        form.client_id.data = str(uuid.uuid4())

    def save():
        return services.log_production(
            current_user,
            form.beneficiary.data,
            form.product_type.data,
            form.quantity.data,
            form.made_on.data,
            form.qc.data,
            form.client_id.data or None,
        )

    def saved_page(logged) -> str:
        return url_for(
            "production.production",
            site=site.code,
            day=logged[0].made_on.isoformat(),
            saved=logged[0].id,
        )

    if request.method == "POST" and script_wants_json():  # the outbox sending a kept entry
        return submit_json(
            form, save, _saved_message, saved_page, _("The pieces could not be saved.")
        )
    done = submit(form, save, _saved_message, saved_page)
    if done:
        return done
    saved = _saved_entry()
    if saved is not None and request.method == "GET":
        form.beneficiary.data = saved.beneficiary.maker_code  # the next save is often hers too
    return render_template(
        "production/production.html",
        site=site,
        sites=services.ateliers_for(current_user),
        day=day,
        makers=makers,
        products=products,
        form=form,
        saved=saved,
        rows=services.day_production(site, day),
        can_void=services.entry_can_void,
    )


def _saved_message(logged) -> str:
    """What to say after logging: how many pieces, or that they were saved already."""
    entry, created = logged
    if not created:
        return _("These pieces were saved already.")
    return ngettext("%(num)d piece saved.", "%(num)d pieces saved.", entry.quantity)


def _saved_entry():
    """The entry just saved (for the 'print labels now' offer), if it is the user's."""
    entry_id = request.args.get("saved", type=db_int)
    if not entry_id:
        return None
    return or_default(None, services.get_entry, current_user, entry_id)


@bp.route("/atelier/production/entries/<int:entry_id>/void", methods=["POST"])
@roles_required("supervisor")
def void_entry(entry_id):
    """Void a mistaken entry (asked to confirm first; audited)."""
    return attempt(
        lambda: services.void_entry(current_user, entry_id),
        _("The entry is voided."),
        _day_of,
        catch=services.ProductionConflict,
    ) or redirect(_day_of(services.get_entry(current_user, entry_id)))


def _day_of(entry) -> str:
    """The production page of the entry's site and day."""
    return url_for("production.production", site=entry.site.code, day=entry.made_on.isoformat())


@bp.route("/atelier/labels.pdf")
@roles_required("supervisor")
def labels_pdf():
    """Label sheet for an entry (``entry``), one piece (``item``) or a day (``site``+``day``)."""
    grid = _grid_args()
    if request.args.get("entry"):
        entry = services.get_entry(current_user, request.args.get("entry", type=db_int) or 0)
        pieces = item_services.items_of_entry(entry)
    elif request.args.get("item"):
        pieces = item_services.items_for_labels(current_user, [request.args["item"]])
    else:
        site = services.atelier_for(current_user, request.args.get("site"))
        pieces = item_services.items_of_day(site, _day_arg(site))
    return web.label_sheet(pieces, grid)


def _grid_args() -> labels.Grid:
    """Columns and rows from the query string (default 3×8)."""
    columns = request.args.get("columns", 3, type=db_int)
    rows = request.args.get("rows", 8, type=db_int)
    errors = labels.check_grid(columns, rows)
    if errors:
        raise Invalid(_("The label grid is not valid."), errors)
    return labels.Grid(columns=columns, rows=rows)


@bp.route("/items")
@roles_required("supervisor", "shop")
def find_item():
    """Scan or type a code to open a piece."""
    ref = (request.args.get("q") or "").strip()
    if ref:
        try:
            item = item_services.find_item(current_user, ref)
        except NotFound as exc:
            flash(exc.message, "error")
        else:
            return redirect(url_for("production.item_page", ref=item.code))
    return render_template("production/find.html", ref=ref)


@bp.route("/items/<ref>")
@roles_required("supervisor", "shop")
def item_page(ref):
    """A piece: its state and history; the maker only for supervisors and admins."""
    item = item_services.find_item(current_user, ref)
    show_maker = item_services.may_see_maker(current_user, item)
    if show_maker:
        audit.record("production.view_item", item, code=item.code)
        db.session.commit()
    return render_template(
        "production/item.html",
        item=item,
        show_maker=show_maker,
        events=item_services.history(item),
        rule=item_services.price_of(item, item_services.item_today(item)),
    )


@bp.route("/t/<tag>")
@public_limits
def story(tag):
    """The public story page a QR tag opens: no maker identity without consent."""
    try:
        page = item_services.story(tag)
    except NotFound:
        return Response(_("Not found."), status=404, mimetype="text/plain")
    response = Response(render_template("public/story.html", story=page))
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


STATUS_LABELS = {
    "in_atelier": _l("In the atelier"),
    "in_transit": _l("On its way"),
    "in_shop": _l("In the shop"),
    "reserved": _l("Reserved"),
    "sold": _l("Sold"),
    "written_off": _l("Written off"),
    "rejected": _l("Rejected"),
    "voided": _l("Voided"),
}
EVENT_LABELS = {
    "made": _l("Made"),
    "rejected": _l("Rejected at quality check"),
    "voided": _l("Voided"),
    "shipped": _l("Shipped"),
    "received": _l("Received"),
    "sold": _l("Sold"),
    "returned": _l("Returned"),
    "written_off": _l("Written off"),
    "reserved": _l("Reserved"),
    "released": _l("Reservation released"),
}


@bp.app_template_global("status_label")
def status_label(status: str) -> str:
    """A piece's status in words."""
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_global("event_label")
def event_label(kind: str) -> str:
    """An item event in words."""
    return str(EVENT_LABELS.get(kind, kind))


NOTE_LABELS = {"till": _l("at the till"), "online": _l("online")}
_SHIPMENT_NOTE = re.compile(r"shipment (\d+)")


@bp.app_template_global("event_note")
def event_note(note: str | None) -> str:
    """An item event's note in words: the notes the app writes itself are translated, what a
    person typed (a return's reason) is shown as typed."""
    if not note:
        return ""
    if shipment := _SHIPMENT_NOTE.fullmatch(note):
        return _("Shipment %(number)s", number=shipment.group(1))
    return str(NOTE_LABELS.get(note, note))
