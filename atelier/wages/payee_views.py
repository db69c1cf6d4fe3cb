"""Admin page for makers' bank details (the only place they are kept)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from atelier.authz import admin_required
from atelier.errors import DomainError
from atelier.extensions import db
from atelier.wages import services
from atelier.wages.payees import list_payees
from atelier.wages.views import bp


@bp.route("/admin/wages/payees", methods=["GET", "POST"])
@admin_required
def payees():
    """List bank details and add or replace one."""
    errors, values = {}, {"maker_code": request.args.get("maker_code", "")[:32]}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in ("maker_code", "account_holder", "iban")}
        try:
            services.set_payee(**values)
        except DomainError as exc:
            db.session.rollback()
            errors = exc.fields
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Bank details saved."), "success")
            return redirect(url_for("wages.payees"))
    rows = list_payees()
    db.session.commit()
    return render_template("wages/payees.html", rows=rows, errors=errors, values=values), (
        400 if errors else 200
    )
