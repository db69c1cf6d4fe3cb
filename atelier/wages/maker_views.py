"""Pages for a maker on her phone: her earnings and her payslips, never anyone else's."""

from flask import render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from atelier.authz import roles_required
from atelier.wages import earnings, services
from atelier.wages.views import bp, pdf_response


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
        pdf_url=url_for("wages.my_payslip_pdf", period=period),
    )


@bp.route("/me/payslips/<period>/pdf")
@roles_required("beneficiary")
def my_payslip_pdf(period):
    """Her own payslip as a PDF, in the language she reads the site in."""
    services.check_period(period)
    row, slip = services.payslip(period, earnings.own_beneficiary_id(current_user))
    return pdf_response(row, slip, str(get_locale()))
