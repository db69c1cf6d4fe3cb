"""Pages for the wages area: the coordinator's pay periods, exports and payslips."""

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from atelier import nav
from atelier.auth.services import maker_locale
from atelier.authz import admin_required
from atelier.errors import DomainError
from atelier.extensions import db
from atelier.forms import attempt
from atelier.people.services import beneficiary_by_code
from atelier.wages import (
    exports,
    groups,
    maker_views,
    payee_views,
    payees,
    payouts,
    rules,
    services,
    web,
)
from atelier.wages.labels import KIND_ICONS, KIND_LABELS

bp = Blueprint("wages", __name__)
#: the area's pages: the coordinator's (``bp``), a maker's own, the bank details
blueprints = (bp, maker_views.bp, payee_views.bp)

nav.register("wages.periods", _l("Wages"), ["admin"], order=60, icon="wages")


@bp.app_context_processor
def wages_helpers():
    """The labels and icons of the kinds of pay line."""
    return {"kind_labels": KIND_LABELS, "kind_icons": KIND_ICONS}


bp.add_app_template_filter(groups.kind_totals, "kind_totals")


def _back(period: str) -> str:
    """The period page's address."""
    return url_for("wages.period", period=period)


@bp.route("/admin/wages")
@admin_required
def periods():
    """The last twelve months, open or closed."""
    return render_template("wages/periods.html", months=services.recent_periods())


@bp.route("/admin/wages/<period>")
@admin_required
def period(period):
    """A month: its live preview or frozen payslips, rates, close and exports."""
    row = services.find_period(period)
    view = payees.check_bank_details(services.view_period(period, row=row))
    services.audit_read(view)
    db.session.commit()
    currencies = sorted(set(view.missing_rates) | set(view.rates))
    return render_template(
        "wages/period.html",
        view=view,
        row=row,
        currencies=currencies,
        has_ended=rules.has_ended(period, services.today()),
        summary=groups.maker_rows(view.slips, view.paid_by_bank),
        by_hand=request.args.get("skip_missing") == "1",
    )


@bp.route("/admin/wages/<period>/rates", methods=["POST"])
@admin_required
def set_rates(period):
    """Save the month's exchange rates from the form (``rate-EUR`` fields)."""
    given = {
        key[5:]: value.strip()
        for key, value in request.form.items()
        if key.startswith("rate-") and value.strip()
    }
    return attempt(
        lambda: services.set_rates(services.check_period(period), given),
        _("Exchange rates saved."),
        _back(period),
        _flash_with_fields,
    ) or redirect(_back(period))


def _flash_with_fields(exc: DomainError) -> None:
    """Say why the rates were refused, naming each bad one (the form has no fields)."""
    details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    flash(f"{exc.message} {details}".strip(), "error")


@bp.route("/admin/wages/<period>/close", methods=["POST"])
@admin_required
def close(period):
    """Close the month; the reason is shown if it is refused."""
    return attempt(
        lambda: services.close_period(services.check_period(period), None, current_user),
        _("The month is closed. Payslips are ready."),
        _back(period),
    ) or redirect(_back(period))


@bp.route("/admin/wages/<period>/bank-transfers.csv")
@admin_required
def bank_csv(period):
    """The bank transfers of a closed month, as CSV; refused (409) while makers with money
    due have no bank details, unless the coordinator leaves them out (``skip_missing=1``)."""
    return web.bank_transfers_csv(period)


@bp.route("/admin/wages/<period>/summary.xlsx")
@admin_required
def summary_xlsx(period):
    """The payroll summary of a closed month for the accountant, as XLSX."""
    view = payouts.closed_view(period)
    body = exports.summary_xlsx(view)
    db.session.commit()
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="payroll-{period}.xlsx"'},
    )


def _read_payslip(period: str, maker_code: str):
    """A maker's frozen payslip for staff, the read audited: (maker, period row, slip)."""
    maker = beneficiary_by_code(maker_code)
    row, slip = services.payslip(period, maker.id)
    services.audit_read(
        services.PeriodView(period, "closed", row.currency, {}, [], [slip]), maker.id
    )
    return maker, row, slip


@bp.route("/admin/wages/<period>/payslips/<maker_code>")
@admin_required
def payslip(period, maker_code):
    """One maker's frozen payslip, as a page."""
    row, slip = _read_payslip(period, maker_code)[1:]
    db.session.commit()
    return render_template(
        "wages/payslip.html",
        row=row,
        slip=slip,
        pdf_url=url_for("wages.payslip_pdf", period=period, maker_code=maker_code),
    )


@bp.route("/admin/wages/<period>/payslips/<maker_code>/pdf")
@admin_required
def payslip_pdf(period, maker_code):
    """One maker's payslip as a PDF, in her own language if she chose one."""
    maker, row, slip = _read_payslip(period, maker_code)
    locale = maker_locale(maker.id)
    db.session.commit()
    return web.payslip_pdf(row, slip, locale or str(get_locale()))
