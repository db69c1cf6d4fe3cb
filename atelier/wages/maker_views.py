"""Pages for a maker on her phone: her earnings and her payslips, never anyone else's."""

from flask import Blueprint, render_template, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from atelier import nav
from atelier.authz import roles_required
from atelier.wages import earnings, services, web

bp = Blueprint("earnings", __name__)

nav.register("earnings.my_earnings", _l("My earnings"), ["beneficiary"], order=10, icon="earnings")


@bp.route("/me/earnings")
@roles_required("beneficiary")
def my_earnings():
    """This month so far, her pieces, where they sold, and her past months."""
    summary = earnings.summary(earnings.own_beneficiary_id(current_user))
    return render_template("wages/my_earnings.html", summary=summary)


@bp.route("/me/payslips/<period>")
@roles_required("beneficiary")
def my_payslip(period):
    """Her own payslip for a closed month."""
    services.check_period(period)
    row, slip = services.payslip(period, earnings.own_beneficiary_id(current_user))
    return render_template(
        "wages/payslip.html",
        row=row,
        slip=slip,
        mine=True,
        pdf_url=url_for("earnings.my_payslip_pdf", period=period),
    )


@bp.route("/me/payslips/<period>/pdf")
@roles_required("beneficiary")
def my_payslip_pdf(period):
    """Her own payslip as a PDF, in the language she reads the site in."""
    services.check_period(period)
    row, slip = services.payslip(period, earnings.own_beneficiary_id(current_user))
    return web.payslip_pdf(row, slip, str(get_locale()))
