"""Admin page for makers' bank details (the only place they are kept)."""

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from atelier.authz import admin_required
from atelier.errors import DomainError
from atelier.extensions import db
from atelier.forms import attempt, flash_error
from atelier.wages.payees import list_payees, set_payee

bp = Blueprint("payees", __name__)


@bp.route("/admin/wages/payees", methods=["GET", "POST"])
@admin_required
def index():
    """List bank details and add or replace one."""
    if request.method == "GET":
        return _page({}, {"maker_code": request.args.get("maker_code", "")[:32]})
    values = {k: request.form.get(k, "") for k in ("maker_code", "account_holder", "iban")}

    def refused(exc: DomainError):
        flash_error(exc)
        return _page(exc.fields, values)

    return attempt(
        lambda: set_payee(**values), _("Bank details saved."), url_for("payees.index"), refused
    )


def _page(errors: dict, values: dict):
    """The page (its list read is audited, so committed), 400 when a field was refused."""
    rows = list_payees()
    db.session.commit()
    return render_template("wages/payees.html", rows=rows, errors=errors, values=values), (
        400 if errors else 200
    )
