"""Pages for stock: build and send shipments, receive them at the shop, shop stock."""

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from atelier import nav
from atelier.authz import roles_required
from atelier.catalog.services import list_product_types
from atelier.extensions import db
from atelier.forms import attempt, submit
from atelier.org.models import Site
from atelier.org.services import site_by_code
from atelier.stock import queries, services
from atelier.stock.forms import ReceiveForm, ShipmentForm
from atelier.stock.packing import packing_list

bp = Blueprint("stock", __name__)

nav.register("stock.shipments", _l("Shipments"), ["supervisor", "shop"], order=25, icon="shipment")
nav.register("stock.shop_stock", _l("Shop stock"), ["shop"], order=31, icon="stock")


@bp.route("/shipments")
@roles_required("supervisor", "shop")
def shipments():
    """Recent shipments from or to the user's sites."""
    rows = [(s, services.summary(s)) for s in services.list_shipments(current_user)]
    return render_template("stock/shipments.html", rows=rows)


@bp.route("/shipments/new", methods=["GET", "POST"])
@roles_required("supervisor")
def new_shipment():
    """Pick or scan pieces at an atelier and send them to a shop."""
    ateliers = queries.sites_of_kind(current_user, ("atelier",))
    form = ShipmentForm()
    form.from_site.choices = {s.code: s.name for s in ateliers}
    form.to_site.choices = {
        s.code: s.name for s in queries.sites_of_kind(None, ("shop", "webshop"))
    }
    picker = _picker(ateliers)
    done = submit(
        form,
        lambda: _send(form),
        lambda shipment: ngettext(
            "Shipment sent: %(num)d piece is on its way.",
            "Shipment sent: %(num)d pieces are on their way.",
            len(shipment.lines),
        ),
        lambda shipment: url_for("stock.shipment", shipment_id=shipment.id),
    )
    return done or render_template("stock/new.html", form=form, **picker)


def _picker(ateliers) -> dict:
    """The waiting pieces to tick, newest first, filtered by product and day made (GET)."""
    sku = request.args.get("product") or None
    made_on = _date_arg("made_on")
    waiting = queries.atelier_items(
        [s.id for s in ateliers], sku=sku, made_on=made_on, page=request.args.get("page", 1, int)
    )
    return {
        "waiting": waiting,
        "products": list_product_types(),
        "chosen": {"product": sku or "", "made_on": made_on.isoformat() if made_on else ""},
    }


def _date_arg(name: str) -> date | None:
    """A ``YYYY-MM-DD`` query argument, or None when absent or not a date."""
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _send(form):
    """Send the ticked and the scanned pieces from the form."""
    scans = [
        *form.items.data,
        *(s.strip() for s in (form.scans.data or "").splitlines() if s.strip()),
    ]
    return services.create_shipment(
        current_user,
        site_by_code(form.from_site.data, "from_site"),
        site_by_code(form.to_site.data, "to_site"),
        scans,
    )


@bp.route("/shipments/<int:shipment_id>")
@roles_required("supervisor", "shop")
def shipment(shipment_id: int):
    """A shipment: its pieces, and at the shop, receiving with progress."""
    found = services.get_shipment(current_user, shipment_id)
    return render_template(
        "stock/shipment.html",
        shipment=found,
        info=services.summary(found),
        receiving=services.receiving(current_user, found),
        form=ReceiveForm(),
    )


@bp.route("/shipments/<int:shipment_id>/scan", methods=["POST"])
@roles_required("shop")
def receive_scan(shipment_id: int):
    """Receive one scanned piece; unexpected pieces are listed, never accepted."""
    form = ReceiveForm()
    back = url_for("stock.shipment", shipment_id=shipment_id)
    if not form.validate_on_submit():
        services.get_shipment(current_user, shipment_id)
        flash(_("Scan a piece first."), "error")
        return redirect(back)
    return attempt(
        lambda: services.receive_scan(current_user, shipment_id, form.scan.data),
        _received_message,
        back,
    ) or redirect(back)


def _received_message(received) -> tuple[str, str]:
    """What a scan at receiving did: (message, flash category)."""
    outcome, code = received
    messages = {
        "received": (_("%(code)s received.", code=code), "success"),
        "late": (_("%(code)s arrived late and is now in stock.", code=code), "success"),
        "again": (_("%(code)s was already received.", code=code), "info"),
        "unexpected": (_("%(code)s is not on this shipment: set it aside.", code=code), "error"),
    }
    return messages[outcome]


@bp.route("/shipments/<int:shipment_id>/accept-all", methods=["POST"])
@roles_required("shop")
def accept_all(shipment_id: int):
    """Receive every piece still expected, in one tap."""
    found = services.finish_receiving(current_user, shipment_id, accept_all=True)
    db.session.commit()
    flash(
        ngettext(
            "Shipment received: %(num)d piece in stock.",
            "Shipment received: %(num)d pieces in stock.",
            len(services.summary(found)["received"]),
        ),
        "success",
    )
    return redirect(url_for("stock.shipment", shipment_id=shipment_id))


@bp.route("/shipments/<int:shipment_id>/finish", methods=["POST"])
@roles_required("shop")
def finish(shipment_id: int):
    """Close receiving: the pieces not scanned are recorded as missing."""
    found = services.finish_receiving(current_user, shipment_id)
    db.session.commit()
    missing = services.summary(found)["missing"]
    if missing:
        flash(
            ngettext(
                "Receiving finished: %(num)d piece missing.",
                "Receiving finished: %(num)d pieces missing.",
                len(missing),
            ),
            "warning",
        )
    else:
        flash(_("Shipment received in full."), "success")
    return redirect(url_for("stock.shipment", shipment_id=shipment_id))


@bp.route("/shipments/<int:shipment_id>/packing-list.pdf")
@roles_required("supervisor", "shop")
def packing(shipment_id: int):
    """The packing list to print and put in the box."""
    found = services.get_shipment(current_user, shipment_id)
    return Response(
        packing_list(found),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="packing-list-{found.id}.pdf"'},
    )


@bp.route("/stock")
@roles_required("shop")
def shop_stock():
    """What each of the user's shops holds, by product; never who made a piece."""
    shops: list[Site] = queries.sites_of_kind(current_user, ("shop", "webshop"))
    return render_template(
        "stock/stock.html", shops=[(shop, queries.shop_stock(shop)) for shop in shops]
    )
