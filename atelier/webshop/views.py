"""Pages of the online shop: the public storefront, cart and checkout; orders for admins."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from atelier import nav
from atelier.authz import admin_required
from atelier.errors import DomainError
from atelier.forms import attempt, flash_error
from atelier.ratelimits import public_limits
from atelier.security import extend_csp
from atelier.webshop import gateway, rules, services

bp = Blueprint("webshop", __name__)

nav.register("webshop.orders", _l("Online orders"), ["admin"], order=60, icon="orders")

CART = "cart"


def _cart() -> list[str]:
    """The tags in this visitor's cart (kept in the signed session cookie)."""
    cart = session.get(CART, [])
    return [t for t in cart if isinstance(t, str)] if isinstance(cart, list) else []


STATUS_LABELS = {
    "pending": _l("Waiting for payment"),
    "paid": _l("Paid"),
    "expired": _l("Expired"),
    "failed": _l("Payment failed"),
    "flagged": _l("Needs attention"),
    "refunded": _l("Refunded"),
}


@bp.route("/store")
@public_limits
def store():
    """The pieces for sale online right now."""
    return render_template(
        "webshop/store.html",
        cards=rules.group_identical(services.available_pieces()),
        payments_on=gateway.is_configured(),
        cart=_cart(),
    )


@bp.route("/store/p/<tag>")
@public_limits
def product(tag):
    """One piece: photo, price, the atelier's story."""
    return render_template("webshop/product.html", piece=services.piece(tag), cart=_cart())


@bp.route("/store/cart", methods=["GET", "POST"])
@public_limits
def cart():
    """Show the cart; POST adds (``add``) or removes (``remove``) one piece."""
    if request.method == "POST":
        if request.form.get("add"):
            piece = services.piece(request.form["add"])
            if piece.status != "in_shop":
                flash(_("Sorry, this piece is no longer available."), "error")
                return redirect(url_for("webshop.product", tag=piece.tag), code=303)
            session[CART] = rules.cart_add(_cart(), piece.tag)
            if piece.tag in session[CART]:
                flash(_("Added to your basket."), "success")
            else:
                flash(_("Your basket is full."), "error")
        elif request.form.get("remove"):
            session[CART] = rules.cart_remove(_cart(), request.form["remove"])
        return redirect(url_for("webshop.cart"), code=303)
    return _basket_page(email="")


def _basket_page(**context):
    """The basket. Its checkout form is redirected to Stripe, so the page's CSP must let the
    form go there (browsers check form-action on redirects): widened for this page only."""
    payments_on = gateway.is_configured()
    if payments_on:
        extend_csp("form-action", gateway.checkout_origin())
    pieces = services.cart_pieces(_cart())
    return render_template(
        "webshop/cart.html",
        pieces=pieces,
        payments_on=payments_on,
        total_cents=rules.basket_total([p.price_cents for p in pieces]),
        **context,
    )


@bp.route("/store/checkout", methods=["POST"])
@public_limits
def checkout():
    """Reserve the cart's pieces and send the buyer to Stripe's payment page."""
    email = request.form.get("email", "")

    def refused(exc: DomainError):
        flash_error(exc)
        return _basket_page(email=email, errors=exc.fields), exc.status

    return attempt(
        lambda: services.checkout_with_urls(_cart(), email), None, _to_stripe, refused, code=303
    )


def _to_stripe(reserved) -> str:
    """Stripe's payment page for the order just reserved (noted in the log)."""
    order, url = reserved
    current_app.logger.info("order %s reserved", order.reference)
    return url


@bp.route("/store/thanks")
@public_limits
def thanks():
    """Back from Stripe after paying: the sale is confirmed by Stripe's webhook, not here."""
    order = services.order_by_reference(request.args.get("order", ""))
    session[CART] = [t for t in _cart() if t not in {ln.item.tag for ln in order.lines}]
    return render_template("webshop/thanks.html", order=order)


@bp.route("/store/cancelled")
@public_limits
def cancelled():
    """Back from Stripe without paying: nothing was charged."""
    order = services.order_by_reference(request.args.get("order", ""))
    return render_template("webshop/cancelled.html", order=order)


@bp.route("/admin/orders")
@admin_required
def orders():
    """Online orders for the coordinator: status, pieces, amount, refunds."""
    return render_template(
        "webshop/orders.html", orders=services.list_orders(), status_labels=STATUS_LABELS
    )
