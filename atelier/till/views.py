"""Pages for the till: scan to sell, the receipt, returns, and the scan lookup (JSON)."""

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from atelier import nav
from atelier.authz import roles_required
from atelier.formatting import money
from atelier.forms import answer_json, submit
from atelier.stock.queries import sites_of_kind
from atelier.till import return_lookup, returns, rules, services
from atelier.till.forms import ReturnForm

bp = Blueprint("till", __name__, url_prefix="/till")

nav.register("till.choose", _l("Till"), ["shop"], order=30, icon="till")
nav.register("till.returns_choose", _l("Returns"), ["shop"], order=32, icon="return")


def _choose(endpoint: str, kinds: tuple[str, ...] = ("shop",)):
    """One shop: go straight to it; several: let the user pick."""
    shops = sites_of_kind(current_user, kinds)
    if len(shops) == 1:
        return redirect(url_for(endpoint, code=shops[0].code))
    return render_template("till/choose.html", shops=shops, endpoint=endpoint)


@bp.route("/")
@roles_required("shop")
def choose():
    """Pick the shop whose till to open."""
    return _choose("till.till")


@bp.route("/returns")
@roles_required("shop")
def returns_choose():
    """Pick the shop taking a piece back."""
    return _choose("till.take_return", rules.RETURN_SITE_KINDS)


@bp.route("/<code>")
@roles_required("shop")
def till(code: str):
    """The till: an always-focused scan field, lines, total, cash or card."""
    shop = services.shop_for(current_user, code)
    return render_template("till/till.html", shop=shop)


@bp.route("/<code>/scan")
@roles_required("shop")
def scan(code: str):
    """JSON: the line for one scanned piece, or why it cannot be sold (fixed query count)."""
    return answer_json(
        lambda: services.lookup(services.shop_for(current_user, code), request.args.get("q", ""))
    )


@bp.route("/<code>/sales", methods=["POST"])
@roles_required("shop")
def sell(code: str):
    """JSON from till.js: record the sale, answer with the receipt's address."""
    return answer_json(lambda: _record_sale(code, request.get_json(silent=True)), 201, commit=True)


def _record_sale(code: str, data) -> dict:
    """Record the sale posted by the till page: the receipt's id and address."""
    shop = services.shop_for(current_user, code)
    if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
        raise services.Invalid(_("The sale could not be read."), code="malformed")
    lines = [
        {
            "scan": str(line.get("scan", "")),
            "price_cents": _cents(line),
            "discount_reason": str(line.get("discount_reason") or ""),
        }
        for line in data["lines"]
        if isinstance(line, dict)
    ]
    sale, _created = services.record_sale(
        current_user,
        shop,
        str(data.get("payment_method", "")),
        lines,
        client_id=data.get("client_id") or None,
        reason_required=True,
    )
    return {"id": sale.id, "receipt_url": url_for("till.receipt", code=shop.code, sale_id=sale.id)}


def _cents(line: dict) -> int | None:
    """A price from the page: whole cents, or None for the list price."""
    value = line.get("price_cents")
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise services.Invalid(
            _("A price must be a whole number of cents."), {"price_cents": "not a number"}
        )
    return value


@bp.route("/<code>/receipts/<int:sale_id>")
@roles_required("shop")
def receipt(code: str, sale_id: int):
    """The receipt, printable; it names no maker."""
    shop = services.shop_for(current_user, code)
    sale = services.get_sale(current_user, shop, sale_id)
    return render_template("till/receipt.html", shop=shop, sale=sale)


@bp.route("/<code>/returns", methods=["GET", "POST"])
@roles_required("shop")
def take_return(code: str):
    """Scan a sold piece, say why, and restock it or write it off."""
    shop = services.shop_for(current_user, code, rules.RETURN_SITE_KINDS)
    form = ReturnForm()
    done = submit(
        form,
        lambda: returns.record_return(
            current_user,
            form.scan.data,
            form.reason.data,
            form.outcome.data == "restock",
            shop=shop,
        ),
        _returned_message,
        url_for("till.take_return", code=shop.code),
    )
    return done or render_template("till/returns.html", shop=shop, form=form)


@bp.route("/<code>/returns/lookup")
@roles_required("shop")
def return_lookup_json(code: str):
    """JSON for the returns page: the scanned piece, what was paid and how to refund it."""
    return answer_json(lambda: _returnable(code, request.args.get("q", "")))


def _returnable(code: str, scan: str) -> dict:
    """The scanned piece as the returns page shows it, if this shop may take it back."""
    shop = services.shop_for(current_user, code, rules.RETURN_SITE_KINDS)
    piece = return_lookup.returnable(current_user, scan, shop)
    amount = money(piece.price_cents, piece.currency)
    return {
        "code": piece.code,
        "product": piece.product,
        "price": amount,
        "refund": refund_how(piece.payment_method, amount),
    }


def refund_how(payment_method: str, amount: str) -> str:
    """How the shop pays a buyer back: as the sale was paid."""
    if payment_method == "cash":
        return _("Paid in cash: give %(amount)s back in cash.", amount=amount)
    if payment_method == "card":
        return _(
            "Paid by card: refund %(amount)s to the card on the shop's card terminal.",
            amount=amount,
        )
    return _("Paid online: %(amount)s goes back to the buyer through Stripe.", amount=amount)


def _returned_message(returned) -> str:
    """What the shop is told after a return: where the piece went and the refund."""
    amount = money(returned.refund_cents, returned.currency)
    if returned.online_refund == "failed":
        flash(
            _(
                "Stripe did not take the refund: pay %(amount)s back to the buyer in Stripe's "
                "dashboard.",
                amount=amount,
            ),
            "warning",
        )
    how = refund_how(returned.sale_line.sale.payment_method, amount)
    code = returned.sale_line.item.code
    if returned.is_restocked:
        return _("%(code)s is back in stock.", code=code) + " " + how
    return _("%(code)s is written off.", code=code) + " " + how
